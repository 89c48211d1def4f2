/**
 * A new campaign from what a person asked for (a Slack form): checked against the store (the
 * template in the catalog, the audience, campaign numbers only) and core's rules (id, plan).
 * Every refusal is a value with a sentence saying what is wrong and what would do.
 */
import { createCampaign, type Campaign } from '../../core/campaign.ts';
import { CoreError } from '../../core/errors.ts';
import type { RunnerOptions } from '../../core/runner-options.ts';
import type { Instant } from '../../core/time.ts';
import type { Store } from '../store/store.ts';
import { readComponents, readSchedule, type CampaignRun } from './campaign-run.ts';

export interface CreateCampaignSpec {
  /** 1-64 letters, digits, "_", "." or "-"; default derived from the clock. */
  readonly id?: string;
  readonly name: string;
  /** A template in the store's catalog; the language may be left out when the name has one language. */
  readonly template: string | { readonly name: string; readonly language: string };
  /** An audience in the store (an imported contact list). */
  readonly audience: string;
  /** Campaign number ids to send from (a pool). */
  readonly numbers: readonly string[];
  /** The pacing plan: `{ kind: 'ramp', start, growth, step, cap }`, `{ kind: 'burst' }` or `{ kind: 'script', sends }`. */
  readonly plan: { readonly name?: string; readonly schedule: unknown };
  /** The template's components; text values may use `{{name}}`, `{{waId}}`, `{{attributes.<key>}}`. */
  readonly components?: unknown;
  readonly options?: Partial<RunnerOptions>;
}

export type ServiceProblem = 'not-found' | 'illegal-transition' | 'invalid' | 'conflict';
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ServiceProblem; readonly message: string };

export const fail = <T>(problem: ServiceProblem, message: string): Outcome<T> => ({ ok: false, problem, message });

export async function newCampaign(store: Store, spec: CreateCampaignSpec, now: Instant): Promise<Outcome<{ campaign: Campaign; run: CampaignRun }>> {
  try {
    const template = await findTemplate(store, spec?.template);
    if (typeof template === 'string') return fail('invalid', template);
    if (!(await store.audiences.get(spec.audience))) return fail('invalid', `audience "${spec.audience}": not in the store; import a contact list first`);
    for (const id of Array.isArray(spec.numbers) ? spec.numbers : []) {
      const n = await store.numbers.get(id);
      if (!n) return fail('invalid', `number ${id}: not in the store; add it first`);
      if (n.role !== 'campaign' && !spec.options?.allowMainNumber) return fail('invalid', `number ${id} is the main number: campaigns send from campaign numbers only (allowMainNumber overrides)`);
    }
    const schedule = readSchedule(spec.plan?.schedule);
    const components = readComponents(spec.components);
    const campaign = createCampaign({
      id: spec.id ?? `c${now.toString(36)}`, name: spec.name, template, audience: spec.audience, from: spec.numbers, plan: spec.plan.name ?? schedule.kind, createdAt: now,
    });
    if (await store.campaigns.get(campaign.id)) return fail('conflict', `campaign ${campaign.id} exists already; pick another id`);
    return { ok: true, value: { campaign, run: { version: 1, id: campaign.id, schedule, ...(components ? { components } : {}), ...(spec.options ? { options: spec.options } : {}) } } };
  } catch (error) {
    if (error instanceof CoreError && error.code !== 'WA_STORE_UNWRITABLE' && error.code !== 'WA_STORE_CLOSED') return fail('invalid', error.message);
    throw error;
  }
}

async function findTemplate(store: Store, raw: CreateCampaignSpec['template']): Promise<{ name: string; language: string } | string> {
  const name = typeof raw === 'string' ? raw : raw?.name;
  const all = (await store.templates.list()).filter((t) => t.name === name);
  const found = typeof raw === 'object' && raw !== null ? all.filter((t) => t.language === raw.language) : all;
  if (found.length === 1) return { name: found[0]!.name, language: found[0]!.language };
  if (found.length === 0) return `template ${JSON.stringify(name)}${typeof raw === 'object' ? ` in ${raw?.language}` : ''}: not in the catalog; sync the templates first`;
  return `template ${name} exists in ${found.map((t) => t.language).join(', ')}: say which language`;
}

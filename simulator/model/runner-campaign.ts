/**
 * The campaign core's runner runs for one plan of a scenario, whoever drives it: the simulator's
 * RunnerSender on the virtual clock, or `driveCampaign` against the sandbox. Built in one place so
 * both get the same campaign id, recipients (with the same wa_ids), schedule, numbers, holders'
 * books and options.
 *
 * - Recipients: the plan's segments in its order, each member opted in at the start (a scenario's
 *   audiences are opted-in lists; an instant cannot precede 0, where scenarios start), wa_ids from
 *   `audienceWaId`.
 * - Numbers: the plan's `from`, as the portfolio lists them (role, throughput, status).
 * - Holders: the runner keeps books of its own, opened as Meta's are (simulator/model/limit-books.ts):
 *   one per number under a per-number policy, else one for the portfolio at its numbers' best tier
 *   and worst rated quality. It learns Meta's tier changes only from webhooks, as the bot does.
 * - Options: the pacing tick from the model's `sender.tick`, everything else core's defaults.
 */
import {
  CampaignLedger, LimitHolder, applyCampaignTransition, createCampaign, createContact, worstQuality,
  type LimitHolderSpec, type PhoneNumber, type RunnerOptions, type RunnerRecipient, type RunnerSetup, type TemplateMessage, type TierName,
} from '../../core/index.ts';
import { invalidArgument } from '../../core/errors.ts';
import type { PlanSpec, Scenario } from '../scenario/scenario.ts';
import { audienceWaId } from './audience-wa-id.ts';

export interface RunnerCampaignOptions {
  /** Default `sim-<plan>`. */
  readonly campaignId?: string;
  /** Over the defaults above. */
  readonly options?: Partial<RunnerOptions>;
  /** The sequence's steps; one message ("m1") by default. */
  readonly messageKeys?: readonly string[];
  /** Default: the plan's template in en_US without parameters (the simulated platform reads none). */
  readonly message?: (waId: string, messageKey: string) => TemplateMessage;
  readonly ledger?: CampaignLedger;
}

/** The plan's audience members: index ranges [from, to) in the plan's segment order. */
export function planMembers(scenario: Scenario, plan: PlanSpec): { from: number; to: number }[] {
  const segments = scenario.audience.segments;
  const offsets = [0];
  for (const s of segments) offsets.push(offsets.at(-1)! + s.size);
  const names = plan.segments.length ? plan.segments : segments.map((s) => s.name);
  return names.map((name) => {
    const k = segments.findIndex((s) => s.name === name);
    if (k < 0) throw invalidArgument(`plan ${plan.name}: segments`, `${JSON.stringify(name)} is not in the audience; expected one of ${segments.map((s) => s.name).join(', ')}`);
    return { from: offsets[k]!, to: offsets[k + 1]! };
  });
}

/** Opted-in contacts are the same in every replication: built once per plan (creating them is most of a small run's cost). */
const recipientCache = new WeakMap<PlanSpec, { start: number; segments: Scenario['audience']['segments']; list: readonly RunnerRecipient[] }>();

export function planRecipients(scenario: Scenario, plan: PlanSpec): readonly RunnerRecipient[] {
  const cached = recipientCache.get(plan);
  if (cached && cached.start === scenario.start && cached.segments === scenario.audience.segments) return cached.list;
  const optIn = { source: 'import', at: scenario.start };
  const list: RunnerRecipient[] = [];
  for (const { from, to } of planMembers(scenario, plan)) {
    for (let i = from; i < to; i++) {
      const waId = audienceWaId(i);
      list.push({ waId, contact: createContact({ waId, optIn }) });
    }
  }
  recipientCache.set(plan, { start: scenario.start, segments: scenario.audience.segments, list });
  return list;
}

export function runnerCampaign(scenario: Scenario, plan: PlanSpec, o: RunnerCampaignOptions = {}): RunnerSetup {
  const { policy, portfolio, start } = scenario;
  const numbers = plan.from.map((id) => {
    const n = portfolio.numbers.find((x) => x.id === id);
    if (!n) throw invalidArgument(`plan ${plan.name}: from`, `${JSON.stringify(id)} is not a number of the portfolio; expected one of ${portfolio.numbers.map((x) => x.id).join(', ')}`);
    return n;
  });
  const holderOf = (numberId: string) => (policy.scope === 'number' ? numberId : portfolio.id);
  const holders = new Map<string, LimitHolder>();
  const flagged = (members: readonly PhoneNumber[]) => policy.flagging.enabled && members.some((n) => n.status === 'FLAGGED');
  const spec = (holderId: string, tier: TierName, quality: LimitHolderSpec['quality'], isFlagged: boolean): LimitHolderSpec => ({
    holderId, at: start, tier, quality, status: isFlagged ? 'FLAGGED' : 'CONNECTED', verified: portfolio.verified,
  });
  if (policy.scope === 'number') {
    for (const n of numbers) holders.set(n.id, new LimitHolder(policy, spec(n.id, n.tier, n.quality, flagged([n]))));
  } else {
    const all = portfolio.numbers;
    const tier = all.map((n) => n.tier).filter((t) => policy.tiers.includes(t))
      .reduce<TierName>((a, b) => (policy.tiers.indexOf(b) > policy.tiers.indexOf(a) ? b : a), policy.initialTier);
    const rated = all.map((n) => n.quality).filter((q) => q !== 'UNKNOWN');
    holders.set(portfolio.id, new LimitHolder(policy, spec(portfolio.id, tier, rated.length ? worstQuality(rated) : 'UNKNOWN', flagged(all))));
  }
  const id = o.campaignId ?? `sim-${plan.name}`.slice(0, 64);
  const template = { name: plan.template, language: 'en_US' };
  const created = createCampaign({ id, name: plan.name, template, audience: plan.segments.join(',') || 'all', from: [...plan.from], plan: plan.name, createdAt: start });
  const campaign = applyCampaignTransition(created, { kind: 'start' }, start).campaign;
  const plain: TemplateMessage = { name: template.name, language: { code: template.language } };
  return {
    campaign, schedule: plan.schedule, numbers, holders, holderOf, recipients: planRecipients(scenario, plan),
    message: o.message ?? (() => plain), ledger: o.ledger ?? new CampaignLedger(),
    options: { tick: scenario.params.sender.tick, ...o.options },
    ...(o.messageKeys && { messageKeys: o.messageKeys }),
  };
}

/**
 * `/wa campaign start`: resolve what was named (template, audience, numbers, plan), then answer
 * with a preflight — eligible recipients, skips by reason, days needed under today's limits, and
 * the simulator's predicted risk for this plan next to the alternative — and Confirm / Cancel.
 * Nothing is sent here. Every name that does not resolve is answered with the names that would.
 */
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDuration } from '../../core/time.ts';
import { importContactsFile } from '../store/import-contacts.ts';
import type { Audience } from '../store/store.ts';
import { closest } from './closest.ts';
import { importReply } from './contact-commands.ts';
import { code, count, pct, plural, qualityLabel, tierLabel, when } from './format.ts';
import type { PendingActions } from './pending-actions.ts';
import type { ParsedCommand } from './parse-command.ts';
import type { CommandDeps, Invocation, NumberUsage, PlanInfo, RiskEstimate } from './ports.ts';
import { SKIP_LABELS, checkEligibility, daysNeeded, type SkipCause } from './preflight.ts';
import { templateComponents } from './template-components.ts';
import { ephemeral, problem, type Block, type Reply } from './reply.ts';

const list = (names: readonly string[]) => (names.length ? names.map(code).join(', ') : 'none yet');
const didYouMean = (word: string, names: readonly string[]) => {
  const near = closest(word, names);
  return near.length ? `Did you mean ${near.map(code).join(' or ')}? ` : '';
};

/** Number ids for `--from`: ids, displayed numbers, or `pool` for every campaign number. */
export function resolveNumbers(text: string, numbers: readonly NumberUsage[]): { ok: true; chosen: NumberUsage[] } | { ok: false; reply: Reply } {
  const campaign = numbers.filter((u) => u.number.role === 'campaign');
  const known = numbers.map((u) => `${u.number.display} (${u.number.id}, ${u.number.role})`);
  const chosen = new Map<string, NumberUsage>();
  for (const token of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    if (['pool', 'campaign', 'all'].includes(token.toLowerCase())) {
      for (const u of campaign) chosen.set(u.number.id, u);
      continue;
    }
    const digits = token.replace(/\D/g, '');
    const match = numbers.find((u) => u.number.id === token || (digits.length >= 4 && u.number.display.replace(/\D/g, '') === digits));
    if (!match) return { ok: false, reply: problem(`No number ${code(token)}.`, `Use \`--from pool\` for every campaign number, or one of: ${known.join(', ')}. See \`/wa numbers\`.`) };
    if (match.number.role === 'main') {
      return { ok: false, reply: problem(`${match.number.display} is the main number.`, 'The main number keeps customer service and its history; campaigns send from campaign numbers. Use `--from pool`.') };
    }
    chosen.set(match.number.id, match);
  }
  if (chosen.size === 0) return { ok: false, reply: problem('No campaign numbers to send from.', `Add a campaign number to the WhatsApp Business Account; known: ${known.join(', ') || 'none'}.`) };
  const blocked = [...chosen.values()].filter((u) => !['CONNECTED', 'UNKNOWN'].includes(u.number.status));
  if (blocked.length) {
    return { ok: false, reply: problem(`${blocked.map((u) => `${u.number.display} is ${u.number.status}`).join('; ')}.`, 'A campaign from a number in that state would hurt it further. Wait for it to recover (`/wa numbers`), or choose other numbers with `--from`.') };
  }
  return { ok: true, chosen: [...chosen.values()] };
}

function parseAt(text: string, now: number): number | undefined {
  if (/^\d+(\.\d+)?\s*(m|h|d|w)$/.test(text)) return now + parseDuration(text);
  const t = Date.parse(text);
  return Number.isFinite(t) && /^\d{4}-\d\d-\d\d/.test(text) ? t : undefined;
}

async function resolveAudience(deps: CommandDeps, inv: Invocation, name: string): Promise<{ ok: true; audience: Audience; imported?: Reply } | { ok: false; reply: Reply }> {
  const found = await deps.store.audiences.get(name);
  if (found) return { ok: true, audience: found };
  if (inv.surface === 'console' && extname(name).toLowerCase() === '.csv' && existsSync(name)) {
    const result = await importContactsFile(deps.store, name, { at: deps.clock.now(), by: inv.user, ...(deps.settings.defaultCountry && { defaultCountry: deps.settings.defaultCountry as never }) });
    const imported = await importReply(deps, inv, result);
    const audience = result.ok ? await deps.store.audiences.get(result.audience) : undefined;
    return audience ? { ok: true, audience, imported } : { ok: false, reply: imported };
  }
  const names = (await deps.store.audiences.list()).map((a) => a.name);
  const hint = extname(name) ? ` Import the file first with \`/wa contacts import\` (it becomes the audience ${code(basename(name, extname(name)))}).` : ' Import one with `/wa contacts import`.';
  return { ok: false, reply: problem(`No audience ${code(name)}.`, `${didYouMean(name, names)}Audiences: ${list(names)}.${hint}`) };
}

export function alternativeTo(plan: PlanInfo, plans: readonly PlanInfo[]): PlanInfo | undefined {
  const preferred = plan.name === 'warmup' ? 'burst' : 'warmup';
  return plans.find((p) => p.name === preferred) ?? plans.find((p) => p.name !== plan.name);
}

export async function campaignStartReply(deps: CommandDeps, inv: Invocation, cmd: ParsedCommand, pending: PendingActions): Promise<Reply> {
  const now = deps.clock.now();
  const flags = cmd.flags as Record<string, string | undefined>;
  const templateName = cmd.args.template!;
  const templates = await deps.store.templates.list();
  const named = templates.filter((t) => t.name === templateName);
  const template = flags.language ? named.find((t) => t.language === flags.language) : named.length === 1 ? named[0] : named.find((t) => t.language === 'en_US');
  if (!template) {
    if (named.length > 1 || (named.length === 1 && flags.language)) return problem(`${code(templateName)} has no language ${code(flags.language ?? '?')}.`, `Give \`--language\` with one of: ${list(named.map((t) => t.language))}.`);
    const names = [...new Set(templates.map((t) => t.name))];
    return problem(`No template ${code(templateName)}.`, `${didYouMean(templateName, names)}Templates: ${list(names)}. See \`/wa templates\`.`);
  }
  if (template.status !== 'APPROVED') return problem(`${code(template.name)} is ${template.status}.`, 'Only APPROVED templates can be sent. Choose another (`/wa templates`) or fix it in WhatsApp Manager.');

  const plans = deps.campaigns.plans();
  const planName = flags.plan ?? 'warmup';
  const plan = plans.find((p) => p.name === planName);
  if (!plan) return problem(`No plan ${code(planName)}.`, `${didYouMean(planName, plans.map((p) => p.name))}Plans: ${list(plans.map((p) => p.name))}.`);
  const at = flags.at === undefined ? undefined : parseAt(flags.at, now);
  if (flags.at !== undefined && (at === undefined || at < now)) return problem(`${code(flags.at)} is not a time in the future.`, 'Give an ISO time like `2026-04-01T09:00Z`, or a delay like `2h` or `1d`.');

  const audienceResult = await resolveAudience(deps, inv, flags.audience!);
  if (!audienceResult.ok) return audienceResult.reply;
  const audience = audienceResult.audience;
  const numbers = resolveNumbers(flags.from!, await deps.campaigns.numbers());
  if (!numbers.ok) return numbers.reply;

  const sample = await deps.store.contacts.getMany(audience.waIds.slice(0, 200));
  const columns = new Set([...sample.values()].flatMap((c) => Object.keys(c.attributes ?? {})));
  const parts = templateComponents(template, columns);
  if (!parts.ok) return problem(`${code(template.name)} cannot be sent from chat: ${parts.problem}.`, 'See `/wa templates`.');
  const missing = parts.columns.filter((k) => !columns.has(k));
  if (missing.length) {
    return problem(`${code(template.name)} needs ${missing.map((k) => `{{${k}}}`).join(', ')}, and the contacts of ${code(audience.name)} have no such column.`, `Add ${missing.length === 1 ? 'a column' : 'columns'} ${missing.map(code).join(', ')} to the CSV and import it again (\`{{1}}\` is the contact's name unless there is a column \`1\`).`);
  }
  const eligibility = await checkEligibility(deps.store, audience, now);
  if (eligibility.eligible === 0) {
    return problem(`Nobody in ${code(audience.name)} may be messaged.`, `${skipLines(eligibility.skipped).join('; ') || 'the audience is empty'}. Import contacts with opt-in evidence (\`/wa contacts import\`).`);
  }
  const days = daysNeeded(eligibility.eligible, numbers.chosen, plan.schedule);
  const alternative = alternativeTo(plan, plans);
  const risk = await deps.risk.estimate({
    numbers: numbers.chosen, recipients: eligibility.eligible, optIn: eligibility.optIn,
    plans: alternative ? [plan, alternative] : [plan], horizonDays: Number.isFinite(days) ? days + 3 : 30,
  });
  const chosenRisk = risk.plans[0]!;
  const reasons: string[] = [];
  if (eligibility.eligible >= deps.settings.approvalThreshold) reasons.push(`${count(eligibility.eligible)} recipients (approval from ${count(deps.settings.approvalThreshold)})`);
  if (chosenRisk.flagged.p >= deps.settings.riskThreshold) reasons.push(`predicted ${pct(chosenRisk.flagged.p)} chance of being FLAGGED (approval from ${pct(deps.settings.riskThreshold, 0)})`);
  const approvalReasons = deps.settings.approvals ? reasons : [];

  const name = flags.name ?? `${template.name} → ${audience.name}`;
  const fromText = numbers.chosen.map((u) => u.number.display).join(', ');
  const summary = `*${name}*: ${template.name} (${template.language}) to ${count(eligibility.eligible)} of ${audience.name} from ${fromText}, plan ${plan.name}${at !== undefined ? `, at ${when(at)}` : ''}`;
  const created = pending.create({
    kind: 'start', summary, approvalReasons, eligible: eligibility.eligible,
    request: { name, template: { name: template.name, language: template.language }, audience: audience.name, from: numbers.chosen.map((u) => u.number.id), plan: plan.name, ...(at !== undefined && { at }) },
  }, inv.user, inv.channel);

  const blocks: Block[] = [
    { kind: 'header', text: `Preflight: ${name}` },
    { kind: 'fields', fields: [
      ['Template', `${template.name} (${template.language}, ${template.category.toLowerCase()}, quality ${qualityLabel(template.quality)})`],
      ['Audience', `${audience.name}: ${count(eligibility.eligible)} eligible of ${count(eligibility.audience)}`],
      ['From', numbers.chosen.map((u) => `${u.number.display} (${tierLabel(u.number.tier)}, ${u.number.quality}, ${count(u.used)}/${count(u.limit)} used)`).join('\n')],
      ['Plan', `${plan.name}${plan.description ? `: ${plan.description}` : ''}`],
      ['Days needed', Number.isFinite(days) ? `${plural(days, 'day')} under today's limits (sooner if the number earns an upgrade)` : 'more than a year under today\'s limits'],
      ['Starts', at !== undefined ? when(at) : 'as soon as you confirm'],
    ] },
  ];
  const skips = skipLines(eligibility.skipped);
  if (skips.length) blocks.push({ kind: 'text', text: `*Skipped:* ${skips.join('; ')}` });
  blocks.push(...riskBlocks(risk));
  if (audienceResult.imported) blocks.unshift(...audienceResult.imported.blocks);
  if (approvalReasons.length) blocks.push({ kind: 'text', text: `:lock: *Needs a second approver:* ${approvalReasons.join('; ')}. After you confirm, another authorised person must approve.` });
  else if (reasons.length) blocks.push({ kind: 'text', text: `:warning: ${reasons.join('; ')}.` });
  blocks.push({ kind: 'context', text: 'Nothing has been sent. Confirm to start, or Cancel.' });
  return ephemeral(`Preflight: ${summary}. ${pct(chosenRisk.flagged.p)} predicted chance of being FLAGGED.`, blocks, {
    actions: {
      pendingId: created.id, kind: 'confirm',
      accept: { label: approvalReasons.length ? 'Confirm and ask for approval' : 'Confirm and start', style: 'danger' },
      reject: { label: 'Cancel' },
      dialog: { title: 'Start this campaign?', text: `${count(eligibility.eligible)} people will get ${template.name} from ${fromText}.` },
    },
  });
}

function skipLines(skipped: Readonly<Partial<Record<SkipCause, number>>>): string[] {
  return Object.entries(skipped).filter(([, n]) => n! > 0).map(([cause, n]) => `${count(n!)} ${SKIP_LABELS[cause as SkipCause]}`);
}

function riskBlocks(risk: RiskEstimate): Block[] {
  const interval = (r: { p: number; lo: number; hi: number }) => `${pct(r.p)} [${pct(r.lo, 0)}–${pct(r.hi, 0)}]`;
  return [
    { kind: 'table', rows: [['plan', 'P(flagged)', 'P(restricted)', 'P(ban)', `delivered in ${risk.horizonDays}d`], ...risk.plans.map((p, i) => [`${p.plan}${i === 0 ? ' (chosen)' : ''}`, interval(p.flagged), interval(p.restricted), interval(p.banned), count(p.delivered)])] },
    { kind: 'context', text: `Simulator: ${risk.replications} replications per plan, seed ${risk.seed}, 95% intervals, ${(risk.elapsedMs / 1000).toFixed(1)} s. P(restricted): the number hit its messaging limit or a messaging block at least once.` },
  ];
}

/** `/wa campaign status | list | pause | resume | stop`. */
import { isTerminal, type Campaign } from '../../core/campaign.ts';
import { CampaignLedger, type LedgerSummary } from '../../core/campaign-ledger.ts';
import { closest } from './closest.ts';
import { code, count, pct, relative, when } from './format.ts';
import type { PendingActions } from './pending-actions.ts';
import type { CommandDeps, Invocation } from './ports.ts';
import { ephemeral, inChannel, problem, type Block, type Reply } from './reply.ts';

const STATUS_ORDER = ['running', 'paused', 'scheduled', 'draft', 'completed', 'stopped', 'failed'];

export async function listCampaigns(deps: CommandDeps): Promise<Campaign[]> {
  const all = await deps.store.campaigns.list();
  return all.sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || b.createdAt - a.createdAt);
}

/** The campaign named by id (or its unique prefix), or the latest when none is named. */
export async function findCampaign(deps: CommandDeps, id: string | undefined): Promise<{ ok: true; campaign: Campaign } | { ok: false; reply: Reply }> {
  const all = await listCampaigns(deps);
  if (all.length === 0) return { ok: false, reply: problem('No campaigns yet.', 'Start one with `/wa campaign start <template> --audience <name> --from pool`.') };
  if (id === undefined) return { ok: true, campaign: [...all].sort((a, b) => b.createdAt - a.createdAt)[0]! };
  const exact = all.find((c) => c.id === id) ?? (() => {
    const byPrefix = all.filter((c) => c.id.startsWith(id));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  })();
  if (exact) return { ok: true, campaign: exact };
  const near = closest(id, all.map((c) => c.id));
  const shown = all.slice(0, 8).map((c) => `${code(c.id)} (${c.status})`).join(', ');
  return { ok: false, reply: problem(`No campaign ${code(id)}.`, `${near.length ? `Did you mean ${near.map(code).join(' or ')}? ` : ''}Campaigns: ${shown}. See \`/wa campaign list\`.`) };
}

export async function ledgerSummary(deps: CommandDeps, id: string): Promise<{ audience?: number; summary: LedgerSummary }> {
  const live = await deps.campaigns.progress(id);
  const summary = live.ledger ?? CampaignLedger.fromEntries(await deps.store.ledger.load(id)).summary(id);
  return { summary, ...(live.audience !== undefined && { audience: live.audience }) };
}

export function progressFields(s: LedgerSummary, audience?: number): [string, string][] {
  const d = s.byDelivery;
  const accepted = s.byState.accepted;
  const delivered = d.delivered + d.read;
  const waiting = s.byState.pending + s.byState['retry-wait'] + s.byState.intent + s.byState['maybe-sent'];
  return [
    ['Recipients', audience !== undefined && audience > s.total ? `${count(audience)} (${count(s.total)} reached so far)` : count(s.total)],
    ['Sent (accepted by Meta)', `${count(accepted)}${s.total ? ` (${pct(accepted / s.total, 0)})` : ''}`],
    ['Delivered', `${count(delivered)}${accepted ? ` (${pct(delivered / accepted, 0)} of sent)` : ''}`],
    ['Read', count(d.read)],
    ['Failed', count(s.byState.failed + d.failed)],
    ['Waiting', `${count(waiting)}${s.byState['retry-wait'] ? ` (${count(s.byState['retry-wait'])} to retry)` : ''}`],
    ['Skipped', count(s.byState.skipped)],
    ['Unknown outcome', count(s.byState.unknown)],
  ];
}

export function campaignLine(c: Campaign): string {
  const pause = c.pause ? ` — paused: ${c.pause.reason}` : '';
  return `${code(c.id)} ${c.name}: ${c.status}${pause}`;
}

export async function statusReply(deps: CommandDeps, id: string | undefined): Promise<Reply> {
  const found = await findCampaign(deps, id);
  if (!found.ok) return found.reply;
  const c = found.campaign;
  const { summary: s, audience } = await ledgerSummary(deps, c.id);
  const now = deps.clock.now();
  const blocks: Block[] = [
    { kind: 'header', text: `${c.name} — ${c.status.toUpperCase()}` },
    { kind: 'fields', fields: [['Campaign', code(c.id)], ['Template', `${c.template.name} (${c.template.language})`], ['Audience', c.audience], ['Plan', c.plan], ...progressFields(s, audience)] },
  ];
  if (c.pause) blocks.push({ kind: 'text', text: `:double_vertical_bar: Paused ${relative(c.pause.at, now) === 'now' ? when(c.pause.at) : ''} because *${c.pause.reason}*: ${c.pause.detail}. Resume with \`/wa campaign resume ${c.id}\` once the cause is fixed.` });
  if (c.status === 'scheduled' && c.scheduledAt !== undefined) blocks.push({ kind: 'text', text: `Starts ${relative(c.scheduledAt, now)}.` });
  blocks.push({ kind: 'context', text: `Created ${when(c.createdAt)}${c.startedAt ? ` · started ${when(c.startedAt)}` : ''}${c.endedAt ? ` · ended ${when(c.endedAt)}` : ''} · \`/wa campaign report ${c.id}\` for the funnel and CSV` });
  const delivered = s.byDelivery.delivered + s.byDelivery.read;
  return ephemeral(`Campaign ${c.id} ${c.status}: ${count(s.byState.accepted)} sent, ${count(delivered)} delivered, ${count(s.byDelivery.read)} read, ${count(s.byState.failed + s.byDelivery.failed)} failed of ${count(s.total)}`, blocks);
}

export async function listReply(deps: CommandDeps, all: boolean): Promise<Reply> {
  const campaigns = (await listCampaigns(deps)).filter((c) => all || !isTerminal(c.status));
  if (campaigns.length === 0) return ephemeral(all ? 'No campaigns yet.' : 'No active campaigns. `/wa campaign list --all` shows finished ones too.');
  const rows = campaigns.map((c) => [c.id, c.name, c.status + (c.pause ? ` (${c.pause.reason})` : ''), c.plan, when(c.createdAt)]);
  return ephemeral(`Campaigns: ${campaigns.map((c) => `${c.id} ${c.status}`).join(', ')}`, [
    { kind: 'header', text: all ? 'Campaigns' : 'Active campaigns' },
    { kind: 'table', rows: [['id', 'name', 'status', 'plan', 'created'], ...rows] },
  ]);
}

/** Pause, resume: done at once, told to the channel, written to the audit log. */
export async function changeReply(deps: CommandDeps, inv: Invocation, kind: 'pause' | 'resume', id: string, reason?: string): Promise<Reply> {
  const found = await findCampaign(deps, id);
  if (!found.ok) return found.reply;
  const c = found.campaign;
  const detail = reason ?? 'paused from chat';
  const result = kind === 'pause' ? await deps.campaigns.pause(c.id, inv.user, detail) : await deps.campaigns.resume(c.id, inv.user);
  if (!result.ok) return problem(result.message, `\`/wa campaign status ${c.id}\` shows what it can do now.`);
  await deps.audit.announce({ at: deps.clock.now(), who: inv.user, what: kind === 'pause' ? 'campaign-paused' : 'campaign-resumed', details: { campaign: c.id, ...(kind === 'pause' && { detail }) } });
  const text = kind === 'pause' ? `:double_vertical_bar: <@${inv.user}> paused ${code(c.id)} ${c.name}${reason ? `: ${reason}` : ''}. Messages already sent are not affected.` : `:arrow_forward: <@${inv.user}> resumed ${code(c.id)} ${c.name}.`;
  return inChannel(text);
}

export async function stopPreviewReply(deps: CommandDeps, inv: Invocation, id: string, reason: string | undefined, pending: PendingActions): Promise<Reply> {
  const found = await findCampaign(deps, id);
  if (!found.ok) return found.reply;
  const c = found.campaign;
  if (isTerminal(c.status)) return problem(`${code(c.id)} is already ${c.status}.`, 'Nothing to stop.');
  const { summary: s } = await ledgerSummary(deps, c.id);
  const unsent = s.byState.pending + s.byState['retry-wait'];
  const why = reason ?? 'stopped from chat';
  const p = pending.create({ kind: 'stop', campaignId: c.id, reason: why, summary: `stop ${c.id} ${c.name}` }, inv.user, inv.channel);
  return ephemeral(`Stop ${c.id}? ${count(unsent)} recipients not yet messaged will not be.`, [
    { kind: 'text', text: `Stop *${c.name}* (${code(c.id)}) for good? ${count(unsent)} recipients not yet messaged will stay unsent; it cannot be resumed.` },
  ], { actions: { pendingId: p.id, kind: 'confirm', accept: { label: 'Stop campaign', style: 'danger' }, reject: { label: 'Keep it' }, dialog: { title: 'Stop this campaign?', text: 'A stopped campaign cannot be resumed.' } } });
}

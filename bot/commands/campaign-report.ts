/**
 * `/wa campaign report [id] [--csv]`: the funnel (sent, delivered, read, failed by reason with
 * Meta's explanation in plain words), billable messages and cost by category, and a per-recipient
 * CSV, all read from the campaign's ledger.
 * Pricing: per delivered template message, by category, since 2025-07-01.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/pricing
 */
import { CampaignLedger } from '../../core/campaign-ledger.ts';
import { classifyMetaError } from '../../core/meta-error.ts';
import type { LedgerEntry } from '../../core/ledger-entry.ts';
import { findCampaign, progressFields } from './campaign-commands.ts';
import { count, pct } from './format.ts';
import type { CommandDeps } from './ports.ts';
import { ephemeral, type Block, type Reply } from './reply.ts';

interface FailureLine { readonly key: string; readonly count: number; readonly explanation: string }

function explain(code: number | undefined, fallback: string): string {
  if (code === undefined) return fallback;
  try {
    return classifyMetaError(code).explanation;
  } catch {
    return fallback;
  }
}

export function failuresByReason(entries: readonly LedgerEntry[]): FailureLine[] {
  const lines = new Map<string, { count: number; explanation: string }>();
  const add = (key: string, explanation: string) => {
    const line = lines.get(key) ?? { count: 0, explanation };
    line.count += 1;
    lines.set(key, line);
  };
  for (const e of entries) {
    if (e.state === 'failed') add(e.metaCode !== undefined ? `${e.metaCode} ${e.reason}` : e.reason, explain(e.metaCode, e.explanation));
    if (e.state === 'accepted' && e.delivery.status === 'failed') {
      const err = e.delivery.errors[0];
      add(err ? `${err.code}${err.title ? ` ${err.title}` : ''}` : 'failed after sending', explain(err?.code, err?.details ?? 'Meta reported the message failed without a reason.'));
    }
  }
  return [...lines].map(([key, l]) => ({ key, ...l })).sort((a, b) => b.count - a.count);
}

const CSV_COLUMNS = ['wa_id', 'message', 'state', 'delivery', 'wamid', 'attempts', 'error_code', 'reason', 'explanation', 'updated_at'];

const cell = (v: string | number | undefined): string => {
  const s = v === undefined ? '' : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) && !/^\+\d+$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function reportCsv(entries: readonly LedgerEntry[]): string {
  const rows = entries.map((e) => {
    const base = { wa_id: e.key.waId, message: e.key.messageKey, state: e.state, attempts: e.attempts, updated_at: new Date(e.updatedAt).toISOString() };
    switch (e.state) {
      case 'accepted': {
        const err = e.delivery.errors[0];
        return { ...base, delivery: e.delivery.status, wamid: e.wamid, error_code: err?.code, reason: err?.title, explanation: err ? explain(err.code, err.details ?? '') : undefined };
      }
      case 'failed': return { ...base, error_code: e.metaCode, reason: e.reason, explanation: explain(e.metaCode, e.explanation) };
      case 'skipped': return { ...base, reason: e.reason, explanation: e.detail };
      case 'retry-wait': return { ...base, error_code: e.lastError.metaCode, reason: `retry at ${new Date(e.retryAt).toISOString()}: ${e.lastError.reason}` };
      default: return base;
    }
  });
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell((r as Record<string, string | number | undefined>)[c])).join(','))].join('\n') + '\n';
}

export async function reportReply(deps: CommandDeps, id: string | undefined, withCsv: boolean): Promise<Reply> {
  const found = await findCampaign(deps, id);
  if (!found.ok) return found.reply;
  const c = found.campaign;
  const entries = (await deps.store.ledger.load(c.id)).filter((e) => e.key.campaignId === c.id);
  const summary = CampaignLedger.fromEntries(entries).summary(c.id);
  const template = await deps.store.templates.get(c.template.name, c.template.language);
  const category = (template?.category ?? 'MARKETING').toLowerCase();
  const delivered = summary.byDelivery.delivered + summary.byDelivery.read;
  const price = deps.settings.prices?.[category];
  const failures = failuresByReason(entries);

  const blocks: Block[] = [
    { kind: 'header', text: `Report: ${c.name} (${c.status})` },
    { kind: 'fields', fields: progressFields(summary) },
  ];
  if (summary.byState.accepted > 0) {
    blocks.push({ kind: 'text', text: `*Funnel:* ${count(summary.total)} recipients → ${count(summary.byState.accepted)} sent → ${count(delivered)} delivered (${pct(delivered / summary.byState.accepted, 0)}) → ${count(summary.byDelivery.read)} read (${delivered ? pct(summary.byDelivery.read / delivered, 0) : '0%'} of delivered)` });
  }
  if (failures.length) {
    blocks.push({ kind: 'text', text: '*Failed, by reason:*' });
    blocks.push({ kind: 'text', text: failures.slice(0, 8).map((f) => `• *${count(f.count)} × ${f.key}* — ${f.explanation}`).join('\n') });
  }
  const skips = Object.entries(summary.skips);
  if (skips.length) blocks.push({ kind: 'text', text: `*Skipped:* ${skips.map(([r, n]) => `${count(n)} ${r}`).join(', ')}` });
  blocks.push({ kind: 'text', text: `*Cost:* ${count(delivered)} billable ${category} message${delivered === 1 ? '' : 's'} (Meta charges per delivered template)${price !== undefined ? ` ≈ ${(delivered * price).toFixed(2)} at ${price} each` : '; set WA_PRICES (e.g. marketing=0.0456,utility=0.0115) for an estimate'}.` });
  const files = withCsv ? [{ name: `${c.id}-report.csv`, title: `${c.name}: per-recipient report`, mime: 'text/csv', content: reportCsv(entries) }] : undefined;
  if (!withCsv) blocks.push({ kind: 'context', text: `Per-recipient CSV: \`/wa campaign report ${c.id} --csv\`` });
  return ephemeral(`Report ${c.id}: ${count(summary.byState.accepted)} sent, ${count(delivered)} delivered, ${count(summary.byDelivery.read)} read, ${count(summary.byState.failed + summary.byDelivery.failed)} failed`, blocks, files ? { files } : {});
}

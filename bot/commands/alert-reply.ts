/**
 * What a runner notice looks like in the alerts channel (and the console): what happened, to
 * which number, template or campaign, and what a person should do about it.
 */
import type { Notice } from '../../core/runner-ports.ts';
import type { AuditEntry } from '../store/store.ts';
import { code, when } from './format.ts';
import { inChannel, type Reply } from './reply.ts';

export function alertText(n: Notice, numberName: (id: string) => string = (id) => id): string {
  switch (n.kind) {
    case 'campaign-paused':
      return `:double_vertical_bar: Campaign ${code(n.campaignId)} paused itself: *${n.reason}*. ${n.detail}. Check \`/wa numbers\`, then \`/wa campaign resume ${n.campaignId}\` once the cause is fixed.`;
    case 'campaign-finished':
      return `:checkered_flag: Campaign ${code(n.campaignId)} ${n.status}: ${n.summary}. \`/wa campaign report ${n.campaignId}\``;
    case 'reply-routed':
      return `:speech_balloon: Reply from +${n.contact} to campaign number ${numberName(n.fromNumberId)}${n.campaignId ? ` (campaign ${code(n.campaignId)})` : ''}, routed to the main inbox: “${n.text.slice(0, 300)}”`;
    case 'number-alert':
      return `:rotating_light: Number ${n.numberId ? numberName(n.numberId) : '(business account)'}: *${n.what}*. ${n.detail}.`;
    case 'template-alert':
      return `:warning: Template ${code(n.template)}: *${n.what}*. ${n.detail}.`;
    case 'outcome-unknown':
      return `:grey_question: Campaign ${code(n.campaignId)}: the send to +${n.contact} may or may not have gone out (no status arrived); it will not be sent again.`;
  }
}

export function alertReply(n: Notice, numberName?: (id: string) => string): Reply {
  const text = alertText(n, numberName);
  return inChannel(text, [{ kind: 'text', text }, { kind: 'context', text: when(n.at) }]);
}

/** One audit entry as a channel line: who, what, when, and the details that identify it. */
export function auditText(e: AuditEntry): string {
  const who = /^[UW][A-Z0-9]{2,}$/.test(e.who) ? `<@${e.who}>` : e.who;
  const details = Object.entries(e.details ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
  return `:memo: ${who} *${e.what}*${details ? ` — ${details}` : ''} (${when(e.at)})`;
}

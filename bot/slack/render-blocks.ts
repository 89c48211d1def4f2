/**
 * A `Reply` as a Slack message: Block Kit within Slack's limits (3,000 characters a section, 10
 * fields, 150 a header, 50 blocks), text escaped except the mentions we write on purpose, and the
 * Confirm / Cancel buttons carrying the pending action's id.
 * https://docs.slack.dev/reference/block-kit/blocks
 */
import type { types } from '@slack/bolt';
import { formatTable } from '../../simulator/report/table.ts';
import type { Block, Reply } from '../commands/reply.ts';

type KnownBlock = types.KnownBlock;

export const ACCEPT_ACTION = 'wa_accept';
export const REJECT_ACTION = 'wa_reject';

const MENTION = /(<[@#][A-Z0-9]+(?:\|[^>]*)?>)/;

/** Escape &, < and > as Slack asks, leaving `<@U…>` and `<#C…>` mentions intact. */
export function escapeMrkdwn(text: string): string {
  return text.split(MENTION).map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))).join('');
}

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current.length + line.length + 1 > max && current !== '') {
      out.push(current);
      current = '';
    }
    current = current === '' ? clip(line, max) : `${current}\n${line}`;
  }
  if (current !== '') out.push(current);
  return out;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const pre = (text: string): KnownBlock[] => chunks(escapeMrkdwn(text), 2990).map((c) => section(`\`\`\`${c}\`\`\``));

function blocksOf(b: Block): KnownBlock[] {
  switch (b.kind) {
    case 'header': return [{ type: 'header', text: { type: 'plain_text', text: clip(b.text, 150), emoji: true } }];
    case 'text': return chunks(escapeMrkdwn(b.text), 3000).map(section);
    case 'context': return [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(b.text), 3000) }] }];
    case 'divider': return [{ type: 'divider' }];
    case 'code': return pre(b.text);
    case 'table': return pre(formatTable(b.rows, true));
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.fields.length; i += 10) {
        out.push({ type: 'section', fields: b.fields.slice(i, i + 10).map(([k, v]) => ({ type: 'mrkdwn' as const, text: clip(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(v)}`, 2000) })) });
      }
      return out;
    }
  }
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export function renderBlocks(reply: Reply): SlackMessage {
  const blocks = reply.blocks.flatMap(blocksOf);
  const a = reply.actions;
  if (a) {
    blocks.push({
      type: 'actions', block_id: `wa_${a.kind}`,
      elements: [
        {
          type: 'button', action_id: ACCEPT_ACTION, value: a.pendingId, style: a.accept.style, text: { type: 'plain_text', text: a.accept.label },
          ...(a.dialog && { confirm: { title: { type: 'plain_text', text: clip(a.dialog.title, 100) }, text: { type: 'mrkdwn', text: clip(escapeMrkdwn(a.dialog.text), 300) }, confirm: { type: 'plain_text', text: 'Yes' }, deny: { type: 'plain_text', text: 'No' }, style: a.accept.style } }),
        },
        { type: 'button', action_id: REJECT_ACTION, value: a.pendingId, text: { type: 'plain_text', text: a.reject.label } },
      ],
    });
  }
  if (blocks.length > 50) blocks.splice(49, blocks.length - 49, section('_(shortened: too long for one Slack message)_'));
  return { text: clip(escapeMrkdwn(reply.text), 3000), blocks };
}

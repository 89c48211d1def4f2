/**
 * `/wa contacts import` in Slack: a modal to paste a CSV (small lists), or a CSV file shared with
 * the bot in a direct message whose text says `import <audience>` (any size). Both go through the
 * command layer's all-or-nothing import, and both are refused to people who may not change state.
 * https://docs.slack.dev/surfaces/modals
 */
import type { App, types } from '@slack/bolt';
import type { Runtime } from '../app/runtime.ts';
import type { Logger } from '../log.ts';
import type { Authoriser } from './authoriser.ts';
import { deliverReply } from './deliver-reply.ts';

export const IMPORT_VIEW = 'wa_contacts_import';
const AUDIENCE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Slack's plain-text input holds at most 3,000 characters. */
const MODAL_MAX = 3000;
const FILE_MAX_BYTES = 20 * 1024 * 1024;

export function contactsImportModal(audience: string | undefined, channel: string | undefined): types.ModalView {
  return {
    type: 'modal', callback_id: IMPORT_VIEW, private_metadata: JSON.stringify({ channel }),
    title: { type: 'plain_text', text: 'Import contacts' }, submit: { type: 'plain_text', text: 'Import' }, close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'input', block_id: 'audience', label: { type: 'plain_text', text: 'Audience name' }, element: { type: 'plain_text_input', action_id: 'value', ...(audience && { initial_value: audience }), placeholder: { type: 'plain_text', text: 'march-promo' } } },
      {
        type: 'input', block_id: 'csv', label: { type: 'plain_text', text: 'Contacts (CSV with a header row)' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MODAL_MAX, placeholder: { type: 'plain_text', text: 'phone,name,opt_in_source,opt_in_at,opt_in_evidence' } },
        hint: { type: 'plain_text', text: 'Every contact needs opt-in evidence. For a longer list, share the CSV file with me in a direct message with the words "import <audience>".' },
      },
    ],
  };
}

async function download(url: string, token: string): Promise<Buffer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`Slack answered ${res.status} for the file`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > FILE_MAX_BYTES) throw new Error(`the file is over ${FILE_MAX_BYTES / 1024 / 1024} MB`);
  return bytes;
}

export function registerContactsImport(app: App, rt: Runtime, authoriser: Authoriser, botToken: string, log: Logger): void {
  app.view(IMPORT_VIEW, async ({ ack, body, view, client }) => {
    const audience = view.state.values.audience?.value?.value?.trim() ?? '';
    const csv = view.state.values.csv?.value?.value ?? '';
    if (!AUDIENCE_RE.test(audience)) {
      await ack({ response_action: 'errors', errors: { audience: 'Letters, digits, "-", "_" and ".", like march-promo' } });
      return;
    }
    await ack();
    const channel = (JSON.parse(view.private_metadata || '{}') as { channel?: string }).channel;
    const verdict = await authoriser.mayChange(body.user.id, channel);
    const reply = await rt.router.importCsv(csv, audience, { user: body.user.id, ...(channel && { channel }), mayChange: verdict.ok, surface: 'slack' }, 'pasted in Slack');
    await deliverReply(reply, { client, user: body.user.id, ...(channel && { channel }) });
  });

  app.message(async ({ message, client }) => {
    if (message.subtype !== 'file_share' || message.channel_type !== 'im') return;
    const m = /^\s*import\s+(\S+)/i.exec(message.text ?? '');
    const file = message.files?.find((f) => /\.csv$/i.test(f.name ?? '') || f.filetype === 'csv');
    if (!m || !file) {
      await client.chat.postMessage({ channel: message.channel, text: 'To import contacts, share a CSV file with the words `import <audience>`, like `import march-promo`.' });
      return;
    }
    const audience = m[1]!;
    const user = message.user;
    const verdict = await authoriser.mayChange(user, undefined, true);
    try {
      const url = file.url_private_download ?? file.url_private;
      if (!url) throw new Error('the file has no download link');
      const bytes = verdict.ok ? await download(url, botToken) : Buffer.alloc(0);
      const reply = await rt.router.importCsv(bytes, audience, { user, mayChange: verdict.ok, surface: 'slack' }, file.name ?? 'shared file');
      await deliverReply({ ...reply, visibility: 'in_channel' }, { client, user, channel: message.channel });
    } catch (error) {
      log.warn({ err: error }, 'contact file import failed');
      await client.chat.postMessage({ channel: message.channel, text: `The import failed: ${error instanceof Error ? error.message : String(error)}. Nothing was imported.` });
    }
  });
}

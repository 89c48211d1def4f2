/**
 * Carrying a `Reply` to Slack: an ephemeral or in-channel answer through the command's response
 * URL, files in the thread of a channel message (or, for an ephemeral answer such as a CSV with
 * phone numbers, in a direct message to the person who asked), broadcasts to the channel, and
 * forms as modals.
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { Reply, ReplyFile } from '../commands/reply.ts';
import { contactsImportModal } from './contacts-import.ts';
import { renderBlocks } from './render-blocks.ts';

type WebClient = webApi.WebClient;

export interface DeliveryTarget {
  readonly client: WebClient;
  readonly respond?: RespondFn;
  readonly channel?: string;
  readonly user: string;
  readonly triggerId?: string;
}

async function upload(client: WebClient, channel: string, files: readonly ReplyFile[], threadTs?: string): Promise<void> {
  for (const f of files) {
    const file = { filename: f.name, title: f.title, file: typeof f.content === 'string' ? Buffer.from(f.content) : f.content, ...(f.altText && { alt_text: f.altText }) };
    await client.filesUploadV2(threadTs ? { ...file, channel_id: channel, thread_ts: threadTs } : { ...file, channel_id: channel });
  }
}

async function directChannel(client: WebClient, user: string): Promise<string> {
  const opened = await client.conversations.open({ users: user });
  const id = opened.channel?.id;
  if (!id) throw new Error('conversations.open returned no channel');
  return id;
}

export async function deliverReply(reply: Reply, t: DeliveryTarget): Promise<void> {
  const message = renderBlocks(reply);
  const files = reply.files ?? [];
  if (reply.form?.kind === 'contacts-import' && t.triggerId) {
    await t.client.views.open({ trigger_id: t.triggerId, view: contactsImportModal(reply.form.audience, t.channel) });
  } else if (reply.visibility === 'in_channel' && files.length > 0 && t.channel) {
    // Files go in the thread of the message they illustrate, so the channel stays readable.
    const posted = await t.client.chat.postMessage({ channel: t.channel, ...message });
    await upload(t.client, t.channel, files, posted.ts);
  } else if (t.respond) {
    await t.respond({ response_type: reply.visibility, replace_original: reply.replaceOriginal ?? false, ...message });
  } else if (reply.visibility === 'in_channel' && t.channel) {
    await t.client.chat.postMessage({ channel: t.channel, ...message });
  } else if (t.channel) {
    await t.client.chat.postEphemeral({ channel: t.channel, user: t.user, ...message });
  } else {
    await t.client.chat.postMessage({ channel: await directChannel(t.client, t.user), ...message });
  }
  if (files.length > 0 && reply.visibility === 'ephemeral') {
    await upload(t.client, await directChannel(t.client, t.user), files);
    if (t.respond) await t.respond({ response_type: 'ephemeral', text: `I sent ${files.map((f) => f.name).join(', ')} to you in a direct message.` });
  }
  for (const b of reply.broadcast ?? []) {
    if (t.channel) await t.client.chat.postMessage({ channel: t.channel, ...renderBlocks(b) });
    else if (t.respond) await t.respond({ response_type: 'in_channel', ...renderBlocks(b) });
  }
}

/**
 * The neutral answer every command handler returns: text and a few block kinds that both Slack
 * (Block Kit) and the console can render, who sees it, optional buttons, and optional files.
 * Text uses a small markup both renderers understand: `*bold*` and `` `code` ``.
 */

export type Block =
  | { readonly kind: 'header'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  /** Label/value pairs shown side by side. */
  | { readonly kind: 'fields'; readonly fields: readonly (readonly [string, string])[] }
  /** Rows of cells, the first row the header; shown in a fixed-width font. */
  | { readonly kind: 'table'; readonly rows: readonly (readonly string[])[] }
  /** Preformatted text kept as is (a simulator table). */
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'context'; readonly text: string }
  | { readonly kind: 'divider' };

/** Buttons that settle a pending action: confirm or approve it, or cancel it. */
export interface ReplyActions {
  /** The pending action's id, carried back by either button. */
  readonly pendingId: string;
  readonly kind: 'confirm' | 'approve';
  readonly accept: { readonly label: string; readonly style: 'danger' | 'primary' };
  readonly reject: { readonly label: string };
  /** Shown in Slack's confirmation dialog before the accept button takes effect. */
  readonly dialog?: { readonly title: string; readonly text: string };
}

export interface ReplyFile {
  readonly name: string;
  readonly title: string;
  readonly mime: string;
  readonly content: Buffer | string;
  readonly altText?: string;
}

export interface Reply {
  /** `ephemeral`: only the person who asked sees it; `in_channel`: it concerns the channel. */
  readonly visibility: 'ephemeral' | 'in_channel';
  /** A plain summary: notifications, screen readers, and the console's first line. */
  readonly text: string;
  readonly blocks: readonly Block[];
  readonly actions?: ReplyActions;
  /** Files posted with the message (Slack: in its thread). */
  readonly files?: readonly ReplyFile[];
  /** Replace the message whose button was pressed, rather than post a new one. */
  readonly replaceOriginal?: boolean;
  /** Ask for input in a form (Slack opens a modal; the console explains what to type). */
  readonly form?: { readonly kind: 'contacts-import'; readonly audience?: string };
  /** Further messages for the channel, e.g. an approval request others must see. */
  readonly broadcast?: readonly Reply[];
}

export const ephemeral = (text: string, blocks: readonly Block[] = [{ kind: 'text', text }], extra: Partial<Reply> = {}): Reply => ({ visibility: 'ephemeral', text, blocks, ...extra });

export const inChannel = (text: string, blocks: readonly Block[] = [{ kind: 'text', text }], extra: Partial<Reply> = {}): Reply => ({ visibility: 'in_channel', text, blocks, ...extra });

/** A refusal or a mistake: what is wrong, and what to type instead. */
export function problem(what: string, fix: string, more: readonly Block[] = []): Reply {
  return ephemeral(`${what} ${fix}`, [{ kind: 'text', text: `:warning: ${what}` }, { kind: 'text', text: fix }, ...more]);
}

/** Drop the markup for plain text. */
export function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/g, '$1').replace(/`([^`\n]+)`/g, '$1').replace(/:warning: /g, '⚠ ').replace(/:white_check_mark: /g, '✔ ').replace(/:[a-z_]+: /g, '');
}

/**
 * Recipients a test scripts (`world.recipients`): their fate is fixed, nothing about them is drawn,
 * so a test can count on a STOP, a block or a 131026. Also the texts recipients write and the
 * profile names they carry.
 */
import type { RecipientScript } from './world-parameters.ts';

export type ScriptedReaction = 'none' | 'reply' | 'stop' | 'block' | 'report';

export interface ScriptedFate {
  /** The message fails instead of being delivered: 131026 (not on WhatsApp) or 131049 (per-user marketing limit). */
  readonly failCode?: 131026 | 131049;
  readonly offline: boolean;
  readonly read: boolean;
  readonly reaction: ScriptedReaction;
  readonly replyText?: string;
}

/** English and Arabic opt-out words, as recipients type them (seed 002). */
export const STOP_REPLIES: readonly string[] = ['STOP', 'Stop', 'stop please', 'UNSUBSCRIBE', 'إيقاف', 'الغاء', 'إلغاء الاشتراك', 'توقف'];
export const ORDINARY_REPLIES: readonly string[] = ['Thanks!', 'OK', 'When will it arrive?', 'شكرا', 'تمام', 'Can I change the address?'];
const FIRST_NAMES: readonly string[] = ['Sara', 'Omar', 'Layla', 'Yousef', 'Noura', 'Khalid', 'Mona', 'Fahad', 'Pablo', 'Amira'];

export function scriptedFate(script: RecipientScript, marketing: boolean): ScriptedFate {
  if (script.onWhatsApp === false) return { failCode: 131026, offline: false, read: false, reaction: 'none' };
  if (marketing && script.marketingCapped === true) return { failCode: 131049, offline: false, read: false, reaction: 'none' };
  const offline = script.offline === true;
  if (script.reply !== undefined) {
    const stop = STOP_REPLIES.includes(script.reply);
    return { offline, read: true, reaction: stop ? 'stop' : 'reply', replyText: script.reply };
  }
  const reaction: ScriptedReaction = script.report === true ? 'report' : script.block === true ? 'block' : 'none';
  return { offline, read: script.read === true, reaction };
}

/** A WhatsApp profile name for a recipient, stable for its wa_id. */
export function profileName(waId: string): string {
  let h = 0;
  for (const ch of waId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${FIRST_NAMES[h % FIRST_NAMES.length]} ${waId.slice(-4)}`;
}

/**
 * Recognising an opt-out reply ("STOP", «إيقاف»). A reply like this must opt the user out at once
 * (seed 002); a user whose STOP is ignored blocks or reports the number next, and blocks and
 * reports are what lower the quality rating.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits#quality-rating
 *
 * The whole message must be a keyword, give or take punctuation, emoji, case, Arabic diacritics
 * and one courtesy word ("please stop", «إيقاف لو سمحت»). A sentence that merely contains one
 * ("don't stop", "when does the sale stop?", «أريد إلغاء الطلب») is not an opt-out: the
 * conversation goes to a person instead, who can record an opt-out by hand.
 */

/**
 * English: the words the US FCC holds to be a reasonable revocation of consent by text in its 2024
 * TCPA order (stop, quit, end, revoke, opt out, cancel, unsubscribe), plus the carriers' STOPALL
 * and the common UNSUB. https://docs.fcc.gov/public/attachments/FCC-24-24A1.pdf
 *
 * CANCEL and END are kept although a customer may mean "cancel my order": a missed opt-out costs a
 * block or a report against the number, a false one costs one contact, who is told how to opt back
 * in; and the Arabic «إلغاء» ("cancel") is an opt-out word in seed 002 anyway.
 *
 * Arabic: the seed's «إيقاف», «الغاء», «إلغاء الاشتراك», their spelling variants, the verbs «توقف»,
 * «وقف», «أوقف» ("stop!") and «ستوب» (STOP in Arabic letters, common in the Gulf).
 */
export const OPT_OUT_KEYWORDS: readonly string[] = Object.freeze([
  'STOP', 'STOP ALL', 'STOPALL', 'UNSUBSCRIBE', 'UNSUB', 'OPT OUT', 'OPT-OUT', 'OPTOUT',
  'CANCEL', 'END', 'QUIT', 'REVOKE',
  'إيقاف', 'ايقاف', 'أوقف', 'الغاء', 'إلغاء', 'إلغاء الاشتراك', 'الغاء الاشتراك', 'إلغاء اشتراك',
  'توقف', 'وقف', 'ستوب',
]);

/** Words a keyword may carry before or after it and still be an opt-out. */
export const OPT_OUT_COURTESY_WORDS: readonly string[] = Object.freeze([
  'please', 'pls', 'plz', 'thanks', 'thank you', 'thx',
  'لو سمحت', 'من فضلك', 'رجاء', 'شكرا',
]);

/** Longer than any keyword with a courtesy word around it, whatever the decoration; skip early. */
const MAX_OPT_OUT_LENGTH = 200;

// Tashkeel (U+064B–U+0652) plus the other Arabic combining marks (Quranic annotation signs,
// superscript alef), which users never type to change a word's meaning in a chat.
const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
const ALEF_FORMS = /[\u0622\u0623\u0625\u0671]/g;
// Bidi controls, zero-width joiners and the BOM: invisible, and inside a word they would split it.
const INVISIBLES = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * The form keywords are compared in: NFKC (full-width Latin and Arabic presentation forms become
 * ordinary letters), Arabic marks and tatweel removed, alef forms (أ إ آ ٱ) unified to ا, ى to ي,
 * ة to ه, Latin lower-cased, every run of punctuation, symbols, emoji and spaces made one space.
 */
export function normaliseOptOutText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLES, '')
    .replace(ARABIC_MARKS, '')
    .replace(TATWEEL, '')
    .replace(ALEF_FORMS, '\u0627')
    .replace(/\u0649/g, '\u064A')
    .replace(/\u0629/g, '\u0647')
    .toLowerCase()
    .replace(NOT_LETTER_OR_DIGIT, ' ')
    .trim();
}

const ACCEPTED: ReadonlySet<string> = (() => {
  const keywords = OPT_OUT_KEYWORDS.map(normaliseOptOutText);
  const courtesy = OPT_OUT_COURTESY_WORDS.map(normaliseOptOutText);
  const forms = new Set(keywords);
  for (const keyword of keywords) {
    for (const word of courtesy) {
      forms.add(`${word} ${keyword}`);
      forms.add(`${keyword} ${word}`);
    }
  }
  return forms;
})();

/** Whether an inbound message, as a whole, asks to stop receiving messages. Non-text is not. */
export function isOptOutMessage(text: unknown): boolean {
  if (typeof text !== 'string' || text.length > MAX_OPT_OUT_LENGTH) return false;
  return ACCEPTED.has(normaliseOptOutText(text));
}

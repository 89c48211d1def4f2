import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OPT_OUT_COURTESY_WORDS, OPT_OUT_KEYWORDS, isOptOutMessage, normaliseOptOutText } from '../../core/opt-out-keywords.ts';

const ARABIC = /[\u0600-\u06FF]/;
const ENGLISH_KEYWORDS = OPT_OUT_KEYWORDS.filter((k) => !ARABIC.test(k));
const ARABIC_KEYWORDS = OPT_OUT_KEYWORDS.filter((k) => ARABIC.test(k));
const TASHKEEL = ['\u064B', '\u064C', '\u064D', '\u064E', '\u064F', '\u0650', '\u0651', '\u0652'];
const DECORATION = fc.constantFrom('', ' ', '  ', '\n', '!', '!!!', '.', '?', '🛑', '🙏', '🙅‍♂️', '😡', '، ', '؟', '"', '*', '\u200F');

describe('recognising an opt-out message', () => {
  it('should recognise every listed keyword written as listed', () => {
    for (const keyword of OPT_OUT_KEYWORDS) expect(isOptOutMessage(keyword), keyword).toBe(true);
  });

  it.each([
    'stop', 'Stop', 'STOP!', ' stop. ', '🛑 STOP 🛑', 'STOP ALL', 'stop-all', 'Unsubscribe', 'unsubscribe!!', 'opt-out', 'Opt Out',
    'OPTOUT', 'cancel', 'End', 'quit', 'REVOKE', 'ＳＴＯＰ', 'please stop', 'Stop please', 'stop, thank you', 'pls unsubscribe',
    'إيقاف', 'ايقاف', 'إِيقَاف', 'ايـــقاف', 'أوقف', 'الغاء', 'إلغاء', 'إلغاءً', 'إلغاء الاشتراك', 'الغاء الاشتراك', 'إلغاء الإشتراك',
    'إلغاء اشتراك', 'توقف', 'توقف!', 'وقف', 'ستوب', 'ﺇﻳﻘﺎﻑ', 'إيقاف لو سمحت', 'من فضلك الغاء الاشتراك', 'إيقاف 🙏', 'إيقاف.',
  ])('should take %j as an opt-out', (text) => {
    expect(isOptOutMessage(text)).toBe(true);
  });

  it.each([
    "don't stop", 'please do not stop the offers', 'when does the sale stop?', 'stop by the shop tomorrow', 'stop it', 'stop stop now',
    'I want to cancel my order 1234', 'the end of the month', 'unstoppable', 'stopwatch', 'hi', 'Thanks!', '', '   ', '🛑', 'STOP 2',
    'لا توقف الرسائل', 'أريد إلغاء الطلب', 'متى ينتهي العرض؟', 'شكرا', 'لا', 'وقفة', 'توقفت الرسائل عندي', 'please', 'لو سمحت',
  ])('should not take %j as an opt-out', (text) => {
    expect(isOptOutMessage(text)).toBe(false);
  });

  it('should say no to messages without text and to very long texts', () => {
    for (const value of [undefined, null, 42, {}, ['STOP']]) expect(isOptOutMessage(value)).toBe(false);
    expect(isOptOutMessage(`STOP${' '.repeat(300)}`)).toBe(false);
  });
});

describe('normalising a message for comparison', () => {
  it.each([
    ['  STOP!!! ', 'stop'],
    ['Opt-Out', 'opt out'],
    ['إِلْغَاءُ الاشْتِرَاكِ', 'الغاء الاشتراك'],
    ['أإآٱ', 'اااا'],
    ['مصطفى', 'مصطفي'],
    ['رسالة', 'رساله'],
    ['ايـــقاف', 'ايقاف'],
    ['ﻻ', 'لا'],
    ['don\u2019t  stop', 'don t stop'],
  ])('should normalise %j to %j', (text, expected) => {
    expect(normaliseOptOutText(text)).toBe(expected);
  });
});

describe('properties of opt-out recognition', () => {
  it('should recognise an English keyword in any case, with any surrounding decoration and courtesy word', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ENGLISH_KEYWORDS),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        DECORATION, DECORATION,
        fc.option(fc.constantFrom(...OPT_OUT_COURTESY_WORDS.filter((w) => !ARABIC.test(w))), { nil: undefined }),
        fc.boolean(),
        (keyword, upper, before, after, courtesy, courtesyFirst) => {
          const cased = [...keyword].map((ch, i) => (upper[i % upper.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
          const body = courtesy === undefined ? cased : courtesyFirst ? `${courtesy} ${cased}` : `${cased}, ${courtesy}`;
          expect(isOptOutMessage(`${before}${body}${after}`)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should recognise an Arabic keyword with any diacritics and tatweel inside and decoration around it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ARABIC_KEYWORDS),
        fc.array(fc.constantFrom('', '', '\u0640', ...TASHKEEL), { minLength: 20, maxLength: 20 }),
        DECORATION, DECORATION,
        (keyword, marks, before, after) => {
          const decorated = [...keyword].map((ch, i) => (ch === ' ' ? ch : `${ch}${marks[i % marks.length]}`)).join('');
          expect(isOptOutMessage(`${before}${decorated}${after}`)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should not take a keyword inside a longer sentence as an opt-out', () => {
    const others = fc.constantFrom("don't", 'never', 'when', 'will', 'you', 'the', 'sale', 'order', 'لا', 'متى', 'الطلب', 'العرض', 'أريد');
    fc.assert(
      fc.property(fc.constantFrom(...OPT_OUT_KEYWORDS), others, fc.boolean(), (keyword, word, wordFirst) => {
        expect(isOptOutMessage(wordFirst ? `${word} ${keyword}` : `${keyword} ${word}`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('should answer a boolean for any string without throwing', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(typeof isOptOutMessage(text)).toBe('boolean');
    }), { numRuns: 200 });
  });
});

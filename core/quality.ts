/**
 * The quality rating of a phone number (and of a template). The API says GREEN/YELLOW/RED
 * (shown as High/Medium/Low in WhatsApp Manager), plus NA/UNKNOWN for numbers without enough
 * recent traffic to rate.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits#quality-rating
 */
import { notOneOf } from './errors.ts';

export const QUALITY_RATINGS = ['HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

const FROM_API: Readonly<Record<string, QualityRating>> = {
  GREEN: 'HIGH', YELLOW: 'MEDIUM', RED: 'LOW', NA: 'UNKNOWN', UNKNOWN: 'UNKNOWN',
  HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW',
};

const TO_API: Readonly<Record<QualityRating, 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'>> = {
  HIGH: 'GREEN', MEDIUM: 'YELLOW', LOW: 'RED', UNKNOWN: 'UNKNOWN',
};

/** Parse Meta's GREEN/YELLOW/RED/NA/UNKNOWN, or our HIGH/MEDIUM/LOW/UNKNOWN (any case). */
export function parseQuality(value: unknown): QualityRating {
  const found = typeof value === 'string' ? FROM_API[value.trim().toUpperCase()] : undefined;
  if (found) return found;
  throw notOneOf('WA_UNKNOWN_QUALITY', 'quality rating', value, [...QUALITY_RATINGS, 'GREEN', 'YELLOW', 'RED', 'NA']);
}

export function qualityToApi(q: QualityRating): 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' {
  return TO_API[q];
}

const RANK: Readonly<Record<QualityRating, number>> = { LOW: 0, UNKNOWN: 1, MEDIUM: 2, HIGH: 3 };

/** True when `q` is at least `min` (UNKNOWN sits between LOW and MEDIUM: it never qualifies for MEDIUM). */
export function qualityAtLeast(q: QualityRating, min: QualityRating): boolean {
  return RANK[q] >= RANK[min];
}

/** The worst of several ratings (a portfolio is as good as its worst number). */
export function worstQuality(ratings: readonly QualityRating[]): QualityRating {
  let worst: QualityRating = 'HIGH';
  for (const q of ratings) if (RANK[q] < RANK[worst]) worst = q;
  return ratings.length === 0 ? 'UNKNOWN' : worst;
}

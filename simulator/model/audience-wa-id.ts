/**
 * The WhatsApp id of each audience member, for the shells that need real ones (the campaign
 * runner, the sandbox): member i of the audience (segments back to back) is the Saudi mobile
 * number +966 51 000 0000 + i. A test that runs the same campaign in the simulator and against the
 * sandbox builds its recipients with this function on both sides, so their wa_ids match.
 * Saudi mobile numbers are 9665 followed by eight digits: room for 90 million members.
 */
import { describe, invalidArgument } from '../../core/errors.ts';

const FIRST = 966_510_000_000;
const LAST = 966_599_999_999;

export const MAX_AUDIENCE_WA_IDS = LAST - FIRST + 1;

/** The wa_id (digits, no "+") of audience member `i` (0-based). */
export function audienceWaId(i: number): string {
  if (!(Number.isInteger(i) && i >= 0 && i < MAX_AUDIENCE_WA_IDS)) {
    throw invalidArgument('audience member', `got ${describe(i)}, expected a whole number from 0 to ${MAX_AUDIENCE_WA_IDS - 1}`);
  }
  return String(FIRST + i);
}

/** The audience member a wa_id names, or -1 when it is not one of `audienceWaId`'s. */
export function audienceIndexOf(waId: string): number {
  const n = Number(waId);
  return /^\d{12}$/.test(waId) && n >= FIRST && n <= LAST ? n - FIRST : -1;
}

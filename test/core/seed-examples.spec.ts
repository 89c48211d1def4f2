/**
 * The worked examples of seed 001 (respond.io, "WhatsApp messaging limits"), under meta-2023,
 * through the public core API, to the minute.
 */
import { describe, expect, it } from 'vitest';
import { getPolicy, LimitHolder, DAY, HOUR, MINUTE, type TierEvent } from '../../core/index.ts';

const policy = getPolicy('meta-2023');
const T0 = Date.UTC(2023, 5, 4); // day 1, 00:00 (any instant works: core only sees milliseconds)
const at = (day: number, hh: number, mm = 0) => T0 + (day - 1) * DAY + hh * HOUR + mm * MINUTE;

/** Open `count` conversations with new recipients, evenly from `from` to `to` inclusive. */
function openEvenly(holder: LimitHolder, prefix: string, count: number, from: number, to: number): TierEvent[] {
  const events: TierEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? from : from + Math.round(((to - from) * i) / (count - 1));
    const { result, events: e } = holder.open(`${prefix}-${i}`, t);
    expect(result.ok).toBe(true);
    events.push(...e);
  }
  return events;
}

const upgrades = (events: TierEvent[]) => events.filter((e) => e.kind === 'tier-changed');

describe('seed 001 worked examples (meta-2023)', () => {
  it('should reach 10K at 15:00 on day 2, 24 h after the 500th conversation (example 1)', () => {
    const holder = new LimitHolder(policy, { holderId: 'n1', at: T0, tier: 'TIER_1K', quality: 'HIGH' });
    const events = openEvenly(holder, 'd1', 500, at(1, 6), at(1, 15));
    expect(events).toContainEqual({ kind: 'upgrade-scheduled', at: at(1, 15), to: 'TIER_10K', effectiveAt: at(2, 15) });
    events.push(...openEvenly(holder, 'd2', 500, at(2, 6), at(2, 15)));
    events.push(...holder.advance(at(3, 0)));
    expect(upgrades(events)).toEqual([{ kind: 'tier-changed', at: at(2, 15), from: 'TIER_1K', to: 'TIER_10K', reason: 'upgrade' }]);
    expect(holder.limit).toBe(10_000);
  });

  it('should not upgrade a minute early (example 1)', () => {
    const holder = new LimitHolder(policy, { holderId: 'n1', at: T0, tier: 'TIER_1K', quality: 'HIGH' });
    openEvenly(holder, 'd1', 500, at(1, 6), at(1, 15));
    expect(upgrades(holder.advance(at(2, 14, 59)))).toEqual([]);
    expect(holder.state.tier).toBe('TIER_1K');
    expect(upgrades(holder.advance(at(2, 15)))).toHaveLength(1);
  });

  it('should reach 10K at 19:00 on day 4 after 100, 200, 200, 300 conversations a day (example 2)', () => {
    const holder = new LimitHolder(policy, { holderId: 'n1', at: T0, tier: 'TIER_1K', quality: 'HIGH' });
    const events = [
      ...openEvenly(holder, 'd1', 100, at(1, 9), at(1, 19)),
      ...openEvenly(holder, 'd2', 200, at(2, 9), at(2, 19)),
      ...openEvenly(holder, 'd3', 200, at(3, 9), at(3, 19)),
    ];
    // 7-day totals 100, 300, 500: the 500th conversation is the last of day 3, at 19:00.
    expect(holder.account.usage(at(3, 19), 7 * DAY, 'conversations')).toBe(500);
    expect(events.filter((e) => e.kind === 'upgrade-scheduled')).toEqual([
      { kind: 'upgrade-scheduled', at: at(3, 19), to: 'TIER_10K', effectiveAt: at(4, 19) },
    ]);
    events.push(...openEvenly(holder, 'd4', 300, at(4, 9), at(4, 23)));
    expect(upgrades(events)).toEqual([{ kind: 'tier-changed', at: at(4, 19), from: 'TIER_1K', to: 'TIER_10K', reason: 'upgrade' }]);
  });

  it('should take a new number from 250 to 1K within 24 h of its 125th conversation in 7 days (FAQ)', () => {
    const holder = new LimitHolder(policy, { holderId: 'new', at: T0 });
    expect(holder.state.tier).toBe('TIER_250');
    expect(holder.limit).toBe(250);
    // Verification and an approved display name alone do not raise the limit.
    expect(upgrades(holder.verify(at(1, 8)))).toEqual([]);
    const events = [
      ...openEvenly(holder, 'a', 60, at(1, 10), at(1, 18)),
      ...openEvenly(holder, 'b', 64, at(5, 10), at(5, 18)),
    ];
    expect(events).toEqual([]); // 124 conversations in 7 days: not yet half of 250
    events.push(
      ...holder.open('c-125', at(5, 18, 30)).events,
      ...holder.advance(at(7, 0)),
    );
    expect(upgrades(events)).toEqual([{ kind: 'tier-changed', at: at(6, 18, 30), from: 'TIER_250', to: 'TIER_1K', reason: 'upgrade' }]);
  });

  it('should not count conversations older than 7 days toward the upgrade', () => {
    const holder = new LimitHolder(policy, { holderId: 'n', at: T0 });
    openEvenly(holder, 'a', 100, at(1, 10), at(1, 11));
    const events = [...openEvenly(holder, 'b', 100, at(8, 10), at(8, 11)), ...holder.advance(at(10, 0))];
    expect(upgrades(events)).toEqual([]);
  });
});

/**
 * The crash test's fast tier (the full one is `npm run stress -- crash --recipients 10000 --trials 20`):
 * worker processes killed with SIGKILL mid-campaign and restarted on their journal, against the
 * sandbox in its own process.
 */
import { describe, expect, it } from 'vitest';
import { runCrashStress } from '../../../stress/crash-stress.ts';

describe('campaign workers killed with SIGKILL and restarted', () => {
  it('should send nobody twice and lose nobody', async () => {
    const result = await runCrashStress({ recipients: 500, trials: 3, seed: 7, kills: [1, 2] });
    expect(result).toMatchObject({ trials: 3, duplicates: 0, lost: 0 });
    expect(result.perTrial.reduce((n, t) => n + t.kills, 0)).toBeGreaterThanOrEqual(3);
    // Every recipient is accounted for: sent, or explicitly unknown (a send cut off by a kill).
    expect(result.sends + result.unknown).toBe(1_500);
  }, 60_000);
});

/**
 * The pacing plans `--plan` may name. `warmup` is the safe default seed 003 describes (start small
 * on a new number, grow day by day); `burst` sends everything the limit allows and is here so a
 * team can see, in the preflight, what it would risk.
 */
import { DAY } from '../../core/time.ts';
import type { PlanInfo } from './ports.ts';

export const DEFAULT_PLANS: readonly PlanInfo[] = [
  { name: 'warmup', schedule: { kind: 'ramp', start: 50, growth: 1.5, step: DAY, cap: 10_000 }, description: '50 on day 1, half as many again each day, up to 10,000 a day' },
  { name: 'steady', schedule: { kind: 'ramp', start: 250, growth: 1, step: DAY, cap: 250 }, description: '250 a day, every day' },
  { name: 'burst', schedule: { kind: 'burst' }, description: 'everything the messaging limit allows, at once (risky on a new number)' },
];

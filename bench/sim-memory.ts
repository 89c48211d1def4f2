/** Child process for the memory benchmark: one burst replication, then the peak resident set. */
import { runReplication } from '../simulator/index.ts';
import { bigWarmupVsBurst } from './simulator-bench.ts';

const size = Number(process.argv[2] ?? 1_000_000);
const tier = process.argv[3] ?? 'TIER_100K';
const scenario = bigWarmupVsBurst(size, tier);
const r = runReplication(scenario, 'burst', 0);
console.log(JSON.stringify({ mb: Math.round(process.resourceUsage().maxRSS / 1024), sent: r.counts.sent }));

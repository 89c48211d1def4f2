/**
 * `npm run bench`: runs every benchmark and writes BENCHMARKS.md. Benchmarks, not timed tests:
 * each figure stands next to a baseline measured in the same run, because the machine is shared.
 */
import { writeFileSync } from 'node:fs';
import { benchEngineVsSimpy } from './engine-vs-simpy.ts';
import { describeMachine } from './machine.ts';
import { benchClientThroughput } from './client-throughput.ts';
import { benchCampaignThroughput } from './campaign-throughput.ts';
import { bigWarmupVsBurst, peakMemoryMb, timeManyReplications, timeOneReplication } from './simulator-bench.ts';

interface Section {
  readonly title: string;
  run(): Promise<string>;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const sections: Section[] = [
  {
    title: 'Engine: M/M/1 events/s next to SimPy 2.3',
    async run() {
      const r = benchEngineVsSimpy();
      const lines = [
        `M/M/1 (λ = 0.9, μ = 1), ${fmt(r.customers)} customers, best of three runs each, side by side.`,
        '',
        '| engine | events/s | customers/s |',
        '|---|---:|---:|',
        `| this project's engine | ${fmt(r.engineEventsPerSec)} | ${fmt(r.engineCustomersPerSec)} |`,
      ];
      if (r.simpyCustomersPerSec !== undefined) {
        lines.push(`| SimPy 2.3 (python3-simpy) | — | ${fmt(r.simpyCustomersPerSec)} |`, '', `**Ratio: ${fmt(r.ratio!, 1)}×** the customers/s of SimPy on the same model (target ≥ 40×).`);
      } else {
        lines.push('', r.note ?? '');
      }
      return lines.join('\n');
    },
  },
  {
    title: 'Simulator: one replication, 200,000 recipients, 30 days',
    async run() {
      const rows = [...timeOneReplication(bigWarmupVsBurst(200_000), 'fresh number (TIER_250)'), ...timeOneReplication(bigWarmupVsBurst(200_000, 'TIER_10K'), 'established number (TIER_10K)')];
      return [
        '`scenarios/warmup-vs-burst.yaml` with its audience raised to 200,000, as shipped (a fresh number, where the limit and the flag keep volumes small) and on an established TIER_10K number with a 2,000-a-day ramp, where all 200,000 are messaged. Target < 1 s per replication.',
        '',
        '| number | plan | messages sent | engine events | seconds |',
        '|---|---|---:|---:|---:|',
        ...rows.map((r) => `| ${r.label} | ${r.plan} | ${fmt(r.sent)} | ${fmt(r.events)} | ${fmt(r.seconds, 3)} |`),
      ].join('\n');
    },
  },
  {
    title: 'Simulator: 1,000 replications across worker threads',
    async run() {
      const r = await timeManyReplications(500, 2);
      return `\`scenarios/warmup-vs-burst.yaml\`, 500 replications of each of its two plans (${fmt(r.replications)} in all) on ${r.workers} worker threads: **${fmt(r.seconds, 1)} s** (target < 120 s).`;
    },
  },
  {
    title: 'Simulator: peak memory with 1,000,000 recipients',
    async run() {
      const r = peakMemoryMb(1_000_000, 'TIER_100K');
      return `One burst replication with a 1,000,000-recipient audience on a TIER_100K number (${fmt(r.sent)} messages sent), in a fresh process: peak resident set **${fmt(r.mb)} MB** (target < 1 GB). Per-recipient state lives in typed arrays, never one object per person.`;
    },
  },
  {
    title: 'Cloud API client against the sandbox, next to bare fetch',
    async run() {
      const r = await benchClientThroughput({ messages: 10_000, rounds: 3 });
      return [
        `${fmt(r.messages)} template sends per round, ${r.concurrency} in flight, best of ${r.rounds} alternating rounds, the sandbox in a ${r.sandbox}. The bare loop is global \`fetch\` posting the same body to the same server.`,
        '',
        '| sender | messages/s |',
        '|---|---:|',
        `| the client (validation, outcome parsing, classification; limiter off for the measurement) | ${fmt(r.clientMps)} |`,
        `| bare \`fetch\` loop | ${fmt(r.bareMps)} |`,
        '',
        `**Ratio: ${fmt(r.ratio * 100, 1)} %** of the bare loop (target ≥ 80 %); one number at ${fmt(r.clientMps)} messages/s (target ≥ 1,000). Failures: client ${r.clientFailures}, bare ${r.bareFailures}.`,
      ].join('\n');
    },
  },
  {
    title: 'Campaign runner against the sandbox, store on',
    async run() {
      const { runs } = await benchCampaignThroughput([10_000, 100_000]);
      const big = runs[runs.length - 1]!;
      return [
        `A burst campaign of seed 004's \`order_update\` (personalised per contact) through the CampaignService, the Cloud API client (its own limiter off), the fsync'd ledger journal and the durable webhook inbox, in one process; the sandbox, sending a signed \`sent\` and \`delivered\` webhook for every message, in another. A pool of ${big.numbers} numbers at 1,000 msg/s each (Meta's ceiling), so the pacing plan never holds the campaign back. Each size in a fresh process. "Completed" means every message sent and its delivery recorded.`,
        '',
        '| recipients | sent/s | completed/s | seconds | worker CPU (s, share of one core) | ledger bytes per send | peak RSS (MB) | live heap after (MB) | duplicates |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...runs.map((r) => `| ${fmt(r.recipients)} | ${fmt(r.sentPerSec)} | ${fmt(r.completedPerSec)} | ${fmt(r.seconds, 1)} | ${fmt(r.cpuSeconds, 1)} (${fmt(r.cpuShare * 100)} %) | ${fmt(r.ledgerBytesPerSend)} | ${fmt(r.peakRssMb)} | ${fmt(r.liveHeapMb)} | ${r.duplicates} |`),
        '',
        `**${fmt(big.completedPerSec)} messages/s** end to end at ${fmt(big.recipients)} recipients (target ≥ 1,000 on 2 cores). Bytes written to the ledger per send: ${fmt(runs[0]!.ledgerBytesPerSend)} at ${fmt(runs[0]!.recipients)}, ${fmt(big.ledgerBytesPerSend)} at ${fmt(big.recipients)}: a send appends its own rows (intent, acceptance, each status), whatever the campaign's size. The peak resident set is mostly the collector's headroom over the live heap (about 2.5 KB per recipient: its ledger row and indexes, its contact, the limit window).`,
      ].join('\n');
    },
  },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const parts = ['# Benchmarks', '', 'Written by `npm run bench`. Machine:', '', describeMachine(), ''];
  for (const s of sections) {
    if (only.length && !only.some((o) => s.title.toLowerCase().includes(o.toLowerCase()))) continue;
    process.stderr.write(`bench: ${s.title}…\n`);
    parts.push(`## ${s.title}`, '', await s.run(), '');
  }
  writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), parts.join('\n'));
  process.stderr.write('bench: wrote BENCHMARKS.md\n');
}

await main();

/**
 * `npm run bench`: runs every benchmark and writes BENCHMARKS.md. Benchmarks, not timed tests:
 * each figure stands next to a baseline measured in the same run, because the machine is shared.
 */
import { writeFileSync } from 'node:fs';
import { benchEngineVsSimpy } from './engine-vs-simpy.ts';
import { describeMachine } from './machine.ts';

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

/**
 * `npm run stress -- crash --recipients N --trials K [--seed S] [--time-lapse X]`: the crash test
 * (stress/crash-stress.ts). Progress goes to stderr; stdout gets one JSON line
 * `{ "trials", "sends", "duplicates", "lost", "unknown" }`. Exits 1 on any duplicate or loss.
 */
import { parseArgs } from 'node:util';
import { runCrashStress } from './crash-stress.ts';

const USAGE = 'usage: npm run stress -- crash --recipients N --trials K [--seed S] [--time-lapse X]';

function count(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${flag}: got ${JSON.stringify(value)}, expected a whole number >= ${min}`);
  return n;
}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv], allowPositionals: true, strict: true,
    options: { recipients: { type: 'string' }, trials: { type: 'string' }, seed: { type: 'string' }, 'time-lapse': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || positionals[0] !== 'crash') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const result = await runCrashStress({
    recipients: count(values.recipients, '--recipients', 10_000, 1),
    trials: count(values.trials, '--trials', 20, 1),
    seed: count(values.seed, '--seed', 20260105, 0),
    timeLapse: count(values['time-lapse'], '--time-lapse', 100, 1),
    log: (line) => process.stderr.write(`stress: ${line}\n`),
  });
  process.stderr.write(`stress: ${((performance.now() - started) / 1000).toFixed(1)} s in all\n`);
  const { trials, sends, duplicates, lost, unknown } = result;
  process.stdout.write(`${JSON.stringify({ trials, sends, duplicates, lost, unknown })}\n`);
  return duplicates > 0 || lost > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`stress: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
});

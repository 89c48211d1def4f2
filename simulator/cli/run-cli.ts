/**
 * `wa-sim`: run a scenario's plans through the simulator and report, or check its expectations
 * for CI. Exit codes: 0 done, 1 an expectation failed (`check`), 2 bad usage, a missing file or an
 * invalid scenario (nothing is run), 3 the simulation itself failed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { runMonteCarlo } from '../monte-carlo.ts';
import { htmlReport } from '../report/html-report.ts';
import { summarize, summaryJson } from '../report/summary.ts';
import { summaryTable } from '../report/table.ts';
import { parseScenario, type ScenarioProblem } from '../scenario/parse-scenario.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { progressBar, type ProgressStream } from './progress-bar.ts';

export const USAGE = `wa-sim: simulate WhatsApp sending plans before risking a real number

Usage:
  wa-sim run <scenario.yaml> [options]     run every plan and print the summary
  wa-sim check <scenario.yaml> [options]   run, then exit 1 if any expect: entry fails (for CI)
  wa-sim help                              this text

Options:
  --replications N   replications per plan (default: the scenario's)
  --seed S           scenario seed, a whole number (default: the scenario's)
  --workers W        worker threads (default: the machine's cores; 1 runs in-process)
  --plan NAME        run only this plan (repeatable)
  --json             print the summary as JSON (stable shape, byte-identical for the same seed)
  --html FILE        also write a self-contained HTML report with charts to FILE

Exit codes: 0 done · 1 an expectation failed (check) · 2 bad usage, missing file or invalid scenario · 3 simulation error
`;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream & { readonly isTTY?: boolean };
}

const OPTIONS = {
  replications: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  plan: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function wholeNumber(text: string | undefined, option: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${option}: got ${JSON.stringify(text)}, expected a whole number from ${min} to ${max}`);
  }
  return n;
}

function problemLine(file: string, p: ScenarioProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}: ` : `${file}: `;
  return p.path === '' || p.path.startsWith('line ') ? `  ${where}${p.message}` : `  ${where}${p.path}: ${p.message}`;
}

export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const err = (text: string) => io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    err(`wa-sim: ${(error as Error).message}\nRun "wa-sim help" for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (command === 'help' || values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'run' && command !== 'check') {
    err(command === undefined ? USAGE : `wa-sim: unknown command ${JSON.stringify(command)}, expected run, check or help\nRun "wa-sim help" for usage.`);
    return 2;
  }
  if (file === undefined || extra.length > 0) {
    err(file === undefined ? `wa-sim ${command}: which scenario? Usage: wa-sim ${command} <scenario.yaml>` : `wa-sim ${command}: one scenario file at a time, got ${positionals.length - 1}`);
    return 2;
  }

  let overrides: { replications?: number; seed?: number; workers?: number };
  try {
    overrides = {
      replications: wholeNumber(values.replications, 'replications', 1, 100_000),
      seed: wholeNumber(values.seed, 'seed', 0, 0xffff_ffff),
      workers: wholeNumber(values.workers, 'workers', 1, 256),
    };
  } catch (error) {
    err(`wa-sim: ${(error as Error).message}`);
    return 2;
  }

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    err(`wa-sim: cannot read scenario file ${JSON.stringify(file)}: ${why}`);
    return 2;
  }
  const result = parseScenario(text, basename(file, extname(file)));
  if (!result.ok) {
    const n = result.problems.length;
    err(`wa-sim: ${file} has ${n} problem${n === 1 ? '' : 's'}; nothing was run:\n${result.problems.map((p) => problemLine(file, p)).join('\n')}`);
    return 2;
  }
  const scenario: Scenario = {
    ...result.scenario,
    ...(overrides.seed !== undefined && { seed: overrides.seed }),
    ...(overrides.replications !== undefined && { replications: overrides.replications }),
  };
  const plans = values.plan;
  const unknown = (plans ?? []).filter((p) => !scenario.plans.some((q) => q.name === p));
  if (unknown.length > 0) {
    err(`wa-sim: --plan ${unknown.map((p) => JSON.stringify(p)).join(', ')}: no such plan, expected one of ${scenario.plans.map((p) => p.name).join(', ')}`);
    return 2;
  }

  const bar = io.stderr.isTTY ? progressBar(io.stderr, scenario.name) : undefined;
  let run;
  try {
    run = await runMonteCarlo(scenario, { workers: overrides.workers, plans, onProgress: bar && ((done, total) => bar.update(done, total)) });
  } catch (error) {
    bar?.finish();
    err(`wa-sim: the simulation failed: ${(error as Error).stack ?? String(error)}`);
    return 3;
  } finally {
    bar?.finish();
  }
  const summary = summarize(scenario, run.results);
  io.stdout.write(values.json ? summaryJson(summary) : summaryTable(summary));
  if (values.html !== undefined) {
    try {
      await writeFile(values.html, htmlReport(scenario, summary, run.results), 'utf8');
      err(`wa-sim: wrote ${values.html}`);
    } catch (error) {
      err(`wa-sim: cannot write ${JSON.stringify(values.html)}: ${(error as Error).message}`);
      return 2;
    }
  }
  if (command === 'check') {
    const failed = summary.expect.filter((e) => !e.ok);
    if (summary.expect.length === 0) err(`wa-sim check: ${file} has no expect: entries; nothing to check`);
    else if (failed.length === 0) err(`wa-sim check: all ${summary.expect.length} expectations hold`);
    else {
      err(`wa-sim check: ${failed.length} of ${summary.expect.length} expectations failed:\n${failed.map((e) => `  FAIL ${e.plan}: expected ${e.expected}; got ${e.actual}`).join('\n')}`);
      return 1;
    }
  }
  return 0;
}

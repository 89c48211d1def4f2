/**
 * `wa-sim` as a user runs it: the npm bin in a child process, exit codes, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/wa-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'wa-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function waSim(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SILENT = (expect: string) => `policy: meta-2023
seed: 3
replications: 2
horizon: 3d
portfolio:
  numbers:
    - { id: n1, tier: TIER_1K, quality: HIGH }
audience:
  segments:
    - { name: all, size: 5000, behaviour: silent }
plans:
  once:
    from: n1
    schedule: { kind: script, sends: [{ at: "0d 06:00", count: 600, over: "9h" }] }
expect:
${expect}
`;

describe('wa-sim command line', () => {
  it('should print usage for help, and refuse unknown commands and options with exit 2', async () => {
    const [help, unknown, badOption, badValue] = await Promise.all([
      waSim('help'),
      waSim('simulate', 'x.yaml'),
      waSim('run', 'scenarios/minimal.yaml', '--fast'),
      waSim('run', 'scenarios/minimal.yaml', '--replications', '0'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('wa-sim run <scenario.yaml>');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('unknown command "simulate"');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--fast'");
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('--replications: got "0", expected a whole number from 1 to 100000');
  });

  it('should exit 2 on an invalid scenario with every problem on stderr, running nothing', async () => {
    const bad = file('bad.yaml', `policy: meta-2023
portfolio:
  numbers:
    - { id: n1, tier: TIER_3K }
audience:
  segments:
    - { name: all, sise: 100 }
plans:
  warmup:
    from: n2
    schedule: { kind: ramp, start: 10, growth: 0, cap: 100 }
`);
    const [invalid, missing] = await Promise.all([waSim('run', bad, '--json'), waSim('run', join(dir, 'nope.yaml'))]);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      `  ${bad}:4: portfolio.numbers[0].tier: got "TIER_3K", expected one of TIER_250, TIER_1K, TIER_10K, TIER_100K, TIER_UNLIMITED`,
      `  ${bad}:7: audience.segments[0].size: is required (a whole number from 1 to 10000000)`,
      `  ${bad}:7: audience.segments[0].sise: unknown key (did you mean size?)`,
      `  ${bad}:10: plans.warmup.from: "n2" is not a number id in portfolio.numbers (did you mean n1?), expected one of n1`,
      `  ${bad}:11: plans.warmup.schedule.growth: must be > 0, got 0`,
    ]);
    expect(invalid.stderr).toContain('has 5 problems; nothing was run');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read scenario file');
    expect(missing.stderr).toContain('no such file');
  });

  it('should print byte-identical --json for the same scenario and seed, whatever the worker count', async () => {
    // Normal (random) recipients, small enough to run quickly.
    const random = file('random.yaml', `policy: meta-2023
seed: 1
replications: 4
horizon: 4d
portfolio:
  numbers:
    - { id: fresh, tier: TIER_250 }
audience:
  segments:
    - { name: all, size: 1500 }
plans:
  warmup: { from: fresh, schedule: { kind: ramp, start: 50, growth: 1.25, cap: 400 } }
  burst: { from: fresh, schedule: { kind: burst } }
`);
    const args = ['run', random, '--json'];
    // Two separate processes, one of them spreading the replications over two worker threads.
    const [a, b, other] = await Promise.all([waSim(...args, '--workers', '1'), waSim(...args, '--workers', '2'), waSim(...args, '--workers', '1', '--seed', '2')]);
    expect(a.code).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(b.stdout).toBe(a.stdout);
    const json = JSON.parse(a.stdout);
    expect(json).toMatchObject({ scenario: 'random', policy: 'meta-2023', seed: 1, replications: 4, horizonHours: 96 });
    expect(json.plans.burst.blocks + json.plans.warmup.blocks).toBeGreaterThan(0);
    expect(Object.keys(json.plans)).toEqual(['warmup', 'burst']);
    expect(JSON.parse(other.stdout).seed).toBe(2);
    expect(other.stdout).not.toBe(a.stdout);
  });

  it('should exit 1 from check when an expectation fails, naming it, and 0 when all hold', async () => {
    const pass = file('pass.yaml', SILENT('  - { plan: once, minDelivered: 600, maxBanRisk: 0 }'));
    const fail = file('fail.yaml', SILENT('  - { plan: once, minDelivered: 601 }\n  - { plan: once, reachTier: { tier: TIER_10K, within: 2d } }'));
    const [ok, failed, run] = await Promise.all([waSim('check', pass), waSim('check', fail), waSim('run', fail)]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('all 2 expectations hold');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('1 of 2 expectations failed');
    expect(failed.stderr).toContain('FAIL once: expected mean delivered >= 601; got mean delivered = 600');
    expect(run.code).toBe(0); // `run` reports, only `check` gates
  });

  it('should write a self-contained HTML report with charts', async () => {
    const out = join(dir, 'report.html');
    const result = await waSim('run', 'scenarios/minimal.yaml', '--html', out);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`wrote ${out}`);
    expect(result.stdout).toContain('example1');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Tier over time');
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });
});

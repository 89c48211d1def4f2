/**
 * `npm start`'s entry with no credentials: commands piped into `tsx bot/main.ts` run a whole small
 * campaign in local mode against the embedded sandbox, on a time-lapse clock, and the process ends
 * by itself at EOF.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const dir = mkdtempSync(join(tmpdir(), 'wa-console-'));

function run(input: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // No credentials of any kind may leak in from the developer's shell or a .env file.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK_|WA_|PORT$|DATA_DIR$)/.test(k)));
  const child = spawn(process.execPath, [tsx, 'bot/main.ts'], { env: { ...clean, ENV_FILE: join(dir, 'no.env'), DATA_DIR: dir, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local mode: npm start without credentials', () => {
  it('should run a whole campaign from piped commands and exit at EOF', async () => {
    const { code, stdout } = await run([
      'numbers',
      'campaign start order_update --audience demo-customers --from pool --plan burst',
      'confirm',
      'wait done',
      'campaign status',
      'campaign report --csv',
    ].join('\n'), { WA_TIME_LAPSE: '86400' });
    expect(code).toBe(0);
    expect(stdout).toContain('using the embedded sandbox');
    expect(stdout).toContain('seeded the demo audience "demo-customers" (300 contacts with opt-in evidence)');
    expect(stdout).toMatch(/\+1 555-010-0002\s+campaign\s+CONNECTED/);
    expect(stdout).toContain('288 eligible of 300');
    expect(stdout).toMatch(/started campaign (\S+)/);
    expect(stdout).toMatch(/== order_update → demo-customers — COMPLETED ==/);
    expect(stdout).toMatch(/Sent \(accepted by Meta\)\s+288 \(96%\)/);
    const csvPath = /written to (\S+\.csv)/.exec(stdout)?.[1];
    expect(csvPath && existsSync(csvPath)).toBe(true);
    const csv = readFileSync(csvPath!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('wa_id,message,state,delivery,wamid,attempts,error_code,reason,explanation,updated_at');
    expect(csv).toHaveLength(301);
  }, 60_000);

  it('should keep the store between runs and refuse bad input with the fix', async () => {
    const { code, stdout } = await run('campaign list --all\ncampaign start order_update --audience nobody --from pool\nexit\nnumbers\n');
    expect(code).toBe(0);
    expect(stdout).not.toContain('seeded the demo audience');
    expect(stdout).toMatch(/completed\s+burst/);
    expect(stdout).toContain('No audience nobody');
    expect(stdout).toContain('Audiences: demo-customers');
    expect(stdout).not.toContain('wa> numbers');
  }, 60_000);
});

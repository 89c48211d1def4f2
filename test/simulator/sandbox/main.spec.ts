import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../../simulator/sandbox/main.ts';

const MAIN = fileURLToPath(new URL('../../../simulator/sandbox/main.ts', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => { if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n'))); });
    child.once('exit', () => reject(new Error(`exited before printing: ${err}`)));
  });
  firstLine.catch(() => {});
  return { child, firstLine, output: () => ({ out, err }) };
}

describe('npm run sandbox', () => {
  it('should print one JSON line describing itself, serve requests, and stop cleanly on SIGTERM', async () => {
    const { child, firstLine, output } = run(['--port', '0', '--seed', '9', '--token', 'T0KEN', '--app-secret', 'S3CRET', '--numbers', '2', '--throughput', 'unlimited', '--tier', 'TIER_10K']);
    const info = JSON.parse(await firstLine) as { baseUrl: string; wabaId: string; phoneNumbers: { id: string; display: string }[]; token: string; appSecret: string };
    expect(Object.keys(info)).toEqual(['baseUrl', 'wabaId', 'phoneNumbers', 'token', 'appSecret']);
    expect(info).toMatchObject({ baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), token: 'T0KEN', appSecret: 'S3CRET' });
    expect(info.phoneNumbers).toHaveLength(2);
    const res = await fetch(`${info.baseUrl}/v23.0/${info.phoneNumbers[1]!.id}?fields=messaging_limit_tier,throughput`, { headers: { authorization: 'Bearer T0KEN' } });
    expect(await res.json()).toEqual({ messaging_limit_tier: 'TIER_10K', throughput: { level: 'HIGH' }, id: info.phoneNumbers[1]!.id });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output().out.trim().split('\n')).toHaveLength(1);
  });

  it('should read the flags into options', () => {
    const o = optionsFromArgs(['--port', '8080', '--time-scale', '60', '--webhook-url', 'http://127.0.0.1:3000/webhooks/whatsapp', '--templates', 't.json', '--faults', 'f.json']);
    expect(o).toMatchObject({ port: 8080, timeScale: 60, webhookUrl: 'http://127.0.0.1:3000/webhooks/whatsapp', templates: 't.json', faults: 'f.json', numbers: [{}] });
    expect(() => optionsFromArgs(['--port', 'eighty'])).toThrow(/--port/);
    expect(() => optionsFromArgs(['--colour', 'red'])).toThrow(/colour/);
    expect(() => optionsFromArgs(['--help'])).toThrow(/usage: npm run sandbox/);
  });
});

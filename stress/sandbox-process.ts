/**
 * The sandbox in a process of its own (its own core), for the crash test and the benchmark:
 * `tsx stress/sandbox-process.ts '<SandboxOptions as JSON>'` prints the sandbox's description as
 * one JSON line and serves until SIGTERM. `spawnSandbox` starts it and returns a handle that
 * talks to it over its `/_sandbox/` routes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SandboxOptions } from '../simulator/sandbox/sandbox-options.ts';
import type { FaultsSpec } from '../simulator/sandbox/faults.ts';
import type { Duplicate, RecipientCount } from '../simulator/sandbox/send-ledger.ts';
import { startSandbox } from '../simulator/sandbox/server.ts';
import type { SandboxHandle } from './campaign-rig.ts';

export interface SandboxProcess extends SandboxHandle {
  readonly wabaId: string;
  received(): Promise<Record<string, RecipientCount>>;
  duplicates(): Promise<readonly Duplicate[]>;
  setFaults(spec: FaultsSpec): Promise<void>;
  rate(): Promise<Record<string, { accepted: number; maxPerSecond: number; maxPerVirtualSecond: number }>>;
  stop(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

export async function spawnSandbox(options: Omit<SandboxOptions, 'log'>): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code} before describing itself`)));
  });
  const info = JSON.parse(line) as { baseUrl: string; token: string; appSecret: string; wabaId: string; phoneNumbers: { id: string; display: string }[] };
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${info.baseUrl}${path}`)).json()) as T;
  return {
    ...info,
    async setWebhookUrl(url) {
      const res = await fetch(`${info.baseUrl}/_sandbox/webhook-url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
      if (!res.ok) throw new Error(`sandbox refused the webhook URL: ${res.status}`);
    },
    received: () => get('/_sandbox/received'),
    duplicates: async () => (await get<{ duplicates: Duplicate[] }>('/_sandbox/duplicates')).duplicates,
    async setFaults(spec) {
      const res = await fetch(`${info.baseUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
      if (!res.ok) throw new Error(`sandbox refused the faults: ${await res.text()}`);
    },
    rate: () => get('/_sandbox/rate'),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
  const sandbox = await startSandbox({ ...options, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${JSON.stringify(sandbox.describe())}\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * `npm run sandbox -- [--port N] [--token T] [--app-secret S] [--webhook-url URL] [--templates file.json]
 *                     [--seed S] [--time-scale X] [--faults faults.json] [--numbers N] [--world world.json]
 *                     [--throughput MPS] [--tier TIER]`
 *
 * Prints one JSON line describing the sandbox on stdout ({ baseUrl, wabaId, phoneNumbers, token,
 * appSecret }), then logs, if any, on stderr. Stops cleanly on SIGINT and SIGTERM.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadJsonFile } from './json-file.ts';
import type { SandboxNumberOption, SandboxOptions } from './sandbox-options.ts';
import { startSandbox } from './server.ts';

const USAGE = 'usage: npm run sandbox -- [--port N] [--host H] [--token T] [--app-secret S] [--webhook-url URL] [--templates file.json] '
  + '[--seed S] [--time-scale X] [--faults faults.json] [--numbers N] [--world world.json] [--throughput MPS] [--tier TIER]';

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new Error(`${flag}: got ${JSON.stringify(v)}, expected a number`);
  return n;
}

export function optionsFromArgs(argv: readonly string[]): SandboxOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, 'app-secret': { type: 'string' },
      'webhook-url': { type: 'string' }, templates: { type: 'string' }, seed: { type: 'string' }, 'time-scale': { type: 'string' },
      faults: { type: 'string' }, numbers: { type: 'string' }, world: { type: 'string' }, throughput: { type: 'string' }, tier: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new Error(USAGE);
  const count = num(values.numbers, '--numbers') ?? 1;
  const throughput = values.throughput === 'unlimited' ? Number.POSITIVE_INFINITY : num(values.throughput, '--throughput');
  const each: SandboxNumberOption = { ...(throughput !== undefined ? { throughputMps: throughput } : {}), ...(values.tier !== undefined ? { tier: values.tier } : {}) };
  const port = num(values.port, '--port');
  const seed = num(values.seed, '--seed');
  const timeScale = num(values['time-scale'], '--time-scale');
  return {
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.token !== undefined ? { token: values.token } : {}),
    ...(values['app-secret'] !== undefined ? { appSecret: values['app-secret'] } : {}),
    ...(values['webhook-url'] !== undefined ? { webhookUrl: values['webhook-url'] } : {}),
    ...(values.templates !== undefined ? { templates: values.templates } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(values.faults !== undefined ? { faults: values.faults } : {}),
    ...(values.world !== undefined ? { world: loadJsonFile(values.world, 'world file') as object } : {}),
    numbers: Array.from({ length: count }, () => each),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<void> {
  let options: SandboxOptions;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${(error as Error).message === USAGE ? '' : `${USAGE}\n`}`);
    process.exitCode = 2;
    return;
  }
  const sandbox = await startSandbox(options);
  process.stdout.write(`${JSON.stringify(sandbox.describe())}\n`);
  const stop = (signal: string) => {
    process.stderr.write(`sandbox: ${signal}, closing\n`);
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

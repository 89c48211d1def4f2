/**
 * The sandbox Cloud API: a loopback HTTP server with Meta's paths (`/vNN.0/…`, any version),
 * Bearer-token auth, Meta's request checks and response shapes, signed webhooks, fault injection,
 * and counts of what it received, driven by a world model on a virtual clock that follows the
 * wall clock. Start it in-process with `startSandbox()` (port 0 by default) or with `npm run sandbox`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseNumberStatus } from '../../core/phone-number.ts';
import { parseQuality } from '../../core/quality.ts';
import { Simulation } from '../engine/simulation.ts';
import { Faults, parseFaults, type FaultsSpec } from './faults.ts';
import { loadJsonFile } from './json-file.ts';
import { GraphErrors } from './graph-error.ts';
import { readBody, sendJson } from './http-io.ts';
import { RealtimeDriver } from './realtime-driver.ts';
import type { SandboxContext } from './routes/context.ts';
import { control, type ControlActions } from './routes/control.ts';
import { routeGraph } from './routes/graph.ts';
import { resolveSandboxOptions, type SandboxOptions } from './sandbox-options.ts';
import { ModelWorld, type WorldCounts } from './model-world.ts';
import { SendLedger, type CallbackCount, type Duplicate, type RateStats, type RecipientCount } from './send-ledger.ts';
import { TemplateCatalog } from './template-catalog.ts';
import { WebhookDispatcher, type DispatcherStats } from './webhook-dispatcher.ts';
import { resolveWorldParameters } from './world-parameters.ts';

export interface SandboxDescription {
  readonly baseUrl: string;
  readonly wabaId: string;
  readonly phoneNumbers: readonly { readonly id: string; readonly display: string }[];
  readonly token: string;
  readonly appSecret: string;
}

export interface SandboxStats {
  readonly world: WorldCounts;
  readonly webhooks: DispatcherStats;
  readonly faultsFired: readonly number[];
  readonly virtualNow: number;
}

export interface Sandbox extends SandboxDescription {
  readonly seed: number;
  readonly world: ModelWorld;
  /** The one-line JSON the command prints on start. */
  describe(): SandboxDescription;
  received(): Record<string, RecipientCount>;
  receivedByCallbackData(): Record<string, CallbackCount>;
  duplicates(): Duplicate[];
  rate(): Record<string, RateStats>;
  stats(): SandboxStats;
  setFaults(spec: FaultsSpec | unknown): void;
  faults(): FaultsSpec;
  driveQuality(numberId: string, quality: string): void;
  driveStatus(numberId: string, status: string): void;
  driveTemplateQuality(name: string, language: string, quality: string): void;
  /** A user writes to a number (default the first): a reply, a STOP. `from` is a wa_id or E.164. */
  inbound(from: string, text: string, numberId?: string): void;
  setWebhookUrl(url: string | undefined): void;
  /** Run the world up to now and send what is batched. */
  flush(): void;
  /** Resolves once no webhook is batched, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  /** The world's virtual clock (epoch ms). */
  now(): number;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = resolveSandboxOptions(options);
  const log = options.log ?? (() => {});
  const sim = new Simulation({ seed: o.seed, start: o.start ?? Date.now() });
  const params = resolveWorldParameters(options.world);
  const lifecycle = { pacingThreshold: options.pacingThreshold ?? params.model.templates.pacingThreshold };
  const catalog = options.templates === undefined ? TemplateCatalog.loadDefault(sim.now, lifecycle)
    : typeof options.templates === 'string' || options.templates instanceof URL ? TemplateCatalog.loadFile(options.templates, sim.now, lifecycle)
      : new TemplateCatalog(options.templates, sim.now, lifecycle);
  const world = new ModelWorld(sim, o.numbers, catalog, params);
  const faults = new Faults(typeof options.faults === 'string' ? loadJsonFile(options.faults, 'faults file') : options.faults, o.seed);
  const dispatcher = new WebhookDispatcher({
    url: o.webhookUrl, appSecret: o.appSecret, wabaId: o.wabaId, numbers: new Map(o.numbers.map((n) => [n.id, { id: n.id, displayDigits: n.displayDigits }])),
    batchMs: o.batchMs, retry: o.retry, timeoutMs: o.timeoutMs, faults, log,
  });
  world.subscribe((e) => dispatcher.enqueue(e));
  const driver = new RealtimeDriver(sim, { timeScale: o.timeScale, tickMs: o.tickMs });
  const ctx: SandboxContext = { options: o, world, catalog, ledger: new SendLedger(), faults, errors: new GraphErrors(o.seed), driver, dispatcher, timers: new Set(), held: new Set(), log };

  const actions: ControlActions = {
    received: () => ctx.ledger.received(),
    receivedByCallbackData: () => ctx.ledger.byCallbackData(),
    duplicates: () => ctx.ledger.duplicates(),
    rate: () => ctx.ledger.rate(),
    stats: () => ({ world: world.counts, webhooks: dispatcher.stats, faultsFired: faults.firedCounts(), virtualNow: sim.now }),
    faults: () => faults.spec,
    setFaults: (spec) => faults.set(parseFaults(spec)),
    driveQuality: (id, q) => { driver.advance(); world.driveQuality(knownNumber(id), parseQuality(q)); driver.advance(); },
    driveStatus: (id, s) => { driver.advance(); world.driveStatus(knownNumber(id), parseNumberStatus(s)); driver.advance(); },
    driveTemplateQuality: (name, language, q) => {
      driver.advance();
      if (!world.driveTemplateQuality(name, language, parseQuality(q))) throw new Error(`no template "${name}" in ${language}`);
      driver.advance();
    },
    inbound: (from, text, numberId) => { driver.advance(); world.inbound(knownNumber(numberId ?? o.numbers[0]!.id), from.replace(/^\+/, ''), text); driver.advance(); },
    setWebhookUrl: (url) => dispatcher.setUrl(url),
  };
  function knownNumber(id: string): string {
    if (!o.numbers.some((n) => n.id === id)) throw new Error(`no number ${id}; expected one of ${o.numbers.map((n) => n.id).join(', ')}`);
    return id;
  }

  const server = createServer((req, res) => void handle(ctx, actions, req, res).catch((error: unknown) => {
    log(`sandbox: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    sendJson(res, 500, ctx.errors.meta(1, 'The sandbox failed on this request.').body);
  }));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const description: SandboxDescription = {
    baseUrl: `http://${host}:${port}`, wabaId: o.wabaId, phoneNumbers: o.numbers.map((n) => ({ id: n.id, display: n.display })), token: o.token, appSecret: o.appSecret,
  };
  let closing: Promise<void> | undefined;

  return {
    ...description,
    seed: o.seed,
    world,
    describe: () => description,
    received: actions.received as Sandbox['received'],
    receivedByCallbackData: actions.receivedByCallbackData as Sandbox['receivedByCallbackData'],
    duplicates: actions.duplicates as Sandbox['duplicates'],
    rate: actions.rate as Sandbox['rate'],
    stats: actions.stats as Sandbox['stats'],
    setFaults: actions.setFaults,
    faults: () => faults.spec,
    driveQuality: actions.driveQuality,
    driveStatus: actions.driveStatus,
    driveTemplateQuality: actions.driveTemplateQuality,
    inbound: actions.inbound,
    setWebhookUrl: actions.setWebhookUrl,
    flush: () => { driver.advance(); dispatcher.flush(); },
    webhooksIdle: () => dispatcher.idle(),
    now: () => { driver.advance(); return sim.now; },
    close: () => (closing ??= new Promise<void>((resolve) => {
      driver.close();
      dispatcher.close();
      for (const t of ctx.timers) clearTimeout(t);
      ctx.timers.clear();
      for (const res of ctx.held) res.socket?.destroy();
      ctx.held.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}

async function handle(ctx: SandboxContext, actions: ControlActions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (!body.ok) {
    if (body.reason === 'too-large') sendJson(res, 413, ctx.errors.meta(100, 'The request body is too large.').body);
    return;
  }
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  if (url.pathname.startsWith('/_sandbox/')) {
    const answer = control(actions, req.method ?? 'GET', url.pathname.replace(/\/+$/, ''), body.text);
    return sendJson(res, answer.status, answer.body);
  }
  await routeGraph(ctx, req, res, url, body.text);
}

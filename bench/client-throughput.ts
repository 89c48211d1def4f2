/**
 * Messages per second the bot's Cloud API client sustains against the sandbox, next to a bare loop
 * of global `fetch` calls with the same concurrency to the same server, in the same run (each
 * serialising its body and parsing the answer, as any caller must). The
 * sandbox runs in a child process (its own core), with one number whose throughput and messaging
 * limit are unlimited, so the figure is the client's, not Meta's 80 msg/s. Every message goes to a
 * different recipient (the pair rate allows one message per person every 6 s).
 *
 * Run alone: `npx tsx bench/client-throughput.ts [messages] [concurrency]`.
 */
import { pathToFileURL } from 'node:url';
import { GraphClient } from '../bot/whatsapp/graph-client.ts';
import { SEED_TEMPLATES } from '../core/template.ts';
import type { TemplateMessage } from '../core/template-message.ts';
import { startSandbox } from '../simulator/sandbox/server.ts';
import { spawnSandbox } from '../stress/sandbox-process.ts';

export interface ClientThroughputOptions {
  /** Messages per measured run (default 10,000). */
  readonly messages?: number;
  /** Requests in flight at once, for both the client and the bare loop (default 64). */
  readonly concurrency?: number;
  /** Measured runs of each, alternating which goes first; the best of each is kept (default 3). */
  readonly rounds?: number;
  /** Run the sandbox in this process instead of a child (tests; figures then share one core). */
  readonly inProcess?: boolean;
  /** The client's own throughput limit in msg/s; default none (unthrottled). */
  readonly clientMps?: number;
}

export interface ClientThroughputResult {
  readonly clientMps: number;
  readonly bareMps: number;
  /** clientMps / bareMps (target ≥ 0.8). */
  readonly ratio: number;
  readonly messages: number;
  readonly concurrency: number;
  readonly rounds: number;
  /** Sends that did not come back accepted (should be 0). */
  readonly clientFailures: number;
  readonly bareFailures: number;
  readonly sandbox: 'child-process' | 'in-process';
}

interface Target { readonly baseUrl: string; readonly token: string; readonly numberId: string; stop(): Promise<void> }


const template = (to: string): TemplateMessage => ({
  name: 'order_update',
  language: { code: 'en_US' },
  components: [{
    type: 'body',
    parameters: [
      { type: 'text', text: 'Pablo' },
      { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
      { type: 'date_time', date_time: { fallback_value: `Order ${to.slice(-6)}` } },
    ],
  }],
});

/** Distinct valid Saudi mobile numbers: +96650 and seven digits. */
const recipient = (i: number) => `+96650${String(i % 10_000_000).padStart(7, '0')}`;

async function childSandbox(): Promise<Target> {
  // The same child-process sandbox the crash test uses; a limit far above what one core can send.
  const sb = await spawnSandbox({ seed: 1, numbers: [{ throughputMps: 1_000_000_000, tier: 'TIER_UNLIMITED' }] });
  return { baseUrl: sb.baseUrl, token: sb.token, numberId: sb.phoneNumbers[0]!.id, stop: () => sb.stop() };
}

async function inProcessSandbox(): Promise<Target> {
  const sb = await startSandbox({ seed: 1, numbers: [{ throughputMps: Number.POSITIVE_INFINITY, tier: 'TIER_UNLIMITED' }] });
  return { baseUrl: sb.baseUrl, token: sb.token, numberId: sb.phoneNumbers[0]!.id, stop: () => sb.close() };
}

/** Run `count` jobs with `concurrency` workers; returns failures and elapsed ms. */
async function drive(count: number, concurrency: number, job: (i: number) => Promise<boolean>): Promise<{ failures: number; ms: number }> {
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (!(await job(i))) failures++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { failures, ms: performance.now() - t0 };
}

export async function benchClientThroughput(options: ClientThroughputOptions = {}): Promise<ClientThroughputResult> {
  const messages = options.messages ?? 10_000;
  const concurrency = options.concurrency ?? 64;
  const rounds = options.rounds ?? 3;
  const target = options.inProcess ? await inProcessSandbox() : await childSandbox();
  const client = new GraphClient({
    token: target.token, baseUrl: target.baseUrl, graphVersion: 'v23.0', templates: SEED_TEMPLATES, maxConnections: concurrency,
    ...(options.clientMps !== undefined ? { throughputMps: options.clientMps, throughputBurst: options.clientMps } : { unthrottled: true }),
  });
  const url = `${target.baseUrl}/v23.0/${target.numberId}/messages`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${target.token}` };
  let sequence = 0;

  const viaClient = (n: number) => drive(n, concurrency, async () => {
    const to = recipient(sequence++);
    const outcome = await client.sendTemplate(target.numberId, { to, template: template(to), callbackData: `bench-${sequence}` });
    return outcome.kind === 'accepted';
  });
  const viaFetch = (n: number) => drive(n, concurrency, async () => {
    const to = recipient(sequence++);
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'template', biz_opaque_callback_data: `bench-${sequence}`, template: template(to) });
    const res = await fetch(url, { method: 'POST', headers, body });
    // Any caller reads the answer (the message id is in it): parsed as the client parses it.
    const answer = await res.json() as { messages?: { id?: string }[] };
    return res.status === 200 && typeof answer.messages?.[0]?.id === 'string';
  });

  try {
    const warm = Math.min(2000, messages);
    await viaFetch(warm);
    await viaClient(warm);
    let best = { client: { failures: 0, ms: Number.POSITIVE_INFINITY }, bare: { failures: 0, ms: Number.POSITIVE_INFINITY } };
    // The order alternates: the server's state grows during a run, so whoever went second would always pay more.
    for (let r = 0; r < rounds; r++) {
      const first = r % 2 === 0 ? await viaFetch(messages) : await viaClient(messages);
      const second = r % 2 === 0 ? await viaClient(messages) : await viaFetch(messages);
      const [bare, viaC] = r % 2 === 0 ? [first, second] : [second, first];
      best = { bare: bare.ms < best.bare.ms ? bare : best.bare, client: viaC.ms < best.client.ms ? viaC : best.client };
    }
    const clientMps = (messages / best.client.ms) * 1000;
    const bareMps = (messages / best.bare.ms) * 1000;
    return {
      clientMps, bareMps, ratio: clientMps / bareMps, messages, concurrency, rounds,
      clientFailures: best.client.failures, bareFailures: best.bare.failures, sandbox: options.inProcess ? 'in-process' : 'child-process',
    };
  } finally {
    await client.close();
    await target.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [messages, concurrency] = process.argv.slice(2).map(Number);
  const r = await benchClientThroughput({ ...(messages ? { messages } : {}), ...(concurrency ? { concurrency } : {}) });
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  process.stdout.write([
    `client → sandbox (${r.sandbox}), ${fmt(r.messages)} messages × best of ${r.rounds}, concurrency ${r.concurrency}`,
    `  client:     ${fmt(r.clientMps)} msg/s (${r.clientFailures} not accepted)`,
    `  bare fetch: ${fmt(r.bareMps)} msg/s (${r.bareFailures} not accepted)`,
    `  ratio:      ${(r.ratio * 100).toFixed(1)} % of the bare loop (target ≥ 80 %, and ≥ 1,000 msg/s)`,
    '',
  ].join('\n'));
}

/**
 * Everything behind the front ends, assembled once from the configuration: the store, the Cloud
 * API client (Meta's, or the embedded sandbox when no credentials are set), the campaign service
 * on the (optionally time-lapsed) clock, the webhook inbox feeding it, the alerts, the audit trail
 * and the command router. Slack and the console each wrap this; neither builds any of it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CampaignService } from '../campaigns/campaign-service.ts';
import { WallClock } from '../campaigns/wall-clock.ts';
import { CommandRouter } from '../commands/command-router.ts';
import { SimulatorRisk } from '../commands/simulator-risk.ts';
import type { BotConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { openStore } from '../store/lowdb-store.ts';
import type { Store } from '../store/store.ts';
import { GraphClient } from '../whatsapp/graph-client.ts';
import { GraphMessageSender } from '../whatsapp/graph-message-sender.ts';
import { WebhookInbox } from '../whatsapp/webhook-inbox.ts';
import { createWebhookReceiver, type WebhookRequestHandler } from '../whatsapp/webhook-receiver.ts';
import { startSandbox, type Sandbox } from '../../simulator/sandbox/server.ts';
import { AlertFeed } from './alert-feed.ts';
import { AuditTrail } from './audit-trail.ts';
import { ServiceCampaignOps } from './campaign-ops.ts';
import { saveClock, savedClock } from './clock-state.ts';
import { DEMO_AUDIENCE, seedDemo } from './demo-seed.ts';
import { syncAccount } from './sync-account.ts';

export interface Runtime {
  readonly store: Store;
  readonly service: CampaignService;
  readonly ops: ServiceCampaignOps;
  readonly router: CommandRouter;
  readonly alerts: AlertFeed;
  readonly audit: AuditTrail;
  readonly clock: WallClock;
  readonly webhookHandler: WebhookRequestHandler;
  readonly sandbox?: Sandbox;
  /** What a person should know at start: sandbox or real sends, the clock, the demo data. */
  readonly banner: readonly string[];
  numberName(id: string): string;
  /** Where the sandbox delivers its webhooks (the server's `/webhooks/whatsapp`). */
  setWebhookUrl(url: string): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly config: BotConfig;
  readonly logger: Logger;
  readonly surface: 'slack' | 'console';
  /** Sandbox overrides (tests: silent recipients, fast deliveries). */
  readonly sandbox?: { readonly world?: object; readonly seed?: number; readonly webhookBatchMs?: number };
  readonly demoAudienceSize?: number;
}

const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios', import.meta.url));

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const banner: string[] = [];
  const store = await openStore({ dataDir: config.dataDir, onWarning: (w) => logger.warn({ warning: w }, 'store repaired something') });
  const closers: (() => Promise<unknown> | void)[] = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    const useSandbox = config.cloudApi === undefined;
    const resumeAt = useSandbox ? await savedClock(config.dataDir) : undefined;
    const clock = new WallClock({ timeLapse: config.timeLapse, ...(resumeAt !== undefined && resumeAt > Date.now() && { start: resumeAt }) });
    let sandbox: Sandbox | undefined;
    let client: GraphClient;
    let wabaId: string;
    let appSecret: string;
    let verifyToken: string;
    let mainNumberId: string | undefined;
    if (useSandbox) {
      sandbox = await startSandbox({
        seed: options.sandbox?.seed ?? 1, timeScale: config.timeLapse, start: clock.now(),
        numbers: [{ display: '+1 555-010-0001', verifiedName: 'Demo Store' }, { display: '+1 555-010-0002', verifiedName: 'Demo Store' }, { display: '+1 555-010-0003', verifiedName: 'Demo Store' }],
        ...(options.sandbox?.world && { world: options.sandbox.world }),
        ...(options.sandbox?.webhookBatchMs !== undefined && { webhook: { batchMs: options.sandbox.webhookBatchMs } }),
      });
      const sb = sandbox;
      closers.push(() => sb.close());
      client = new GraphClient({ token: sb.token, baseUrl: sb.baseUrl, logger });
      ({ wabaId, appSecret } = sb);
      verifyToken = randomBytes(12).toString('hex');
      mainNumberId = sb.phoneNumbers[0]!.id;
      banner.push(`No Cloud API credentials (WA_TOKEN, WA_WABA_ID, WA_APP_SECRET, WA_VERIFY_TOKEN): using the embedded sandbox at ${sb.baseUrl}. Nothing reaches real phones.`);
    } else {
      const api = config.cloudApi!;
      client = new GraphClient({ token: api.token, logger, ...(api.baseUrl && { baseUrl: api.baseUrl }), ...(api.graphVersion && { graphVersion: api.graphVersion }) });
      ({ wabaId, appSecret, verifyToken, mainNumberId } = api);
      banner.push(`Cloud API: sending for real through ${api.baseUrl ?? 'https://graph.facebook.com'} for WABA ${api.wabaId}.`);
    }
    const graph = client;
    closers.push(() => graph.close());
    if (config.timeLapse !== 1) banner.push(`Time-lapse clock: ×${config.timeLapse} (a simulated day every ${Number((1440 / config.timeLapse).toPrecision(2))} real minute${1440 / config.timeLapse === 1 ? '' : 's'}); now ${new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC.`);

    const synced = await syncAccount(client, store, wabaId, clock.now(), mainNumberId);
    for (const p of synced.problems) logger.warn({ problem: p }, 'account sync');
    banner.push(`Account: ${synced.numbers} numbers and ${synced.templates} templates read${synced.problems.length ? ` (${synced.problems.length} problem(s), see the log)` : ''}.`);
    if (useSandbox) {
      const seeded = await seedDemo(store, clock.now(), options.demoAudienceSize);
      if (seeded?.ok) banner.push(`First run: seeded the demo audience "${DEMO_AUDIENCE}" (${seeded.rows} contacts with opt-in evidence) in ${config.dataDir}.`);
      else if (seeded) logger.warn({ problems: seeded.problems.slice(0, 5) }, 'demo audience not seeded');
    }

    const alerts = new AlertFeed(20, logger);
    const audit = new AuditTrail(store, logger);
    const service = await CampaignService.open({ store, sender: new GraphMessageSender(client), notifier: alerts, clock, policy: config.policy, logger });
    closers.push(() => service.close());
    const inbox = await WebhookInbox.open({ dir: join(config.dataDir, 'webhook-inbox'), onEvent: (e) => service.handleWebhookEvent(e), logger, pipelined: true });
    closers.push(() => inbox.close());
    const webhookHandler = createWebhookReceiver({ appSecret, verifyToken, inbox, logger });
    const ops = new ServiceCampaignOps(service, store, config.policy, undefined, logger);
    await ops.init();
    closers.push(() => ops.close());
    const saver = setInterval(() => void saveClock(config.dataDir, clock.now()).catch(() => undefined), 5_000);
    saver.unref();
    closers.push(async () => {
      clearInterval(saver);
      if (useSandbox) await saveClock(config.dataDir, clock.now());
    });

    const router = new CommandRouter({
      store, campaigns: ops, audit, clock,
      risk: new SimulatorRisk({ policy: config.policy, replications: config.simulationReplications }),
      settings: {
        approvalThreshold: config.approvalThreshold, riskThreshold: config.riskThreshold, approvals: options.surface === 'slack',
        scenariosDir: SCENARIOS_DIR, maxSimulationReplications: 500,
        ...(config.defaultCountry && { defaultCountry: config.defaultCountry }), ...(config.prices && { prices: config.prices }),
      },
    }, { onError: (error, context) => logger.error({ err: error, context }, 'command failed') });

    const names = new Map((await store.numbers.list()).map((n) => [n.id, n.display]));
    let closing: Promise<void> | undefined;
    return {
      store, service, ops, router, alerts, audit, clock, webhookHandler, banner,
      ...(sandbox && { sandbox }),
      numberName: (id) => names.get(id) ?? id,
      setWebhookUrl: (url) => sandbox?.setWebhookUrl(url),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

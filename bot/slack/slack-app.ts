/**
 * The Bolt app: one root `/wa` command (ack at once, then work), the Confirm / Cancel / Approve
 * buttons, App Home, alerts and audit lines to their channels, and the authorisation middleware.
 * HTTP mode serves Bolt's `/slack/events` with `/webhooks/whatsapp` and `/healthz` as custom
 * routes of the same server; Socket Mode connects with the app token and serves those two routes
 * on a small server of its own.
 * https://docs.slack.dev/tools/bolt-js/concepts/commands
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Middleware, type SlackActionMiddlewareArgs, type SlackCommandMiddlewareArgs } from '@slack/bolt';
import { alertReply, auditText } from '../commands/alert-reply.ts';
import { NOT_AUTHORISED_FIX } from '../commands/command-router.ts';
import { parseCommand } from '../commands/parse-command.ts';
import { problem } from '../commands/reply.ts';
import type { BotConfig, SlackConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Runtime } from '../app/runtime.ts';
import { appRoutes, startSideServer, type SideServer } from '../app/side-server.ts';
import { Authoriser, type Verdict } from './authoriser.ts';
import { registerContactsImport } from './contacts-import.ts';
import { deliverReply } from './deliver-reply.ts';
import { homeView } from './home-view.ts';
import { ACCEPT_ACTION, REJECT_ACTION, renderBlocks } from './render-blocks.ts';
import { slackLogger } from './slack-logger.ts';

export interface SlackBotOptions {
  /** Answer Slack's HTTP request only after the work is done (tests; serverless). Default false: ack at once. */
  readonly processBeforeResponse?: boolean;
  /** Call auth.test at start (default true). */
  readonly tokenVerification?: boolean;
  readonly port?: number;
  readonly host?: string;
}

export interface SlackBot {
  readonly app: App;
  /** Where the HTTP server listens, like http://127.0.0.1:3000. */
  readonly url: string;
  stop(): Promise<void>;
}

type Ctx = { verdict?: Verdict };

export async function startSlackBot(rt: Runtime, config: BotConfig, slack: SlackConfig, logger: Logger, options: SlackBotOptions = {}): Promise<SlackBot> {
  const log = slackLogger(logger);
  const clientOptions = { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), ...(options.tokenVerification === false && { retryConfig: { retries: 0 } }) };
  const port = options.port ?? config.port;
  const host = options.host ?? config.host;
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (slack.mode === 'http') {
    receiver = new HTTPReceiver({ signingSecret: slack.signingSecret!, processBeforeResponse: options.processBeforeResponse ?? false, customRoutes: appRoutes(rt), logger: log, logLevel: LogLevel.INFO });
    app = new App({ token: slack.botToken, receiver, logger: log, clientOptions, tokenVerificationEnabled: options.tokenVerification ?? true });
  } else {
    app = new App({ token: slack.botToken, appToken: slack.appToken!, socketMode: true, logger: log, clientOptions, tokenVerificationEnabled: options.tokenVerification ?? true });
  }
  const authoriser = new Authoriser(config.access, async (group) => (await app.client.usergroups.users.list({ usergroup: group })).users ?? []);

  /** Middleware: who may change state decides here, before any handler runs; reading is open. */
  const authoriseCommand: Middleware<SlackCommandMiddlewareArgs, Ctx> = async ({ command, context, ack, respond, next }) => {
    const parsed = parseCommand(command.text);
    if (parsed.kind === 'command' && parsed.spec.changes) {
      const verdict = await authoriser.mayChange(command.user_id, command.channel_id);
      context.verdict = verdict;
      if (!verdict.ok) {
        await ack();
        await respond({ response_type: 'ephemeral', ...renderBlocks(problem(`You may not run \`/wa ${parsed.spec.path.join(' ')}\`: ${verdict.why}.`, NOT_AUTHORISED_FIX)) });
        await rt.store.audit.append({ at: rt.clock.now(), who: command.user_id, what: 'refused', details: { command: `/wa ${command.text}`.slice(0, 300), why: verdict.why } });
        return;
      }
    }
    await next();
  };
  const authoriseAction: Middleware<SlackActionMiddlewareArgs, Ctx> = async ({ body, context, next }) => {
    context.verdict = await authoriser.mayChange(body.user.id, body.channel?.id);
    await next();
  };

  app.command('/wa', authoriseCommand, async ({ command, ack, respond, client, context }) => {
    await ack();
    const verdict = (context as Ctx).verdict;
    const inv = { user: command.user_id, channel: command.channel_id, mayChange: verdict?.ok ?? false, surface: 'slack' as const };
    const reply = await rt.router.handle(command.text, inv);
    await deliverReply(reply, { client, respond, user: command.user_id, channel: command.channel_id, triggerId: command.trigger_id });
  });

  for (const [action, decision] of [[ACCEPT_ACTION, 'accept'], [REJECT_ACTION, 'reject']] as const) {
    app.action(action, authoriseAction, async ({ ack, body, action: pressed, respond, client, context }) => {
      await ack();
      const verdict = (context as Ctx).verdict;
      const pendingId = 'value' in pressed && typeof pressed.value === 'string' ? pressed.value : '';
      const channel = body.channel?.id;
      const inv = { user: body.user.id, ...(channel && { channel }), mayChange: verdict?.ok ?? false, surface: 'slack' as const };
      const reply = await rt.router.settle(pendingId, decision, inv);
      await deliverReply(reply, { client, respond, user: body.user.id, ...(channel && { channel }) });
    });
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: await homeView(rt, event.user) });
  });

  registerContactsImport(app, rt, authoriser, slack.botToken, logger);

  if (config.alertsChannel) {
    const channel = config.alertsChannel;
    rt.alerts.subscribe(async (n) => void (await app.client.chat.postMessage({ channel, ...renderBlocks(alertReply(n, rt.numberName)) })));
  }
  if (config.auditChannel) {
    const channel = config.auditChannel;
    rt.audit.postTo(async (e) => void (await app.client.chat.postMessage({ channel, text: auditText(e) })));
  }
  app.error(async (error) => logger.error({ err: error }, 'slack handler failed'));

  let server: Server;
  let side: SideServer | undefined;
  if (receiver) {
    server = (await app.start({ port, host })) as Server;
  } else {
    side = await startSideServer(appRoutes(rt), port, host);
    server = side.server;
    await app.start();
  }
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  rt.setWebhookUrl(`${url}/webhooks/whatsapp`);
  return {
    app,
    url,
    async stop() {
      server.closeAllConnections();
      await app.stop().catch(() => undefined);
      await side?.close();
    },
  };
}

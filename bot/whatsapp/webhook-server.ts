/**
 * The webhook receiver on a server of its own (tests, the sandbox's end-to-end run, a bot that
 * does not mount it beside Bolt): opens the inbox, which replays what a previous run left, then
 * listens.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import type { Logger } from '../log.ts';
import { WebhookInbox } from './webhook-inbox.ts';
import { WEBHOOK_PATH, createWebhookReceiver } from './webhook-receiver.ts';

export interface WebhookServerOptions {
  /** The inbox directory (its journal and cursor live there). */
  readonly dir: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly onEvent: (event: WebhookEvent) => void | Promise<void>;
  /** See WebhookInboxOptions.pipelined. */
  readonly pipelined?: boolean;
  readonly logger?: Logger;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningWebhookServer {
  /** The full webhook URL, e.g. `http://127.0.0.1:40123/webhooks/whatsapp`. */
  readonly url: string;
  readonly server: Server;
  readonly inbox: WebhookInbox;
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningWebhookServer> {
  const inbox = await WebhookInbox.open({
    dir: options.dir, onEvent: options.onEvent, ...(options.logger && { logger: options.logger }), ...(options.pipelined !== undefined && { pipelined: options.pipelined }),
  });
  const handler = createWebhookReceiver({ appSecret: options.appSecret, verifyToken: options.verifyToken, inbox, ...(options.logger && { logger: options.logger }) });
  const server = createServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${WEBHOOK_PATH}`,
    server,
    inbox,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inbox.close();
    },
  };
}

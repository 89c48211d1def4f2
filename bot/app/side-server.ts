/**
 * The bot's own HTTP routes: `/webhooks/whatsapp` (Meta's, or the sandbox's, signed webhooks) and
 * `/healthz`. In Slack HTTP mode they are custom routes of Bolt's server; in Socket Mode and in
 * the console they get this small server of their own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from './runtime.ts';

export interface Route {
  readonly path: string;
  readonly method: string[];
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export function appRoutes(rt: Runtime): Route[] {
  const health = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, sandbox: rt.sandbox !== undefined, now: new Date(rt.clock.now()).toISOString() }));
  };
  return [
    { path: '/webhooks/whatsapp', method: ['GET', 'POST'], handler: (req, res) => rt.webhookHandler(req, res) },
    { path: '/healthz', method: ['GET'], handler: health },
  ];
}

export interface SideServer {
  readonly server: Server;
  /** Like http://127.0.0.1:40123 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startSideServer(routes: readonly Route[], port: number, host: string): Promise<SideServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? 'GET'));
    if (route) route.handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

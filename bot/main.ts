/**
 * `npm start`. With Slack credentials, the Slack bot (HTTP mode, or Socket Mode with an app
 * token); without, the local console on the same command handlers. Without Cloud API credentials
 * either runs on the embedded sandbox and says so. Stops cleanly at EOF, SIGINT and SIGTERM.
 */
import { userInfo } from 'node:os';
import { startRuntime, type Runtime } from './app/runtime.ts';
import { appRoutes, startSideServer, type SideServer } from './app/side-server.ts';
import { describeProblems, loadConfig } from './config.ts';
import { runConsole } from './console/console-shell.ts';
import { createLogger } from './log.ts';
import { pino } from 'pino';
import type { SlackBot } from './slack/slack-app.ts';

const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${describeProblems(loaded.problems)}\n`);
  process.exit(2);
}
const config = loaded.config;
const local = config.slack === undefined;
// The console's answers go to stdout; its log lines go to stderr, warnings and worse only.
const logger = local
  ? createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, name: 'wa-bot', destination: pino.destination(2) })
  : createLogger({ level: config.logLevel, name: 'wa-bot' });

let runtime: Runtime | undefined;
let slack: SlackBot | undefined;
let side: SideServer | undefined;
let stopping: Promise<void> | undefined;
const abort = new AbortController();

function stop(code: number): Promise<void> {
  return (stopping ??= (async () => {
    abort.abort();
    await slack?.stop().catch((error: unknown) => logger.warn({ err: error }, 'slack stop'));
    await side?.close();
    await runtime?.close();
    logger.info('stopped');
    process.exitCode = code;
    // Anything still holding the loop open (a keep-alive socket) must not keep a stopped bot alive.
    setTimeout(() => process.exit(code), 3_000).unref();
  })());
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

try {
  runtime = await startRuntime({ config, logger, surface: local ? 'console' : 'slack' });
  if (config.slack) {
    const { startSlackBot } = await import('./slack/slack-app.ts');
    slack = await startSlackBot(runtime, config, config.slack, logger);
    for (const line of runtime.banner) logger.info(line);
    logger.info(`Slack ${config.slack.mode === 'socket' ? 'Socket Mode' : `HTTP mode: ${slack.url}/slack/events`}; webhooks at ${slack.url}/webhooks/whatsapp; health at ${slack.url}/healthz`);
  } else {
    side = await startSideServer(appRoutes(runtime), 0, '127.0.0.1');
    runtime.setWebhookUrl(`${side.url}/webhooks/whatsapp`);
    const interactive = process.stdin.isTTY === true;
    process.stdout.write(`Local mode: no Slack credentials (SLACK_BOT_TOKEN …), so the /wa commands run here.\n`);
    await runConsole(runtime, { input: process.stdin, output: process.stdout, user: userInfo().username || 'console', interactive, signal: abort.signal });
    await stop(0);
  }
} catch (error) {
  logger.error({ err: error }, 'the bot failed');
  process.stderr.write(`The bot failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}

/**
 * The whole bot on loopback for the Slack tests: the runtime (store in a temp directory, the
 * embedded sandbox with a silent audience and quick deliveries, the real campaign service) under
 * the Bolt app in HTTP mode, talking to a fake Slack Web API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime, type Runtime } from '../../../bot/app/runtime.ts';
import { resolveConfig, type BotConfig } from '../../../bot/config.ts';
import { silentLogger } from '../../../bot/log.ts';
import { startSlackBot, type SlackBot } from '../../../bot/slack/slack-app.ts';
import { poster, startFakeSlack, type FakeSlack, type Poster } from './fake-slack.ts';

export const SECRET = 'test-signing-secret';

export interface Harness {
  readonly rt: Runtime;
  readonly bot: SlackBot;
  readonly slack: FakeSlack;
  readonly post: Poster;
  readonly config: BotConfig;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, demoAudienceSize = 20): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'wa-slack-'));
  const slack = await startFakeSlack();
  const resolved = resolveConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl,
    WA_ADMINS: 'UADMIN,UADMIN2', WA_CHANNELS: 'COPS,CMORE', WA_ALERTS_CHANNEL: 'CALERTS', WA_AUDIT_CHANNEL: 'CAUDIT',
    DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', WA_SIM_REPLICATIONS: '20', LOG_LEVEL: 'silent', ...env,
  });
  if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
  const config = resolved.config;
  const rt = await startRuntime({
    config, logger: silentLogger(), surface: 'slack', demoAudienceSize,
    sandbox: { world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 10 }, feedback: { readDelayMean: 10 } } }, webhookBatchMs: 5 },
  });
  const bot = await startSlackBot(rt, config, config.slack!, silentLogger(), { processBeforeResponse: true, tokenVerification: false });
  return {
    rt, bot, slack, config, post: poster(bot.url, SECRET, slack),
    async close() {
      await bot.stop();
      await rt.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The text of every block of a recorded message, joined: what a person would read. */
export function textOf(message: Record<string, unknown> | undefined): string {
  if (!message) return '';
  const parts: string[] = [String(message.text ?? '')];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return parts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The pending action's id carried by a message's buttons. */
export function pendingIdOf(message: Record<string, unknown> | undefined): string {
  const blocks = (message?.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  const id = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'wa_accept')?.value;
  if (!id) throw new Error(`no buttons in ${JSON.stringify(message).slice(0, 400)}`);
  return id;
}

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

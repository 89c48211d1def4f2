/**
 * App Home: the dashboard a person opens from the app's tab — the numbers with their limits, the
 * campaigns that are running or paused, and the latest alerts. Built from the same answers as
 * `/wa numbers` and `/wa campaign list`, so the two never disagree.
 * https://docs.slack.dev/surfaces/app-home
 */
import type { types } from '@slack/bolt';
import { alertText } from '../commands/alert-reply.ts';
import type { Runtime } from '../app/runtime.ts';
import { renderBlocks } from './render-blocks.ts';

export async function homeView(rt: Runtime, user: string): Promise<types.HomeView> {
  const inv = { user, mayChange: false, surface: 'slack' as const };
  const numbers = renderBlocks(await rt.router.handle('numbers', inv)).blocks;
  const campaigns = renderBlocks(await rt.router.handle('campaign list', inv)).blocks;
  const alerts = rt.alerts.recent(8);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'WhatsApp campaigns' } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${rt.sandbox ? 'Sandbox mode: nothing reaches real phones. ' : ''}Updated ${new Date(rt.clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC · \`/wa help\` for the commands` }] },
    ...numbers,
    { type: 'divider' },
    ...campaigns,
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Recent alerts' } },
    alerts.length
      ? { type: 'section', text: { type: 'mrkdwn', text: alerts.map((n) => `• ${alertText(n, rt.numberName)}`).join('\n').slice(0, 3000) } }
      : { type: 'context', elements: [{ type: 'mrkdwn', text: 'No alerts since the bot started.' }] },
  ];
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/**
 * End to end: a slash command starts a campaign; the campaign service's runner sends through the
 * Cloud API client to the sandbox; the sandbox's signed webhooks come back to the bot's
 * `/webhooks/whatsapp` on the same server as `/slack/events`; `/wa campaign status` in Slack
 * then shows every message delivered, and the report's funnel agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingIdOf, startHarness, textOf, until, type Harness } from './bot-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, 30);
});
afterAll(async () => {
  await h?.close();
});

describe('Slack command → runner → sandbox → webhooks → status in Slack', () => {
  it('should show the campaign delivered in /wa campaign status', async () => {
    await h.post.command('campaign start order_update --audience demo-customers --from pool --plan burst');
    expect(textOf(h.slack.responses.at(-1))).toContain('28 eligible of 30');
    await h.post.press('wa_accept', pendingIdOf(h.slack.responses.at(-1)));
    const [campaign] = await h.rt.store.campaigns.list();
    expect(campaign).toBeDefined();

    const status = await until(async () => {
      await h.post.command(`campaign status ${campaign!.id}`);
      const text = textOf(h.slack.responses.at(-1));
      return /Delivered\*\n28 \(100% of sent\)/.test(text) ? text : undefined;
    }, 8000, 'all 28 delivered');
    expect(status).toMatch(/Sent \(accepted by Meta\)\*\n28/);
    expect(status).toMatch(/Failed\*\n0/);
    expect(Object.values(h.rt.sandbox!.received()).every((c) => c.accepted === 1)).toBe(true);
    expect(Object.keys(h.rt.sandbox!.received())).toHaveLength(28);
    expect(h.rt.sandbox!.stats().webhooks.delivered).toBeGreaterThan(0);

    await h.post.command(`campaign report ${campaign!.id}`);
    expect(textOf(h.slack.responses.at(-1))).toMatch(/28 sent → 28 delivered \(100%\)/);
  });

  it('should serve /healthz and refuse an unsigned webhook on the same server', async () => {
    const health = await fetch(`${h.bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, sandbox: true });
    const forged = await fetch(`${h.bot.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"object":"whatsapp_business_account","entry":[]}' });
    expect(forged.status).toBe(401);
  });

  it('should post the runner\'s alerts to the alerts channel', async () => {
    h.rt.sandbox!.driveStatus(h.rt.sandbox!.phoneNumbers[1]!.id, 'BANNED');
    const alerts = () => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'CALERTS').map((c) => textOf(c.args));
    expect(alerts().some((t) => /Campaign `[^`]+` completed/.test(t))).toBe(true);
    const ban = await until(() => alerts().find((t) => t.includes('*disabled_update*')), 5000, 'the ban alert');
    expect(ban).toContain('Number +1 555-010-0002');
    expect((await h.rt.store.numbers.get(h.rt.sandbox!.phoneNumbers[1]!.id))?.status).toBe('BANNED');
  });
});

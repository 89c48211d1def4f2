/**
 * The Bolt app over real loopback HTTP: signed slash commands, button presses and events POSTed to
 * `/slack/events`, Slack's Web API and response URLs served by a local fake, the campaign service
 * and the sandbox behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, pendingIdOf, startHarness, textOf, type Harness } from './bot-harness.ts';
import { sign } from './fake-slack.ts';

let h: Harness;
const last = () => h.slack.responses.at(-1);
const postsTo = (channel: string) => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('reading commands', () => {
  it('should answer /wa help ephemerally with every command', async () => {
    const res = await h.post.command('help');
    expect(res.status).toBe(200);
    expect(last()).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(last())).toContain('/wa campaign start <template> --audience <name|file> --from <number|pool>');
    expect(textOf(last())).toContain('/wa simulate <scenario>');
  });

  it('should show help for one group when asked at that level', async () => {
    await h.post.command('campaign help');
    expect(textOf(last())).toContain('/wa campaign pause <id>');
    expect(textOf(last())).not.toContain('/wa templates');
  });

  it('should list the numbers with role, status, tier and usage, to anyone', async () => {
    await h.post.command('numbers', 'UREADER', 'CELSEWHERE');
    const text = textOf(last());
    expect(last()).toMatchObject({ response_type: 'ephemeral' });
    expect(text).toMatch(/\+1 555-010-0001\s+main\s+CONNECTED/);
    expect(text).toMatch(/\+1 555-010-0002\s+campaign\s+CONNECTED\s+HIGH \(green\)\s+250\s+0 \/ 250/);
  });

  it('should publish the App Home dashboard when the Home tab is opened', async () => {
    const res = await h.post.event({ type: 'app_home_opened', user: 'UREADER', channel: 'D1', tab: 'home', event_ts: '1' });
    expect(res.status).toBe(200);
    const publish = h.slack.calls.filter((c) => c.method === 'views.publish').at(-1);
    expect(publish?.args.user_id).toBe('UREADER');
    const view = publish?.args.view as Record<string, unknown>;
    expect(view.type).toBe('home');
    expect(textOf(view)).toContain('+1 555-010-0002');
    expect(textOf(view)).toContain('Recent alerts');
  });
});

describe('a campaign from preflight to stop', () => {
  it('should preflight, confirm, run, pause, resume and stop, each change audited', async () => {
    await h.post.command('campaign start order_update --audience demo-customers --from pool --plan steady');
    const preflight = last();
    expect(preflight).toMatchObject({ response_type: 'ephemeral' });
    const text = textOf(preflight);
    expect(text).toContain('19 eligible of 20');
    expect(text).toContain('1 no opt-in on record');
    expect(text).toMatch(/steady \(chosen\)/);
    expect(text).toMatch(/warmup/);
    const buttons = (preflight!.blocks as { type: string; elements?: { style?: string; action_id: string }[] }[]).find((b) => b.type === 'actions')!;
    expect(buttons.elements![0]).toMatchObject({ action_id: 'wa_accept', style: 'danger' });
    expect(await h.rt.store.campaigns.list()).toHaveLength(0);

    await h.post.press('wa_accept', pendingIdOf(preflight));
    const [campaign] = await h.rt.store.campaigns.list();
    expect(campaign).toMatchObject({ status: 'running', plan: 'steady' });
    expect(textOf(postsTo('COPS').at(-1)?.args)).toContain(`started campaign \`${campaign!.id}\``);

    await h.post.command(`campaign status ${campaign!.id}`);
    expect(textOf(last())).toContain('RUNNING');
    await h.post.command(`campaign pause ${campaign!.id} checking the copy`);
    expect(last()).toMatchObject({ response_type: 'in_channel' });
    expect((await h.rt.store.campaigns.get(campaign!.id))?.status).toBe('paused');
    await h.post.command(`campaign resume ${campaign!.id}`);
    expect((await h.rt.store.campaigns.get(campaign!.id))?.status).toBe('running');
    await h.post.command(`campaign stop ${campaign!.id} wrong audience`);
    expect((await h.rt.store.campaigns.get(campaign!.id))?.status).toBe('running');
    await h.post.press('wa_accept', pendingIdOf(last()));
    expect((await h.rt.store.campaigns.get(campaign!.id))?.status).toBe('stopped');

    const audit = (await h.rt.store.audit.recent(50)).map((e) => `${e.who} ${e.what}`);
    for (const what of ['campaign-started', 'campaign-paused', 'campaign-resumed', 'campaign-stopped']) expect(audit).toContain(`UADMIN ${what}`);
    const auditPosts = postsTo('CAUDIT').map((c) => String(c.args.text));
    for (const what of ['campaign-started', 'campaign-paused', 'campaign-resumed', 'campaign-stopped']) expect(auditPosts.some((t) => t.includes(`*${what}*`))).toBe(true);
  });

  it('should report the campaign and send its CSV to the person in a direct message', async () => {
    h.slack.reset();
    await h.post.command('campaign report --csv');
    expect(textOf(h.slack.responses[0])).toContain('Funnel');
    expect(h.slack.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['conversations.open', 'files.getUploadURLExternal', 'files.completeUploadExternal']));
    expect(h.slack.calls.find((c) => c.method === 'files.completeUploadExternal')?.args.channel_id).toBe('D0DIRECT');
  });
});

describe('simulate', () => {
  it('should post the summary table in the channel and the chart image in its thread', async () => {
    h.slack.reset();
    await h.post.command('simulate minimal');
    const post = postsTo('COPS').at(-1);
    expect(textOf(post?.args)).toContain('P(flagged)');
    const upload = h.slack.calls.find((c) => c.method === 'files.getUploadURLExternal');
    expect(upload?.args.filename).toMatch(/minimal-risk\.(png|svg)$/);
    expect(h.slack.uploads[0]!.bytes).toBeGreaterThan(1000);
    const complete = h.slack.calls.find((c) => c.method === 'files.completeUploadExternal');
    expect(complete?.args.channel_id).toBe('COPS');
    expect(complete?.args.thread_ts).toMatch(/^\d+(\.\d+)?$/);
  });
});

describe('authorisation and request verification', () => {
  it('should refuse a state change to someone who is not authorised, and start nothing', async () => {
    const before = (await h.rt.store.campaigns.list()).length;
    await h.post.command('campaign start order_update --audience demo-customers --from pool', 'UOTHER');
    expect(last()).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(last())).toContain('You may not run `/wa campaign start`');
    expect(textOf(last())).toContain('WA_ADMINS');
    expect((await h.rt.store.campaigns.list()).length).toBe(before);
    expect((await h.rt.store.audit.recent(1))[0]).toMatchObject({ who: 'UOTHER', what: 'refused' });
  });

  it('should refuse a state change in a channel not listed in WA_CHANNELS', async () => {
    await h.post.command('campaign stop anything', 'UADMIN', 'CRANDOM');
    expect(textOf(last())).toContain('allowed only in <#COPS>, <#CMORE>');
  });

  it('should answer 401 to a bad signature and do nothing', async () => {
    const count = h.slack.responses.length;
    const body = new URLSearchParams({ command: '/wa', text: 'numbers', user_id: 'UADMIN', channel_id: 'COPS', response_url: h.slack.responseUrl() }).toString();
    const res = await h.post.raw(body, 'application/x-www-form-urlencoded', sign('not-the-secret', body));
    expect(res.status).toBe(401);
    expect(h.slack.responses.length).toBe(count);
  });

  it('should refuse a request signed more than five minutes ago (a replay)', async () => {
    const count = h.slack.responses.length;
    const body = new URLSearchParams({ command: '/wa', text: 'numbers', user_id: 'UADMIN', channel_id: 'COPS', response_url: h.slack.responseUrl() }).toString();
    const res = await h.post.raw(body, 'application/x-www-form-urlencoded', sign(SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60));
    expect(res.status).toBe(401);
    expect(h.slack.responses.length).toBe(count);
  });
});

describe('bad input gets an answer that names the fix, and nothing starts', () => {
  const cases: [string, RegExp][] = [
    ['campain list', /not a \/wa command[\s\S]*Did you mean `\/wa campaign`/],
    ['campaign strat order_update', /Did you mean `\/wa campaign start`/],
    ['campaign start order_update --audience demo-customers --from pool --plan=burst --speed fast', /`--speed` is not a flag[\s\S]*--plan/],
    ['campaign start order_update --from pool', /needs `--audience <name\|file>`/],
    ['campaign start order_updat --audience demo-customers --from pool', /No template `order_updat`[\s\S]*Did you mean `order_update`/],
    ['campaign start order_update --audience demo --from pool', /No audience `demo`[\s\S]*demo-customers/],
    ['campaign start order_update --audience demo-customers --from +15550109999', /No number `\+15550109999`[\s\S]*\+1 555-010-0002/],
    ['campaign start order_update --audience demo-customers --from +15550100001', /is the main number/],
    ['campaign start order_update --audience demo-customers --from pool --plan yolo', /No plan `yolo`[\s\S]*warmup/],
  ];
  it.each(cases)('should answer `/wa %s` helpfully', async (text, expected) => {
    const before = (await h.rt.store.campaigns.list()).length;
    await h.post.command(text);
    expect(last()).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(last())).toMatch(expected);
    expect(JSON.stringify(last())).not.toContain('wa_accept');
    expect((await h.rt.store.campaigns.list()).length).toBe(before);
  });
});

describe('a large or risky start needs a second approver', () => {
  let g: Harness;
  beforeAll(async () => {
    g = await startHarness({ WA_APPROVAL_THRESHOLD: '10' });
  });
  afterAll(async () => {
    await g?.close();
  });

  it('should ask the channel for approval, refuse the requester\'s own, and start on a second person\'s', async () => {
    await g.post.command('campaign start order_update --audience demo-customers --from pool --plan steady');
    expect(textOf(g.slack.responses.at(-1))).toContain('Needs a second approver');
    await g.post.press('wa_accept', pendingIdOf(g.slack.responses.at(-1)));
    const request = g.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'COPS').at(-1)!;
    expect(textOf(request.args)).toContain('asks a second authorised person to approve');
    expect(await g.rt.store.campaigns.list()).toHaveLength(0);
    const id = pendingIdOf(request.args);
    await g.post.press('wa_accept', id, 'UADMIN');
    expect(textOf(g.slack.responses.at(-1))).toContain('A second person must approve');
    await g.post.press('wa_accept', id, 'UOTHER');
    expect(await g.rt.store.campaigns.list()).toHaveLength(0);
    await g.post.press('wa_accept', id, 'UADMIN2');
    expect((await g.rt.store.campaigns.list())[0]?.status).toBe('running');
    expect((await g.rt.store.audit.recent(20)).map((e) => e.what)).toContain('campaign-approval-requested');
  });
});

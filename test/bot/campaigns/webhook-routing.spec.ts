import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../../core/webhook-event.ts';
import { parseWebhookPayload } from '../../../core/webhook-parser.ts';
import { parseSendId, routeWebhookEvent, type RoutingContext } from '../../../bot/campaigns/webhook-routing.ts';

const NUMBER = '106540352242922';
const fixture = (name: string, edit: (text: string) => string = (t) => t): WebhookEvent => {
  const { events } = parseWebhookPayload(JSON.parse(edit(readFileSync(new URL(`../../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8'))));
  expect(events).toHaveLength(1);
  return events[0]!;
};

function context(over: Partial<RoutingContext> = {}): RoutingContext {
  return {
    active: [{ id: 'spring', numbers: [NUMBER] }, { id: 'summer', numbers: [NUMBER, '2'] }, { id: 'other', numbers: ['2'] }],
    numberByDisplay: (digits) => (digits === '15550783881' ? NUMBER : undefined),
    campaignOfWamid: () => undefined,
    isCampaignNumber: (id) => id === NUMBER,
    ...over,
  };
}

describe('send ids in biz_opaque_callback_data', () => {
  it('should read campaign, recipient, message and attempt from the right, whatever dots the campaign id holds', () => {
    expect(parseSendId('ramadan.2026.966501234567.m1~2.3')).toEqual({ campaignId: 'ramadan.2026', waId: '966501234567', messageKey: 'm1~2', attempt: 3 });
    fc.assert(fc.property(
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), fc.stringMatching(/^\d{5,15}$/), fc.stringMatching(/^m\d(~\d)?$/), fc.integer({ min: 1, max: 99 }),
      (campaignId, waId, messageKey, attempt) => {
        expect(parseSendId(`${campaignId}.${waId}.${messageKey}.${attempt}`)).toEqual({ campaignId, waId, messageKey, attempt });
      },
    ));
  });

  it('should refuse what is not one of ours', () => {
    for (const s of ['send-c1-000042', 'c1.966501234567.m1', 'c1.12.m1.1', 'c1.966501234567.m1.0', '.966501234567.m1.1']) expect(parseSendId(s), s).toBeUndefined();
  });
});

describe('status webhooks', () => {
  it('should go to the campaign named by the callback data, with the send id and the wamid', () => {
    const event = fixture('status-read', (t) => t.replace('send-c1-000042', 'summer.966501234567.m1.1'));
    const routed = routeWebhookEvent(event, context());
    expect(routed.signals).toEqual([{ campaignId: 'summer', signal: expect.objectContaining({ kind: 'status', status: 'read', sendId: 'summer.966501234567.m1.1', wamid: expect.stringMatching(/^wamid\./) }) }]);
  });

  it('should fall back to the wamid when there is no callback data of ours, and carry the errors', () => {
    const event = fixture('status-failed-131049');
    const routed = routeWebhookEvent(event, context({ campaignOfWamid: () => 'spring' }));
    expect(routed.signals).toEqual([{ campaignId: 'spring', signal: expect.objectContaining({ kind: 'status', status: 'failed', errors: [expect.objectContaining({ code: 131049 })] }) }]);
  });

  it('should route nothing for a message no campaign sent (another app on the account)', () => {
    const routed = routeWebhookEvent(fixture('status-sent'), context());
    expect(routed.signals).toEqual([]);
    expect(routed.unrouted).toMatch(/no campaign sent it/);
  });
});

describe('number, template and account webhooks', () => {
  it('should turn FLAGGED into a LOW rating and a FLAGGED status for every running campaign, plus the tier', () => {
    const routed = routeWebhookEvent(fixture('phone-number-quality-flagged'), context());
    const kinds = routed.signals.map((s) => `${s.campaignId}:${s.signal.kind}`);
    expect(kinds.filter((k) => k.startsWith('spring'))).toEqual(['spring:number-quality', 'spring:number-status', 'spring:number-tier']);
    expect(routed.signals[0]!.signal).toMatchObject({ numberId: NUMBER, quality: 'LOW' });
    expect(routed.numberChanges).toEqual([{ numberId: NUMBER, status: 'FLAGGED', quality: 'LOW' }, { numberId: NUMBER, tier: 'TIER_1K' }]);
    expect(routed.notices).toEqual([expect.objectContaining({ kind: 'number-alert', numberId: NUMBER, what: 'flagged' })]);
  });

  it('should ignore a quality update for a number that is not ours', () => {
    const routed = routeWebhookEvent(fixture('phone-number-quality-flagged'), context({ numberByDisplay: () => undefined }));
    expect(routed.signals).toEqual([]);
    expect(routed.unrouted).toBeDefined();
  });

  it('should tell every campaign a template was paused, with Meta\'s description', () => {
    const routed = routeWebhookEvent(fixture('message-template-status-update'), context());
    expect(routed.signals).toHaveLength(3);
    expect(routed.signals[0]!.signal).toMatchObject({ kind: 'template-status', template: 'order_update', status: 'PAUSED', detail: expect.stringContaining('paused for 3 hours') });
    expect(routed.templateChanges).toEqual([expect.objectContaining({ name: 'order_update', language: 'en_US', status: 'PAUSED' })]);
    expect(routed.notices).toEqual([expect.objectContaining({ kind: 'template-alert', what: 'paused' })]);
  });

  it('should pause the campaigns on a restricted number, and mark the number RESTRICTED', () => {
    const routed = routeWebhookEvent(fixture('account-update-restriction'), context());
    expect(routed.signals.map((s) => `${s.campaignId}:${s.signal.kind}`)).toEqual(['spring:account-restriction', 'summer:account-restriction', 'spring:number-status', 'summer:number-status']);
    expect(routed.signals[0]!.signal).toMatchObject({ detail: expect.stringContaining('RESTRICTED_BIZ_INITIATED_MESSAGING') });
    expect(routed.numberChanges).toEqual([{ numberId: NUMBER, status: 'RESTRICTED' }]);
  });

  it('should pause every campaign on a violation or a ban of the account, and nothing on other account news', () => {
    expect(routeWebhookEvent(fixture('account-update-violation'), context()).signals.map((s) => s.campaignId)).toEqual(['spring', 'summer']);
    const ban = routeWebhookEvent(fixture('account-update-disabled'), context());
    expect(ban.signals.map((s) => s.campaignId)).toEqual(['spring', 'summer', 'other']);
    expect(ban.signals[0]!.signal).toMatchObject({ kind: 'account-restriction', detail: expect.stringContaining('ban DISABLE') });
    const reinstated = fixture('account-update-disabled', (t) => t.replace('"DISABLE"', '"REINSTATE"'));
    expect(routeWebhookEvent(reinstated, context()).signals).toEqual([]);
  });
});

describe('messages from contacts', () => {
  it('should route a reply to the campaign whose message it answers', () => {
    const routed = routeWebhookEvent(fixture('message-text-reply'), context({ campaignOfWamid: () => 'spring' }));
    expect(routed.signals).toEqual([{ campaignId: 'spring', signal: expect.objectContaining({ kind: 'inbound', numberId: NUMBER, from: '966501234567', text: 'When will it arrive?', optOut: false }) }]);
  });

  it('should route a reply to no message of ours to the newest campaign sending from that number', () => {
    const routed = routeWebhookEvent(fixture('message-text-reply'), context());
    expect(routed.signals.map((s) => s.campaignId)).toEqual(['summer']);
  });

  it('should give an opt-out to every running campaign, the reply itself to one only', () => {
    const routed = routeWebhookEvent(fixture('message-stop-arabic'), context());
    expect(routed.signals.map((s) => [s.campaignId, (s.signal as { numberId: string }).numberId])).toEqual([['summer', NUMBER], ['spring', ''], ['other', '']]);
    expect(routed.signals.every((s) => s.signal.kind === 'inbound' && s.signal.optOut && s.signal.text === 'إيقاف')).toBe(true);
    expect(routed.contactChanges).toEqual([]);
  });

  it('should opt the person out in the store itself when no campaign is running', () => {
    const routed = routeWebhookEvent(fixture('message-stop-arabic'), context({ active: [] }));
    expect(routed.contactChanges).toEqual([expect.objectContaining({ waId: '966501234570', change: { kind: 'opt-out', via: 'keyword', text: 'إيقاف' } })]);
  });

  it('should route a reply that comes after its campaign ended to the main inbox, and leave the main number\'s own messages alone', () => {
    const late = routeWebhookEvent(fixture('message-text-reply'), context({ active: [] }));
    expect(late.notices).toEqual([expect.objectContaining({ kind: 'reply-routed', to: 'main', fromNumberId: NUMBER, contact: '966501234567', text: 'When will it arrive?' })]);
    const toMain = routeWebhookEvent(fixture('message-text-reply'), context({ active: [], isCampaignNumber: () => false }));
    expect(toMain.notices).toEqual([]);
    expect(toMain.unrouted).toMatch(/not a campaign number/);
  });

  it('should record a number change and an identity change on the contact', () => {
    expect(routeWebhookEvent(fixture('system-user-changed-number'), context()).contactChanges).toEqual([expect.objectContaining({ waId: '966501234567', change: { kind: 'identity-changed', newWaId: '966551234567' } })]);
    expect(routeWebhookEvent(fixture('system-user-identity-changed'), context()).contactChanges).toEqual([expect.objectContaining({ change: { kind: 'identity-changed' } })]);
  });
});

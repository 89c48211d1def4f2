/**
 * Where a webhook event goes: which running campaign's runner gets which signal, and what changes
 * in the store (numbers, templates, contacts). Pure: the service gives it what it knows (numbers
 * by display, campaigns by message id) and carries out the answer.
 *
 * A status names its send by `biz_opaque_callback_data`, the ledger's send id
 * `<campaignId>.<waId>.<messageKey>.<attempt>`, which Meta echoes on every status webhook; a status
 * without it is matched by its wamid.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
import type { ContactChange } from '../store/store.ts';
import type { NumberStatus } from '../../core/phone-number.ts';
import type { QualityRating } from '../../core/quality.ts';
import type { Notice } from '../../core/runner-ports.ts';
import type { RunnerSignal } from '../../core/runner-signal.ts';
import type { TierName } from '../../core/tier.ts';
import type { AccountUpdateEvent, InboundMessageEvent, NumberQualityEvent, TemplateStatusEvent, WebhookEvent } from '../../core/webhook-event.ts';

export interface SendIdParts { readonly campaignId: string; readonly waId: string; readonly messageKey: string; readonly attempt: number }

/** Read from the right: campaign ids may hold dots, wa_ids, message keys and attempts do not. */
export function parseSendId(sendId: string): SendIdParts | undefined {
  const parts = sendId.split('.');
  if (parts.length < 4) return undefined;
  const attempt = Number(parts.pop());
  const messageKey = parts.pop()!;
  const waId = parts.pop()!;
  const campaignId = parts.join('.');
  if (!Number.isSafeInteger(attempt) || attempt < 1 || !/^\d{5,15}$/.test(waId) || messageKey === '' || campaignId === '') return undefined;
  return { campaignId, waId, messageKey, attempt };
}

export interface ActiveCampaign {
  readonly id: string;
  /** The numbers it sends from. */
  readonly numbers: readonly string[];
}

export interface RoutingContext {
  /** Running or paused campaigns that have a runner, oldest first. */
  readonly active: readonly ActiveCampaign[];
  /** A number id from the digits of its display number (quality and account webhooks name no id). */
  numberByDisplay(digits: string): string | undefined;
  /** The campaign that sent this message, when no callback data says so. */
  campaignOfWamid(wamid: string): string | undefined;
  /** True for our campaign numbers (not the main number, not someone else's). */
  isCampaignNumber(numberId: string): boolean;
}

export interface NumberChange { readonly numberId: string; readonly status?: NumberStatus; readonly quality?: QualityRating; readonly tier?: TierName }

export interface TemplateChange {
  readonly name: string;
  readonly language?: string;
  readonly status?: string;
  readonly quality?: QualityRating;
  readonly previousQuality?: QualityRating;
  readonly detail?: string;
}

export interface Routed {
  readonly signals: { readonly campaignId: string; readonly signal: RunnerSignal }[];
  /** Changes the service applies itself; a runner that got the event applies its own. */
  readonly contactChanges: ContactChange[];
  readonly numberChanges: NumberChange[];
  readonly templateChanges: TemplateChange[];
  readonly notices: Notice[];
  /** Why nothing took the event (another app's message, an unknown number), for the log. */
  readonly unrouted?: string;
}

const empty = (): Routed => ({ signals: [], contactChanges: [], numberChanges: [], templateChanges: [], notices: [] });
const toAll = (ctx: RoutingContext, signal: RunnerSignal) => ctx.active.map((c) => ({ campaignId: c.id, signal }));

export function routeWebhookEvent(event: WebhookEvent, ctx: RoutingContext): Routed {
  switch (event.kind) {
    case 'status': {
      const campaignId = (event.callbackData !== undefined ? parseSendId(event.callbackData)?.campaignId : undefined) ?? ctx.campaignOfWamid(event.wamid);
      if (campaignId === undefined) return { ...empty(), unrouted: `status ${event.status} for ${event.wamid}: no campaign sent it` };
      const signal: RunnerSignal = {
        kind: 'status', at: event.at, wamid: event.wamid, status: event.status,
        ...(event.callbackData !== undefined ? { sendId: event.callbackData } : {}), ...(event.errors.length ? { errors: event.errors } : {}),
      };
      return { ...empty(), signals: [{ campaignId, signal }] };
    }
    case 'message':
      return inbound(event, ctx);
    case 'user-changed-number':
      return { ...empty(), contactChanges: [{ waId: event.from, at: event.at, change: { kind: 'identity-changed', newWaId: event.newWaId } }] };
    case 'user-identity-changed':
      return { ...empty(), contactChanges: [{ waId: event.from, at: event.at, change: { kind: 'identity-changed' } }] };
    case 'number-quality':
      return numberQuality(event, ctx);
    case 'template-status':
      return templateStatus(event, ctx);
    case 'template-quality': {
      if (event.name === undefined) return { ...empty(), unrouted: `template quality for id ${event.templateId ?? '?'} without a name` };
      const change: TemplateChange = {
        name: event.name, quality: event.newQuality, ...(event.language !== undefined ? { language: event.language } : {}),
        ...(event.previousQuality !== undefined ? { previousQuality: event.previousQuality } : {}),
      };
      const notices: Notice[] = event.newQuality === 'LOW'
        ? [{ kind: 'template-alert', at: event.at, template: event.name, what: 'quality-low', detail: `template ${event.name} quality fell to LOW: Meta pauses it if it stays there` }]
        : [];
      return { ...empty(), templateChanges: [change], notices };
    }
    case 'account-update':
      return accountUpdate(event, ctx);
  }
}

/**
 * A reply goes to the campaign whose message it answers, else to the newest campaign sending from
 * that number: that runner routes it to the main inbox once. An opt-out reaches every running
 * campaign, so none of them sends to that person again; the others get it without the number, so
 * the reply is not routed twice. A reply to a campaign number that no running campaign sends from
 * (people answer hours after a campaign ended) is routed to the main inbox here.
 */
function inbound(event: InboundMessageEvent, ctx: RoutingContext): Routed {
  const text = event.text ?? event.payload ?? `(${event.type})`;
  const byReply = event.replyTo !== undefined ? ctx.campaignOfWamid(event.replyTo) : undefined;
  const owner = ctx.active.find((c) => c.id === byReply)?.id ?? [...ctx.active].reverse().find((c) => c.numbers.includes(event.phoneNumberId))?.id;
  const signal = (numberId: string): RunnerSignal => ({ kind: 'inbound', at: event.at, numberId, from: event.from, text, optOut: event.optOut });
  const signals = owner !== undefined ? [{ campaignId: owner, signal: signal(event.phoneNumberId) }] : [];
  if (event.optOut) for (const c of ctx.active) if (c.id !== owner) signals.push({ campaignId: c.id, signal: signal('') });
  if (signals.length > 0) return { ...empty(), signals };
  const routed = ctx.isCampaignNumber(event.phoneNumberId);
  return {
    ...empty(),
    contactChanges: event.optOut ? [{ waId: event.from, at: event.at, change: { kind: 'opt-out', via: 'keyword', text } }] : [],
    notices: routed ? [{ kind: 'reply-routed', at: event.at, fromNumberId: event.phoneNumberId, to: 'main', contact: event.from, text }] : [],
    unrouted: event.optOut || routed ? undefined : `message from ${event.from} to ${event.phoneNumberId}: not a campaign number (the main inbox has it)`,
  };
}

/** phone_number_quality_update: FLAGGED means quality LOW (DOMAIN §1); a limit change moves the tier. */
function numberQuality(event: NumberQualityEvent, ctx: RoutingContext): Routed {
  const numberId = ctx.numberByDisplay(event.displayPhoneNumber.replace(/\D/g, ''));
  if (numberId === undefined) return { ...empty(), unrouted: `quality update for ${event.displayPhoneNumber}: not one of our numbers` };
  const out = empty();
  if (event.event === 'FLAGGED') {
    out.signals.push(...toAll(ctx, { kind: 'number-quality', at: event.at, numberId, quality: 'LOW' }), ...toAll(ctx, { kind: 'number-status', at: event.at, numberId, status: 'FLAGGED' }));
    out.numberChanges.push({ numberId, status: 'FLAGGED', quality: 'LOW' });
    out.notices.push({ kind: 'number-alert', at: event.at, numberId, what: 'flagged', detail: `number ${numberId} is FLAGGED (quality LOW): it drops one tier unless quality recovers within 7 days` });
  } else if (event.event === 'UNFLAGGED') {
    out.signals.push(...toAll(ctx, { kind: 'number-status', at: event.at, numberId, status: 'CONNECTED' }));
    out.numberChanges.push({ numberId, status: 'CONNECTED' });
  }
  if (event.currentLimit !== undefined) {
    out.signals.push(...toAll(ctx, { kind: 'number-tier', at: event.at, numberId, tier: event.currentLimit }));
    out.numberChanges.push({ numberId, tier: event.currentLimit });
    if (event.event === 'DOWNGRADE') out.notices.push({ kind: 'number-alert', at: event.at, numberId, what: 'downgraded', detail: `number ${numberId} was downgraded to ${event.currentLimit}` });
  }
  return out;
}

const TEMPLATE_ALERTS = new Set(['PAUSED', 'DISABLED', 'REJECTED', 'FLAGGED']);

function templateStatus(event: TemplateStatusEvent, ctx: RoutingContext): Routed {
  if (event.name === undefined) return { ...empty(), unrouted: `template ${event.templateId ?? '?'} ${event.event} without a name` };
  // Meta sends reason "NONE" with a pause; its description then says what happened and for how long.
  const detail = (event.reason !== undefined && event.reason !== 'NONE' ? event.reason : undefined) ?? event.detail?.description ?? event.detail?.title;
  const signal: RunnerSignal = { kind: 'template-status', at: event.at, template: event.name, status: event.event, ...(detail !== undefined ? { detail } : {}) };
  return {
    ...empty(),
    signals: toAll(ctx, signal),
    templateChanges: [{ name: event.name, status: event.event, ...(event.language !== undefined ? { language: event.language } : {}), ...(detail !== undefined ? { detail } : {}) }],
    notices: TEMPLATE_ALERTS.has(event.event) ? [{ kind: 'template-alert', at: event.at, template: event.name, what: event.event.toLowerCase(), detail: `template ${event.name} is ${event.event}${detail ? `: ${detail}` : ''}` }] : [],
  };
}

/**
 * account_update: a restriction, a violation or a ban (scheduled or done) pauses the campaigns that
 * send from the number it names, or every campaign when it names none. A reinstatement only informs.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_update
 */
function accountUpdate(event: AccountUpdateEvent, ctx: RoutingContext): Routed {
  const banned = event.banState !== undefined && /DISABLE/.test(event.banState);
  const harmful = event.restrictions.length > 0 || banned || event.event === 'ACCOUNT_RESTRICTION' || event.event === 'ACCOUNT_VIOLATION';
  if (!harmful) return empty();
  const numberId = event.phoneNumber !== undefined ? ctx.numberByDisplay(event.phoneNumber.replace(/\D/g, '')) : undefined;
  const what = [
    event.event,
    ...event.restrictions.map((r) => `${r.type}${r.expiresAt !== undefined ? ` until ${new Date(r.expiresAt).toISOString()}` : ''}`),
    ...(event.violationType !== undefined ? [`violation ${event.violationType}`] : []),
    ...(event.banState !== undefined ? [`ban ${event.banState}`] : []),
  ].join(', ');
  const detail = `account update for ${numberId !== undefined ? `number ${numberId}` : 'the business account'}: ${what}`;
  const targets = numberId !== undefined ? ctx.active.filter((c) => c.numbers.includes(numberId)) : ctx.active;
  const out = empty();
  out.signals.push(...targets.map((c) => ({ campaignId: c.id, signal: { kind: 'account-restriction', at: event.at, detail } as RunnerSignal })));
  const status: NumberStatus | undefined = banned ? 'BANNED' : event.restrictions.length > 0 ? 'RESTRICTED' : undefined;
  if (numberId !== undefined && status !== undefined) {
    out.signals.push(...targets.map((c) => ({ campaignId: c.id, signal: { kind: 'number-status', at: event.at, numberId, status } as RunnerSignal })));
    out.numberChanges.push({ numberId, status });
  }
  out.notices.push({ kind: 'number-alert', at: event.at, numberId: numberId ?? '', what: event.event.toLowerCase(), detail });
  return out;
}

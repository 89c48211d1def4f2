/**
 * Turn a WhatsApp Business Account webhook payload into core events. Unknown fields are ignored,
 * unknown change fields and malformed updates are skipped and reported in `problems`; nothing here
 * throws, because a webhook that cannot be read must still be answered (Meta would otherwise retry
 * it for days) and one bad update must not hide the 999 good ones delivered with it.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
import { describe } from './errors.ts';
import { parseDeliveryStatus } from './message-status.ts';
import { parseStatusErrors } from './meta-error.ts';
import { isOptOutMessage } from './opt-out-keywords.ts';
import { parseQuality, type QualityRating } from './quality.ts';
import { TEMPLATE_STATUSES, type TemplateStatus } from './template.ts';
import { parseTier, type TierName } from './tier.ts';
import type { Instant } from './time.ts';
import type { AccountRestriction, ParsedWebhook, StatusPricing, WebhookEvent } from './webhook-event.ts';

export interface ParseWebhookOptions {
  /** When the delivery arrived: the time of last resort for an update that carries none. */
  readonly receivedAt?: Instant;
}

type Obj = Record<string, unknown>;
interface Ctx {
  readonly wabaId: string;
  readonly entryTime?: Instant;
  readonly receivedAt?: Instant;
  readonly events: WebhookEvent[];
  readonly problems: string[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** Ids come as strings, but some (template ids, entry ids) as JSON numbers. */
const id = (v: unknown): string | undefined => str(v) ?? (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined);

/** Unix seconds (string or number) to milliseconds; values already in milliseconds are kept. */
function instant(v: unknown): Instant | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return n >= 1e12 ? n : n * 1000;
}

/** FNV-1a: a short stable digest so identical copies of an update share a key. */
function digest(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function tier(v: unknown): TierName | undefined {
  try {
    return v === undefined || v === null || v === '' ? undefined : parseTier(v);
  } catch {
    return undefined; // TIER_NOT_SET and tiers newer than this code are not limits we can count.
  }
}

function quality(v: unknown): QualityRating | undefined {
  try {
    return parseQuality(v);
  } catch {
    return undefined;
  }
}

export function parseWebhookPayload(body: unknown, options: ParseWebhookOptions = {}): ParsedWebhook {
  const events: WebhookEvent[] = [];
  const problems: string[] = [];
  if (!isObj(body)) return { events, problems: [`payload: got ${describe(body)}, expected { object: "whatsapp_business_account", entry: [...] }`] };
  if (body.object !== 'whatsapp_business_account') {
    return { events, problems: [`object: got ${describe(body.object)}, expected "whatsapp_business_account"`] };
  }
  if (!Array.isArray(body.entry)) return { events, problems: [`entry: got ${describe(body.entry)}, expected an array`] };
  body.entry.forEach((entry: unknown, i) => {
    const at = `entry[${i}]`;
    const wabaId = isObj(entry) ? id(entry.id) : undefined;
    if (!isObj(entry) || wabaId === undefined) return void problems.push(`${at}: expected { id: "<WABA id>", changes: [...] }, skipped`);
    if (!Array.isArray(entry.changes)) return void problems.push(`${at}.changes: got ${describe(entry.changes)}, expected an array, skipped`);
    const entryTime = instant(entry.time);
    const ctx: Ctx = { wabaId, events, problems, ...(entryTime !== undefined && { entryTime }), ...(options.receivedAt !== undefined && { receivedAt: options.receivedAt }) };
    entry.changes.forEach((change: unknown, j) => {
      const path = `${at}.changes[${j}]`;
      if (!isObj(change) || !isObj(change.value)) return void problems.push(`${path}: expected { field, value: {...} }, skipped`);
      const reader = READERS[String(change.field)];
      if (!reader) return void problems.push(`${path}: field ${describe(change.field)} is not one this tool reads, skipped`);
      reader(change.value, path, ctx);
    });
  });
  return { events, problems };
}

const READERS: Readonly<Record<string, (value: Obj, path: string, ctx: Ctx) => void>> = {
  messages: readMessages,
  phone_number_quality_update: readNumberQuality,
  message_template_status_update: readTemplateStatus,
  message_template_quality_update: readTemplateQuality,
  account_update: readAccountUpdate,
};

/** The update's own time, else the entry's, else arrival; undefined (and a problem) when none. */
function when(own: unknown, path: string, ctx: Ctx): Instant | undefined {
  const at = instant(own) ?? ctx.entryTime ?? ctx.receivedAt;
  if (at === undefined) ctx.problems.push(`${path}: no timestamp (and no entry time or arrival time), skipped`);
  return at;
}

/** Account-level updates have no id of their own: the entry time and a digest of the value tell copies apart from new updates. */
function accountKey(kind: string, parts: readonly (string | undefined)[], value: Obj, ctx: Ctx): string {
  return [kind, ctx.wabaId, ...parts.map((p) => p ?? ''), ctx.entryTime ?? '', digest(value)].join(':');
}

function readMessages(value: Obj, path: string, ctx: Ctx): void {
  const meta = isObj(value.metadata) ? value.metadata : {};
  const phoneNumberId = id(meta.phone_number_id);
  if (phoneNumberId === undefined) return void ctx.problems.push(`${path}.value.metadata.phone_number_id: got ${describe(meta.phone_number_id)}, expected the business number's id, skipped`);
  const display = id(meta.display_phone_number);
  const scope = { wabaId: ctx.wabaId, phoneNumberId, ...(display !== undefined && { displayPhoneNumber: display }) };
  if (value.statuses !== undefined && !Array.isArray(value.statuses)) ctx.problems.push(`${path}.value.statuses: got ${describe(value.statuses)}, expected an array`);
  if (value.messages !== undefined && !Array.isArray(value.messages)) ctx.problems.push(`${path}.value.messages: got ${describe(value.messages)}, expected an array`);
  const statuses: unknown[] = Array.isArray(value.statuses) ? value.statuses : [];
  const messages: unknown[] = Array.isArray(value.messages) ? value.messages : [];
  const contacts: unknown[] = Array.isArray(value.contacts) ? value.contacts : [];
  statuses.forEach((s, k) => readStatus(s, `${path}.value.statuses[${k}]`, scope, ctx));
  messages.forEach((m, k) => readMessage(m, `${path}.value.messages[${k}]`, scope, contacts, ctx));
}

type Scope = { readonly wabaId: string; readonly phoneNumberId: string; readonly displayPhoneNumber?: string };

function readStatus(s: unknown, path: string, scope: Scope, ctx: Ctx): void {
  if (!isObj(s)) return void ctx.problems.push(`${path}: got ${describe(s)}, expected a status object, skipped`);
  const wamid = str(s.id);
  const recipientId = id(s.recipient_id);
  if (wamid === undefined || recipientId === undefined) return void ctx.problems.push(`${path}: expected an id and a recipient_id, skipped`);
  let status;
  try {
    status = parseDeliveryStatus(s.status);
  } catch (error) {
    return void ctx.problems.push(`${path}.status: ${(error as Error).message}, skipped`);
  }
  const at = when(s.timestamp, path, ctx);
  if (at === undefined) return;
  const callbackData = str(s.biz_opaque_callback_data);
  const pricing = readPricing(s.pricing);
  ctx.events.push({
    kind: 'status', dedupeKey: `status:${wamid}:${status}`, ...scope, at, wamid, status, recipientId,
    ...(callbackData !== undefined && { callbackData }), ...(pricing && { pricing }), errors: parseStatusErrors(s.errors),
  });
}

function readPricing(p: unknown): StatusPricing | undefined {
  if (!isObj(p)) return undefined;
  const category = str(p.category);
  const type = str(p.type);
  const pricingModel = str(p.pricing_model);
  return {
    ...(typeof p.billable === 'boolean' && { billable: p.billable }),
    ...(category !== undefined && { category }), ...(type !== undefined && { type }), ...(pricingModel !== undefined && { pricingModel }),
  };
}

function readMessage(m: unknown, path: string, scope: Scope, contacts: readonly unknown[], ctx: Ctx): void {
  if (!isObj(m)) return void ctx.problems.push(`${path}: got ${describe(m)}, expected a message object, skipped`);
  const messageId = str(m.id);
  const from = id(m.from);
  const type = str(m.type);
  if (messageId === undefined || from === undefined || type === undefined) return void ctx.problems.push(`${path}: expected id, from and type, skipped`);
  const at = when(m.timestamp, path, ctx);
  if (at === undefined) return;
  const base = { dedupeKey: `message:${messageId}`, ...scope, at, messageId, from };
  if (type === 'system') return readSystem(isObj(m.system) ? m.system : {}, path, base, ctx);
  const { text, payload } = readContent(type, m);
  const contact = contacts.find((c) => isObj(c) && id(c.wa_id) === from) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const contactName = isObj(contact) && isObj(contact.profile) ? str(contact.profile.name) : undefined;
  const replyTo = isObj(m.context) ? str(m.context.id) : undefined;
  ctx.events.push({
    kind: 'message', ...base, type,
    ...(contactName !== undefined && { contactName }), ...(text !== undefined && { text }),
    ...(payload !== undefined && { payload }), ...(replyTo !== undefined && { replyTo }),
    optOut: isOptOutMessage(text),
  });
}

function readContent(type: string, m: Obj): { text?: string; payload?: string } {
  if (type === 'text') return { text: isObj(m.text) ? str(m.text.body) : undefined };
  if (type === 'button' && isObj(m.button)) return { text: str(m.button.text), payload: str(m.button.payload) };
  if (type === 'interactive' && isObj(m.interactive)) {
    const reply = [m.interactive.button_reply, m.interactive.list_reply].find(isObj);
    return reply ? { text: str(reply.title), payload: str(reply.id) } : {};
  }
  return {};
}

type MessageBase = Scope & { readonly dedupeKey: string; readonly at: Instant; readonly messageId: string; readonly from: string };

/** Meta's older names were customer_changed_number and customer_identity_changed. */
function readSystem(sys: Obj, path: string, base: MessageBase, ctx: Ctx): void {
  const kind = str(sys.type);
  const body = str(sys.body);
  if (kind === 'user_changed_number' || kind === 'customer_changed_number') {
    const newWaId = id(sys.new_wa_id) ?? id(sys.wa_id);
    if (newWaId === undefined) return void ctx.problems.push(`${path}.system: a changed number without new_wa_id, skipped`);
    return void ctx.events.push({ kind: 'user-changed-number', ...base, newWaId, ...(body !== undefined && { body }) });
  }
  if (kind === 'user_identity_changed' || kind === 'customer_identity_changed') {
    const identityHash = str(sys.identity);
    return void ctx.events.push({ kind: 'user-identity-changed', ...base, ...(identityHash !== undefined && { identityHash }), ...(body !== undefined && { body }) });
  }
  ctx.problems.push(`${path}.system.type: got ${describe(sys.type)}, expected user_changed_number or user_identity_changed, skipped`);
}

function readNumberQuality(value: Obj, path: string, ctx: Ctx): void {
  const display = id(value.display_phone_number);
  const event = str(value.event);
  if (display === undefined || event === undefined) return void ctx.problems.push(`${path}.value: expected display_phone_number and event, skipped`);
  const at = when(undefined, path, ctx);
  if (at === undefined) return;
  // max_daily_conversations_per_business replaces current_limit (removed February 2026).
  const currentLimit = tier(value.max_daily_conversations_per_business) ?? tier(value.current_limit);
  const oldLimit = tier(value.old_limit);
  ctx.events.push({
    kind: 'number-quality', dedupeKey: accountKey('number-quality', [display, event], value, ctx), wabaId: ctx.wabaId, at,
    displayPhoneNumber: display, event, ...(currentLimit && { currentLimit }), ...(oldLimit && { oldLimit }),
  });
}

function templateRef(value: Obj): { templateId?: string; name?: string; language?: string } {
  const templateId = id(value.message_template_id);
  const name = str(value.message_template_name);
  const language = str(value.message_template_language);
  return { ...(templateId !== undefined && { templateId }), ...(name !== undefined && { name }), ...(language !== undefined && { language }) };
}

function readTemplateStatus(value: Obj, path: string, ctx: Ctx): void {
  const event = str(value.event);
  if (event === undefined) return void ctx.problems.push(`${path}.value.event: got ${describe(value.event)}, expected a template event like "PAUSED", skipped`);
  const at = when(undefined, path, ctx);
  if (at === undefined) return;
  const ref = templateRef(value);
  const status = (TEMPLATE_STATUSES as readonly string[]).includes(event) ? (event as TemplateStatus) : undefined;
  const reason = str(value.reason);
  const info = isObj(value.other_info) ? value.other_info : undefined;
  const title = info ? str(info.title) : undefined;
  const description = info ? str(info.description) : undefined;
  ctx.events.push({
    kind: 'template-status', dedupeKey: accountKey('template-status', [ref.templateId ?? ref.name, event], value, ctx), wabaId: ctx.wabaId, at,
    ...ref, event, ...(status && { status }), ...(reason !== undefined && { reason }),
    ...(info && { detail: { ...(title !== undefined && { title }), ...(description !== undefined && { description }) } }),
  });
}

function readTemplateQuality(value: Obj, path: string, ctx: Ctx): void {
  const newQuality = quality(value.new_quality_score);
  if (newQuality === undefined) return void ctx.problems.push(`${path}.value.new_quality_score: got ${describe(value.new_quality_score)}, expected GREEN, YELLOW, RED or UNKNOWN, skipped`);
  const at = when(undefined, path, ctx);
  if (at === undefined) return;
  const ref = templateRef(value);
  const previousQuality = quality(value.previous_quality_score);
  ctx.events.push({
    kind: 'template-quality', dedupeKey: accountKey('template-quality', [ref.templateId ?? ref.name, newQuality], value, ctx), wabaId: ctx.wabaId, at,
    ...ref, ...(previousQuality && { previousQuality }), newQuality,
  });
}

function readAccountUpdate(value: Obj, path: string, ctx: Ctx): void {
  const event = str(value.event);
  if (event === undefined) return void ctx.problems.push(`${path}.value.event: got ${describe(value.event)}, expected an account event like "ACCOUNT_RESTRICTION", skipped`);
  const at = when(undefined, path, ctx);
  if (at === undefined) return;
  const phoneNumber = id(value.phone_number);
  const violationType = isObj(value.violation_info) ? str(value.violation_info.violation_type) : undefined;
  const restrictions: AccountRestriction[] = [];
  const list: unknown[] = Array.isArray(value.restriction_info) ? value.restriction_info : [];
  list.forEach((r, k) => {
    const type = isObj(r) ? str(r.restriction_type) : undefined;
    if (!isObj(r) || type === undefined) return void ctx.problems.push(`${path}.value.restriction_info[${k}]: expected { restriction_type, expiration }, skipped`);
    const expiresAt = instant(r.expiration);
    restrictions.push({ type, ...(expiresAt !== undefined && { expiresAt }) });
  });
  const ban = isObj(value.ban_info) ? value.ban_info : {};
  const state = Array.isArray(ban.waba_ban_state) ? ban.waba_ban_state.filter((s) => typeof s === 'string').join(',') : ban.waba_ban_state;
  const banState = str(state);
  const banDate = str(ban.waba_ban_date);
  ctx.events.push({
    kind: 'account-update', dedupeKey: accountKey('account-update', [event], value, ctx), wabaId: ctx.wabaId, at, event,
    ...(phoneNumber !== undefined && { phoneNumber }), ...(violationType !== undefined && { violationType }), restrictions,
    ...(banState !== undefined && { banState }), ...(banDate !== undefined && { banDate }),
  });
}

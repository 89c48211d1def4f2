/**
 * The read routes: a number's state, the WABA's numbers, the WABA's templates (with cursor paging).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-account/template-api
 */
import { qualityToApi } from '../../../core/quality.ts';
import type { GraphError } from '../graph-error.ts';
import type { NumberSnapshot } from '../world.ts';
import type { SandboxContext } from './context.ts';

export type ReadAnswer = { readonly status: number; readonly body: unknown };

/** The fields Meta returns when none are asked for. */
const DEFAULT_NUMBER_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];
/** Meta's `throughput.level`: STANDARD is 80 msg/s, HIGH the 1,000 msg/s upgrade.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput */
const HIGH_THROUGHPUT_MPS = 1000;
/** Graph pages hold 25 items unless `limit` says otherwise; the sandbox caps `limit` at 1,000. */
const DEFAULT_PAGE = 25;
const MAX_PAGE = 1000;

type Field = (n: NumberSnapshot) => unknown;

const NUMBER_FIELDS: Readonly<Record<string, Field>> = {
  id: (n) => n.id,
  display_phone_number: (n) => n.display,
  verified_name: (n) => n.verifiedName,
  status: (n) => n.status,
  quality_rating: (n) => qualityToApi(n.quality),
  quality_score: (n) => ({ score: qualityToApi(n.quality) }),
  messaging_limit_tier: (n) => n.tier,
  whatsapp_business_manager_messaging_limit: (n) => n.tier,
  throughput: (n) => ({ level: n.throughputMps >= HIGH_THROUGHPUT_MPS ? 'HIGH' : 'STANDARD' }),
  code_verification_status: () => 'VERIFIED',
  name_status: () => 'APPROVED',
  platform_type: () => 'CLOUD_API',
  account_mode: () => 'LIVE',
  is_official_business_account: () => false,
  health_status: (n) => ({
    can_send_message: n.status === 'BANNED' ? 'BLOCKED' : n.status === 'CONNECTED' ? 'AVAILABLE' : 'LIMITED',
    entities: [{ entity_type: 'PHONE_NUMBER', id: n.id, can_send_message: n.status === 'BANNED' ? 'BLOCKED' : n.status === 'CONNECTED' ? 'AVAILABLE' : 'LIMITED' }],
  }),
};

function fieldsOf(query: URLSearchParams, defaults: readonly string[]): string[] {
  const raw = query.get('fields');
  if (raw === null || raw.trim() === '') return [...defaults];
  return [...new Set(raw.split(',').map((f) => f.trim()).filter((f) => f !== ''))];
}

function numberObject(ctx: SandboxContext, n: NumberSnapshot, fields: readonly string[]): { ok: true; value: Record<string, unknown> } | { ok: false; error: GraphError } {
  const unknown = fields.find((f) => !(f in NUMBER_FIELDS));
  if (unknown !== undefined) return { ok: false, error: ctx.errors.meta(100, `Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)`, `Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)`) };
  const value: Record<string, unknown> = {};
  for (const f of fields) value[f] = NUMBER_FIELDS[f]!(n);
  value.id = n.id;
  return { ok: true, value };
}

export function readNumber(ctx: SandboxContext, id: string, query: URLSearchParams): ReadAnswer {
  const n = ctx.world.number(id);
  if (!n) return asAnswer(ctx.errors.unknownObject(id));
  const r = numberObject(ctx, n, fieldsOf(query, DEFAULT_NUMBER_FIELDS));
  return r.ok ? { status: 200, body: r.value } : asAnswer(r.error);
}

export function readPhoneNumbers(ctx: SandboxContext, query: URLSearchParams): ReadAnswer {
  const fields = fieldsOf(query, DEFAULT_NUMBER_FIELDS);
  const data: Record<string, unknown>[] = [];
  for (const n of ctx.world.numbers()) {
    const r = numberObject(ctx, n, fields);
    if (!r.ok) return asAnswer(r.error);
    data.push(r.value);
  }
  return { status: 200, body: { data, paging: { cursors: { before: cursor(0), after: cursor(Math.max(0, data.length - 1)) } } } };
}

export function readTemplates(ctx: SandboxContext, query: URLSearchParams, selfUrl: string): ReadAnswer {
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? DEFAULT_PAGE : Number(limitRaw);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE)) return asAnswer(ctx.errors.meta(100, `Param limit must be an integer from 1 to ${MAX_PAGE}; got "${limitRaw}".`));
  const name = query.get('name');
  const status = query.get('status')?.toUpperCase();
  const language = query.get('language');
  const category = query.get('category')?.toUpperCase();
  const all = ctx.catalog.all().filter((e) => (name === null || e.def.name.includes(name))
    && (status === undefined || e.state.status === status)
    && (language === null || e.def.language === language)
    && (category === undefined || e.def.category === category));
  const after = query.get('after');
  const before = query.get('before');
  const from = after !== null ? decode(after) + 1 : before !== null ? Math.max(0, decode(before) - limit) : 0;
  if (Number.isNaN(from)) return asAnswer(ctx.errors.meta(100, 'Param after/before is not a valid cursor.'));
  const page = all.slice(from, from + limit);
  const body: Record<string, unknown> = { data: page.map((e) => ctx.catalog.toJson(e)) };
  if (page.length > 0) {
    const paging: Record<string, unknown> = { cursors: { before: cursor(from), after: cursor(from + page.length - 1) } };
    if (from + page.length < all.length) {
      const next = new URL(selfUrl);
      next.searchParams.delete('before');
      next.searchParams.set('after', cursor(from + page.length - 1));
      next.searchParams.set('limit', String(limit));
      paging.next = next.toString();
    }
    if (from > 0) {
      const previous = new URL(selfUrl);
      previous.searchParams.delete('after');
      previous.searchParams.set('before', cursor(from));
      paging.previous = previous.toString();
    }
    body.paging = paging;
  }
  return { status: 200, body };
}

export function readWaba(ctx: SandboxContext): ReadAnswer {
  return { status: 200, body: { id: ctx.options.wabaId, name: 'Sandbox WhatsApp Business Account', currency: 'USD', timezone_id: '1', message_template_namespace: `sandbox_${ctx.options.wabaId}` } };
}

function asAnswer(e: GraphError): ReadAnswer {
  return { status: e.status, body: e.body };
}

/** Opaque to clients, like Meta's: base64 of the position. */
function cursor(i: number): string {
  return Buffer.from(`pos:${i}`).toString('base64url');
}

function decode(c: string): number {
  const m = /^pos:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

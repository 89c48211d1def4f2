/**
 * Check a template send against the template's definition before it goes out, and report every
 * problem with its path and the code Meta would answer, so a campaign is fixed before it starts
 * rather than failing message by message. Codes (DOMAIN §6: all "fix the payload, do not retry"):
 *   132001 template missing, not in that language, or not approved. Meta documents 132001 as "the
 *          template does not exist in the specified language or has not been approved", so
 *          PENDING, REJECTED, IN_APPEAL, PENDING_DELETION, DELETED and LIMIT_EXCEEDED get it too.
 *   132000 parameter count mismatch (header, body, buttons; also a missing or extra component).
 *   132012 parameter of the wrong type or format (image for a LOCATION header, bad currency, …).
 *   132005 body text too long once filled in (over 1024 characters).
 *   132015 template paused; 132016 template disabled.
 *   100    malformed request, and the legacy authentication-template rule below.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
import { CoreError, describe } from './errors.ts';
import type { ButtonType, TemplateDefinition } from './template.ts';
import type {
  BodyParameter, ButtonComponent, HeaderParameter, TemplateComponent, TemplateMessage, TextParameter,
} from './template-message.ts';

export type TemplateMetaCode = 100 | 132000 | 132001 | 132005 | 132012 | 132015 | 132016;

export interface TemplateProblem {
  /** Where in the `template` object, like `template.components[1].parameters[0].currency.code`. */
  readonly path: string;
  /** What is wrong and what is expected. */
  readonly message: string;
  readonly metaCode: TemplateMetaCode;
}

export type TemplateSendCheck =
  | { readonly ok: true; readonly message: TemplateMessage }
  | { readonly ok: false; readonly problems: readonly TemplateProblem[] };

type Obj = Record<string, unknown>;
type Add = (path: string, message: string, metaCode: TemplateMetaCode) => void;
interface Found { readonly at: string; readonly params: readonly unknown[] }
interface FoundButton extends Found { readonly index: number; readonly subType: string }
interface Ctx { readonly add: Add; readonly values: { path: string; value: string }[] }

/** Meta's body text limit, applied to the text with its parameters filled in. */
const MAX_BODY_CHARS = 1024;
/**
 * Authentication templates without a one-time-password button (legacy) fail with 100 when a
 * variable is over 15 characters or holds a URL or emoji (seed 004). One-time passwords and coupon
 * codes are limited to 15 characters as well.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/authentication-templates
 */
const MAX_CODE_CHARS = 15;
const URL_RE = /\bhttps?:\/\/|\bwww\.|\b[a-z0-9-]+\.(?:com|net|org|io|ly|me|co|app|link|info|biz|gl)\b/i;
const EMOJI_RE = /\p{Extended_Pictographic}/u;
/** Active ISO 4217 currency codes (precious metals and test codes left out). */
const ISO_4217 = new Set(('AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD '
  + 'CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF '
  + 'GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL '
  + 'MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF '
  + 'SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW '
  + 'UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL').split(' '));
const SUB_TYPE: Readonly<Record<ButtonType, string | undefined>> = { QUICK_REPLY: 'quick_reply', URL: 'url', OTP: 'url', COPY_CODE: 'copy_code', PHONE_NUMBER: undefined };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

/**
 * Validate the `template` object of a send against its definition (`undefined` when no template
 * of that name and language exists). On success the message comes back in canonical form:
 * lowercase types and sub-types, string button indexes.
 */
export function validateTemplateSend(def: TemplateDefinition | undefined, msg: unknown): TemplateSendCheck {
  const problems: TemplateProblem[] = [];
  const ctx: Ctx = { add: (path, message, metaCode) => void problems.push({ path, message, metaCode }), values: [] };
  if (!isObj(msg)) {
    ctx.add('template', `got ${describe(msg)}, expected { name, language: { code }, components }`, 100);
    return { ok: false, problems };
  }
  const name = typeof msg.name === 'string' && msg.name !== '' ? msg.name : undefined;
  if (name === undefined) ctx.add('template.name', `got ${describe(msg.name)}, expected the template name`, 100);
  const language = isObj(msg.language) ? msg.language : {};
  const code = typeof language.code === 'string' && language.code !== '' ? language.code : undefined;
  if (code === undefined) ctx.add('template.language.code', `got ${describe(language.code)}, expected a language code like "en_US"`, 100);
  if (language.policy !== undefined && language.policy !== 'deterministic') ctx.add('template.language.policy', `got ${describe(language.policy)}, expected "deterministic" or no policy`, 100);
  const found = collect(msg.components, ctx.add);
  const out: TemplateComponent[] = [];
  if (name !== undefined && code !== undefined && available(def, name, code, ctx.add) && def) {
    const header = checkHeader(def, found.header, ctx);
    const body = checkBody(def, found.body, ctx);
    const buttons = checkButtons(def, found.buttons, ctx);
    if (header) out.push(header);
    if (body) out.push(body);
    out.push(...buttons);
    checkLegacyAuthentication(def, ctx);
  }
  if (problems.length > 0 || name === undefined || code === undefined) return { ok: false, problems };
  const lang = language.policy === 'deterministic' ? { code, policy: 'deterministic' as const } : { code };
  return { ok: true, message: { name, language: lang, ...(out.length > 0 ? { components: out } : {}) } };
}

/** The boundary form: the canonical message, or CoreError WA_TEMPLATE_PARAMS listing every problem. */
export function assertTemplateSend(def: TemplateDefinition | undefined, msg: unknown): TemplateMessage {
  const check = validateTemplateSend(def, msg);
  if (check.ok) return check.message;
  const list = check.problems.map((p) => `${p.path}: ${p.message} (${p.metaCode})`).join('; ');
  const name = isObj(msg) && typeof msg.name === 'string' ? `template "${msg.name}"` : 'template send';
  throw new CoreError('WA_TEMPLATE_PARAMS', `${name}: ${check.problems.length} problem(s): ${list}`, { problems: check.problems });
}

function collect(v: unknown, add: Add): { header?: Found; body?: Found; buttons: FoundButton[] } {
  const out: { header?: Found; body?: Found; buttons: FoundButton[] } = { buttons: [] };
  if (v === undefined) return out;
  if (!Array.isArray(v)) return add('template.components', `got ${describe(v)}, expected an array of header, body and button components`, 100), out;
  v.forEach((c, i) => {
    const at = `template.components[${i}]`;
    if (!isObj(c)) return add(at, `got ${describe(c)}, expected a component object`, 100);
    const type = lower(c.type);
    if (type !== 'header' && type !== 'body' && type !== 'button') return add(`${at}.type`, `got ${describe(c.type)}, expected one of header, body, button`, 100);
    if (c.parameters !== undefined && !Array.isArray(c.parameters)) return add(`${at}.parameters`, `got ${describe(c.parameters)}, expected an array of parameters`, 100);
    const params: readonly unknown[] = Array.isArray(c.parameters) ? c.parameters : [];
    if (type !== 'button') {
      if (out[type]) return add(`${at}.type`, `a second ${type} component, expected at most one`, 100);
      out[type] = { at, params };
      return;
    }
    const subType = lower(c.sub_type);
    if (subType !== 'quick_reply' && subType !== 'url' && subType !== 'copy_code') return add(`${at}.sub_type`, `got ${describe(c.sub_type)}, expected one of quick_reply, url, copy_code`, 100);
    const index = typeof c.index === 'string' && /^\d$/.test(c.index) ? Number(c.index) : Number.isInteger(c.index) && (c.index as number) >= 0 && (c.index as number) <= 9 ? (c.index as number) : undefined;
    if (index === undefined) return add(`${at}.index`, `got ${describe(c.index)}, expected the button's position in the template, "0" to "9"`, 100);
    if (out.buttons.some((b) => b.index === index)) return add(`${at}.index`, `a second component for button ${index}, expected one per button`, 100);
    out.buttons.push({ at, params, index, subType });
  });
  return out;
}

function available(def: TemplateDefinition | undefined, name: string, code: string, add: Add): boolean {
  if (!def) return add('template.name', `no template "${name}" in language "${code}", expected the name and language of an existing template`, 132001), false;
  if (def.name !== name) return add('template.name', `got "${name}", expected "${def.name}" (the definition checked against)`, 132001), false;
  if (def.language !== code) return add('template.language.code', `got "${code}", expected "${def.language}": template "${name}" has no "${code}" translation`, 132001), false;
  const id = `template "${name}" (${code})`;
  if (def.status === 'PAUSED') add('template.name', `${id} is PAUSED for low quality, expected an APPROVED template: wait for the pause to end or use another template`, 132015);
  else if (def.status === 'DISABLED') add('template.name', `${id} is DISABLED for low quality, expected an APPROVED template: edit and resubmit it, or use another template`, 132016);
  else if (def.status !== 'APPROVED') add('template.name', `${id} is ${def.status}, expected APPROVED`, 132001);
  return true;
}

function checkHeader(def: TemplateDefinition, h: Found | undefined, ctx: Ctx): TemplateComponent | undefined {
  const dh = def.header;
  if (!dh) {
    if (h && h.params.length > 0) ctx.add(h.at, `template "${def.name}" has no header, expected no header component`, 132000);
    return undefined;
  }
  const want = dh.format === 'TEXT' ? 'text' : dh.format.toLowerCase();
  const count = dh.format === 'TEXT' ? dh.paramCount : 1;
  const what = `${count} ${want} parameter${count === 1 ? '' : 's'} for the template's ${dh.format} header`;
  if (!h) {
    if (count > 0) ctx.add('template.components', `no header component, expected one with ${what}`, 132000);
    return undefined;
  }
  if (h.params.length !== count) ctx.add(`${h.at}.parameters`, `got ${h.params.length} header parameter(s), expected ${what}`, 132000);
  const params = h.params.map((p, i) => {
    const at = `${h.at}.parameters[${i}]`;
    if (!isObj(p)) return ctx.add(at, `got ${describe(p)}, expected a parameter object`, 100), undefined;
    if (lower(p.type) !== want) return ctx.add(`${at}.type`, `got ${describe(p.type)}, expected "${want}" (the template's header is ${dh.format})`, 132012), undefined;
    if (want === 'text') return checkText(p, at, ctx);
    if (want === 'location') return checkLocation(p, at, ctx.add);
    return checkMedia(want as 'image' | 'video' | 'document', p, at, ctx.add);
  });
  checkNames(h.params, dh.paramNames, `${h.at}.parameters`, ctx.add);
  return params.length > 0 ? { type: 'header', parameters: params as HeaderParameter[] } : undefined;
}

function checkBody(def: TemplateDefinition, b: Found | undefined, ctx: Ctx): TemplateComponent | undefined {
  const n = def.body.paramCount;
  const keys = def.body.paramNames ? def.body.paramNames.map((k) => `{{${k}}}`).join(', ') : n === 1 ? '{{1}}' : `{{1}} to {{${n}}}`;
  const what = n === 0 ? 'no parameters (the body has no placeholders)' : `${n} parameter${n === 1 ? '' : 's'}, one for each of ${keys} in the body`;
  if (!b) {
    if (n > 0) ctx.add('template.components', `no body component, expected one with ${what}`, 132000);
    return undefined;
  }
  let clean = b.params.length === n;
  if (!clean) ctx.add(`${b.at}.parameters`, `got ${b.params.length} body parameter(s), expected ${what}`, 132000);
  const params = b.params.map((p, i): BodyParameter | undefined => {
    const at = `${b.at}.parameters[${i}]`;
    const type = isObj(p) ? lower(p.type) : undefined;
    let out: BodyParameter | undefined;
    if (!isObj(p)) ctx.add(at, `got ${describe(p)}, expected a parameter object`, 100);
    else if (type === 'text') out = checkText(p, at, ctx);
    else if (type === 'currency') out = checkCurrency(p, at, ctx);
    else if (type === 'date_time') out = checkDateTime(p, at, ctx);
    else ctx.add(`${at}.type`, `got ${describe(p.type)}, expected one of text, currency, date_time (body parameters)`, 132012);
    clean &&= out !== undefined;
    return out;
  });
  clean = checkNames(b.params, def.body.paramNames, `${b.at}.parameters`, ctx.add) && clean;
  if (clean) {
    const filled = fill(def.body.text, params as BodyParameter[], def.body.paramNames);
    if (filled.length > MAX_BODY_CHARS) ctx.add(`${b.at}.parameters`, `the filled-in body is ${filled.length} characters, expected at most ${MAX_BODY_CHARS}: shorten the parameters`, 132005);
  }
  return params.length > 0 ? { type: 'body', parameters: params as BodyParameter[] } : undefined;
}

function checkButtons(def: TemplateDefinition, found: readonly FoundButton[], ctx: Ctx): ButtonComponent[] {
  const out: ButtonComponent[] = [];
  for (const f of found) {
    const b = def.buttons[f.index];
    if (!b) {
      ctx.add(`${f.at}.index`, `got "${f.index}", expected an index below ${def.buttons.length} (template "${def.name}" has ${def.buttons.length} button(s))`, 132000);
      continue;
    }
    const want = SUB_TYPE[b.type];
    const label = `button ${f.index} is ${b.type} "${b.text}"`;
    if (!want || !b.dynamic && b.type !== 'QUICK_REPLY') { ctx.add(f.at, `${label} and takes no parameter, expected no component for it`, 132000); continue; }
    if (f.subType !== want) { ctx.add(`${f.at}.sub_type`, `got "${f.subType}", expected "${want}" (${label})`, 132012); continue; }
    if (f.params.length !== 1) { ctx.add(`${f.at}.parameters`, `got ${f.params.length} parameter(s), expected exactly 1 (${label})`, 132000); continue; }
    const at = `${f.at}.parameters[0]`;
    const p = f.params[0];
    const ptype = want === 'quick_reply' ? 'payload' : want === 'url' ? 'text' : 'coupon_code';
    if (!isObj(p) || lower(p.type) !== ptype) { ctx.add(isObj(p) ? `${at}.type` : at, `got ${describe(isObj(p) ? p.type : p)}, expected "${ptype}" (${label})`, 132012); continue; }
    const value = p[ptype];
    if (typeof value !== 'string' || value === '') { ctx.add(`${at}.${ptype}`, `got ${describe(value)}, expected a non-empty string`, 100); continue; }
    if ((b.type === 'OTP' || b.type === 'COPY_CODE') && value.length > MAX_CODE_CHARS) ctx.add(`${at}.${ptype}`, `got ${value.length} characters, expected a code of at most ${MAX_CODE_CHARS}`, 100);
    if (ptype === 'text') ctx.values.push({ path: `${at}.text`, value });
    const index = String(f.index);
    if (want === 'quick_reply') out.push({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: value }] });
    else if (want === 'url') out.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: value }] });
    else out.push({ type: 'button', sub_type: 'copy_code', index, parameters: [{ type: 'coupon_code', coupon_code: value }] });
  }
  def.buttons.forEach((b, i) => {
    if (!b.dynamic || found.some((f) => f.index === i)) return;
    const want = SUB_TYPE[b.type];
    ctx.add('template.components', `no button component with index "${i}", expected { type: "button", sub_type: "${want}", index: "${i}", parameters: [1 parameter] } for ${b.type} button "${b.text}"`, 132000);
  });
  return out;
}

function checkLegacyAuthentication(def: TemplateDefinition, ctx: Ctx): void {
  if (def.category !== 'AUTHENTICATION' || def.buttons.some((b) => b.type === 'OTP')) return;
  const rule = 'an authentication template without a one-time-password button';
  if (URL_RE.test(def.body.text)) ctx.add('template.name', `the body of ${rule} holds a URL, expected none: use an authentication template with an OTP button`, 100);
  for (const { path, value } of ctx.values) {
    if (value.length > MAX_CODE_CHARS) ctx.add(path, `got ${value.length} characters, expected at most ${MAX_CODE_CHARS} in ${rule}`, 100);
    if (URL_RE.test(value)) ctx.add(path, `got ${describe(value)}, expected no URL in ${rule}`, 100);
    if (EMOJI_RE.test(value)) ctx.add(path, `got ${describe(value)}, expected no emoji in ${rule}`, 100);
  }
}

/** Meta refuses parameter text with new-lines, tabs or more than 4 consecutive spaces. */
function checkText(p: Obj, at: string, ctx: Ctx): TextParameter | undefined {
  const t = p.text;
  if (typeof t !== 'string' || t.trim() === '') return ctx.add(`${at}.text`, `got ${describe(t)}, expected a non-empty string`, 100), undefined;
  if (/[\n\t]| {5,}/.test(t)) return ctx.add(`${at}.text`, `got ${describe(t)}, expected no new-line or tab characters and at most 4 consecutive spaces`, 100), undefined;
  ctx.values.push({ path: `${at}.text`, value: t });
  return { type: 'text', text: t, ...(typeof p.parameter_name === 'string' ? { parameter_name: p.parameter_name } : {}) };
}

function nonEmpty(o: Obj, key: string, at: string, add: Add): string | undefined {
  const v = o[key];
  if (typeof v === 'string' && v.trim() !== '') return v;
  add(`${at}.${key}`, `got ${describe(v)}, expected a non-empty string`, 132012);
  return undefined;
}

function checkCurrency(p: Obj, at: string, ctx: Ctx): BodyParameter | undefined {
  const c = p.currency;
  if (!isObj(c)) return ctx.add(`${at}.currency`, `got ${describe(c)}, expected { fallback_value, code, amount_1000 }`, 132012), undefined;
  const fallback = nonEmpty(c, 'fallback_value', `${at}.currency`, ctx.add);
  const code = typeof c.code === 'string' && ISO_4217.has(c.code) ? c.code : undefined;
  if (!code) ctx.add(`${at}.currency.code`, `got ${describe(c.code)}, expected an ISO 4217 currency code like "USD" or "SAR"`, 132012);
  const amount = Number.isSafeInteger(c.amount_1000) ? (c.amount_1000 as number) : undefined;
  if (amount === undefined) ctx.add(`${at}.currency.amount_1000`, `got ${describe(c.amount_1000)}, expected an integer, the amount times 1000 (10.99 → 10990)`, 132012);
  if (fallback === undefined || !code || amount === undefined) return undefined;
  ctx.values.push({ path: `${at}.currency.fallback_value`, value: fallback });
  return { type: 'currency', currency: { fallback_value: fallback, code, amount_1000: amount }, ...named(p) };
}

function checkDateTime(p: Obj, at: string, ctx: Ctx): BodyParameter | undefined {
  const d = p.date_time;
  if (!isObj(d)) return ctx.add(`${at}.date_time`, `got ${describe(d)}, expected { fallback_value }`, 132012), undefined;
  const fallback = nonEmpty(d, 'fallback_value', `${at}.date_time`, ctx.add);
  if (fallback === undefined) return undefined;
  ctx.values.push({ path: `${at}.date_time.fallback_value`, value: fallback });
  return { type: 'date_time', date_time: { fallback_value: fallback }, ...named(p) };
}

/**
 * Media by upload `id` or by `link`. Seed 004 shows "http(s)://"; we require https, a project rule
 * stricter than the API: a campaign's media is public and should not travel unprotected.
 */
function checkMedia(kind: 'image' | 'video' | 'document', p: Obj, at: string, add: Add): HeaderParameter | undefined {
  const m = p[kind];
  const where = `${at}.${kind}`;
  if (!isObj(m)) return add(where, `got ${describe(m)}, expected { id } of an upload or { link } to a public https URL`, 132012), undefined;
  if ((m.id === undefined) === (m.link === undefined)) return add(where, `${m.id === undefined ? 'neither id nor link' : 'both id and link'}, expected exactly one`, 132012), undefined;
  if (m.id !== undefined && (typeof m.id !== 'string' || m.id === '')) return add(`${where}.id`, `got ${describe(m.id)}, expected a media id string`, 132012), undefined;
  if (m.link !== undefined && !isHttps(m.link)) return add(`${where}.link`, `got ${describe(m.link)}, expected a public https URL`, 132012), undefined;
  if (m.filename !== undefined && (kind !== 'document' || typeof m.filename !== 'string')) return add(`${where}.filename`, `got ${describe(m.filename)}, expected a file name string, on a document only`, 132012), undefined;
  const media = m.id !== undefined ? { id: m.id as string } : { link: m.link as string };
  const filename = typeof m.filename === 'string' ? { filename: m.filename } : {};
  if (kind === 'image') return { type: 'image', image: media };
  if (kind === 'video') return { type: 'video', video: media };
  return { type: 'document', document: { ...media, ...filename } };
}

function isHttps(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
}

function checkLocation(p: Obj, at: string, add: Add): HeaderParameter | undefined {
  const l = p.location;
  if (!isObj(l)) return add(`${at}.location`, `got ${describe(l)}, expected { latitude, longitude, name, address }`, 132012), undefined;
  let ok = true;
  for (const [key, limit] of [['latitude', 90], ['longitude', 180]] as const) {
    const v = l[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!(Math.abs(n) <= limit)) ok = (add(`${at}.location.${key}`, `got ${describe(v)}, expected a ${key} between -${limit} and ${limit}`, 132012), false);
  }
  for (const key of ['name', 'address'] as const) {
    if (l[key] !== undefined && typeof l[key] !== 'string') ok = (add(`${at}.location.${key}`, `got ${describe(l[key])}, expected a string`, 132012), false);
  }
  if (!ok) return undefined;
  const { latitude, longitude, name, address } = l as { latitude: string | number; longitude: string | number; name?: string; address?: string };
  return { type: 'location', location: { latitude, longitude, ...(name !== undefined ? { name } : {}), ...(address !== undefined ? { address } : {}) } };
}

const named = (p: Obj) => (typeof p.parameter_name === 'string' ? { parameter_name: p.parameter_name } : {});

/** NAMED templates: every parameter names a placeholder, each placeholder once. */
function checkNames(params: readonly unknown[], names: readonly string[] | undefined, at: string, add: Add): boolean {
  if (!names) return true;
  let ok = true;
  const seen = new Set<string>();
  params.forEach((p, i) => {
    const n = isObj(p) ? p.parameter_name : undefined;
    if (typeof n !== 'string' || !names.includes(n) || seen.has(n)) {
      const why = typeof n === 'string' && seen.has(n) ? `a second "${n}"` : `got ${describe(n)}`;
      ok = (add(`${at}[${i}].parameter_name`, `${why}, expected one of ${names.join(', ')} (the template uses named parameters)`, 132000), false);
    } else seen.add(n);
  });
  return ok;
}

function fill(template: string, params: readonly BodyParameter[], names: readonly string[] | undefined): string {
  const value = (p: BodyParameter | undefined) => (p === undefined ? '' : p.type === 'text' ? p.text : p.type === 'currency' ? p.currency.fallback_value : p.date_time.fallback_value);
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => value(names ? params.find((p) => p.parameter_name === key) : params[Number(key) - 1]));
}

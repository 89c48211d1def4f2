/**
 * Reading the Graph API's answers about numbers and templates into typed values with core's
 * parsers. A value Meta added after this code was written is kept out of the typed fields and
 * reported in `problems`, never thrown: a status read must not fail because of one new enum value.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits#via-api
 */
import { describe } from '../../core/errors.ts';
import { DEFAULT_THROUGHPUT_MPS, MAX_THROUGHPUT_MPS, parseNumberStatus, type NumberStatus } from '../../core/phone-number.ts';
import { parseQuality, type QualityRating } from '../../core/quality.ts';
import { parseTemplateDefinition, type TemplateDefinition } from '../../core/template.ts';
import { parseTier, type TierName } from '../../core/tier.ts';

/**
 * `messaging_limit_tier` is deprecated in favour of `whatsapp_business_manager_messaging_limit`;
 * asking for a field a version no longer has fails the whole call, so only the new one is asked
 * for by default (pass `fields` to ask for the old one on older versions).
 */
export const PHONE_NUMBER_FIELDS = [
  'id', 'display_phone_number', 'verified_name', 'status', 'quality_rating',
  'whatsapp_business_manager_messaging_limit', 'throughput', 'name_status',
] as const;

export const TEMPLATE_FIELDS = ['id', 'name', 'language', 'status', 'category', 'quality_score', 'components', 'parameter_format'] as const;

export interface PhoneNumberInfo {
  readonly id: string;
  readonly displayPhoneNumber?: string;
  readonly verifiedName?: string;
  readonly status?: NumberStatus;
  readonly quality?: QualityRating;
  readonly tier?: TierName;
  /** `throughput.level` as sent: STANDARD, HIGH, NOT_APPLICABLE. */
  readonly throughputLevel?: string;
  /** Messages per second that level stands for (STANDARD 80, HIGH 1,000). */
  readonly throughputMps?: number;
  readonly nameStatus?: string;
  readonly problems: readonly string[];
}

export interface TemplateListing {
  readonly templates: readonly TemplateDefinition[];
  /** Templates this tool cannot use (a component kind it does not know, …), with the reason. */
  readonly skipped: readonly { readonly name?: string; readonly language?: string; readonly problem: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

const THROUGHPUT_MPS: Readonly<Record<string, number>> = { STANDARD: DEFAULT_THROUGHPUT_MPS, HIGH: MAX_THROUGHPUT_MPS };

function attempt<T>(value: unknown, field: string, parse: (v: unknown) => T, problems: string[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return parse(value);
  } catch {
    problems.push(`${field}: got ${describe(value)}, which this tool does not know`);
    return undefined;
  }
}

/** The limit may come as a tier name or as an object holding one; both are read. */
function limitValue(v: unknown): unknown {
  if (!isObj(v)) return v;
  return v.current_limit ?? v.messaging_limit_tier ?? v.tier ?? v.limit;
}

export function parsePhoneNumberInfo(json: unknown): PhoneNumberInfo | undefined {
  if (!isObj(json)) return undefined;
  const id = str(json.id);
  if (id === undefined) return undefined;
  const problems: string[] = [];
  const status = attempt(json.status, 'status', parseNumberStatus, problems);
  const quality = attempt(json.quality_rating, 'quality_rating', parseQuality, problems);
  const limit = limitValue(json.whatsapp_business_manager_messaging_limit) ?? json.messaging_limit_tier;
  const tier = attempt(limit, 'messaging limit', parseTier, problems);
  const throughputLevel = isObj(json.throughput) ? str(json.throughput.level) : undefined;
  const throughputMps = throughputLevel !== undefined ? THROUGHPUT_MPS[throughputLevel] : undefined;
  const optional = {
    displayPhoneNumber: str(json.display_phone_number), verifiedName: str(json.verified_name), status, quality, tier,
    throughputLevel, throughputMps, nameStatus: str(json.name_status),
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return { id, ...present, problems };
}

/** One page of `{ data: [...], paging: { cursors: { after }, next } }`: the cursor when there is a next page. */
export function nextCursor(json: unknown): string | undefined {
  if (!isObj(json) || !isObj(json.paging) || json.paging.next === undefined) return undefined;
  return isObj(json.paging.cursors) ? str(json.paging.cursors.after) : undefined;
}

export function pageData(json: unknown): unknown[] | undefined {
  return isObj(json) && Array.isArray(json.data) ? json.data : undefined;
}

export function readTemplates(items: readonly unknown[]): TemplateListing {
  const templates: TemplateDefinition[] = [];
  const skipped: { name?: string; language?: string; problem: string }[] = [];
  items.forEach((item, i) => {
    try {
      templates.push(parseTemplateDefinition(item, `data[${i}]`));
    } catch (error) {
      const name = isObj(item) ? str(item.name) : undefined;
      const language = isObj(item) ? str(item.language) : undefined;
      skipped.push({ ...(name !== undefined && { name }), ...(language !== undefined && { language }), problem: (error as Error).message });
    }
  });
  return { templates, skipped };
}

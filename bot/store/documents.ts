/**
 * The shapes of the lowdb files and the checks run when they are opened. Each file carries a
 * `version` so a later layout can migrate it. Keyed collections are plain JSON objects on disk and
 * prototype-free objects in memory, so a key like "__proto__" (an audience name typed in Slack)
 * is stored like any other.
 */
import type { Campaign } from '../../core/campaign.ts';
import type { Contact } from '../../core/contact.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { TemplateDefinition } from '../../core/template.ts';
import type { Instant } from '../../core/time.ts';
import type { Audience, HolderSnapshot } from './store.ts';

export const LAYOUT_VERSION = 1;

export type Dict<T> = Record<string, T>;

export interface CampaignsFile { version: number; campaigns: Dict<Campaign> }
export interface NumbersFile { version: number; numbers: Dict<PhoneNumber>; holders: Dict<HolderSnapshot> }
export interface TemplatesFile { version: number; syncedAt?: Instant; templates: Dict<TemplateDefinition> }
export interface ContactsFile { version: number; contacts: Dict<Contact> }
export interface AudiencesFile { version: number; audiences: Dict<Audience> }

export function dict<T>(from: Dict<T> = {}): Dict<T> {
  return Object.assign(Object.create(null) as Dict<T>, from);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A check for `{ version, <key>: {…}, … }`; it also swaps each collection for a prototype-free copy. */
export function shapeCheck(...keys: string[]): (data: unknown) => string | undefined {
  return (data) => {
    if (!isObject(data)) return 'expected a JSON object';
    if (data.version !== LAYOUT_VERSION) return `layout version ${JSON.stringify(data.version)}, expected ${LAYOUT_VERSION}`;
    for (const key of keys) {
      const value = data[key];
      if (!isObject(value)) return `"${key}" is ${Array.isArray(value) ? 'an array' : typeof value}, expected an object keyed by id`;
      data[key] = dict(value);
    }
    return undefined;
  };
}

export const emptyCampaigns = (): CampaignsFile => ({ version: LAYOUT_VERSION, campaigns: dict() });
export const emptyNumbers = (): NumbersFile => ({ version: LAYOUT_VERSION, numbers: dict(), holders: dict() });
export const emptyTemplates = (): TemplatesFile => ({ version: LAYOUT_VERSION, templates: dict() });
export const emptyContacts = (): ContactsFile => ({ version: LAYOUT_VERSION, contacts: dict() });
export const emptyAudiences = (): AudiencesFile => ({ version: LAYOUT_VERSION, audiences: dict() });

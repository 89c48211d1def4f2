/**
 * Local mode's first run: an audience to try a campaign on, with the opt-in evidence a real list
 * must carry (source, time, what the person agreed to), a few people who opted out or never opted
 * in (so the preflight shows skips), and the columns the demo template's variables read. Imported
 * through the same CSV path as a real list, so the demo exercises what a newcomer will use.
 */
import { DAY, type Instant } from '../../core/time.ts';
import { importContacts, type ImportResult } from '../store/import-contacts.ts';
import type { Store } from '../store/store.ts';

export const DEMO_AUDIENCE = 'demo-customers';

const NAMES = ['Aisha', 'Omar', 'Fatimah', 'Khalid', 'Noura', 'Yousef', 'Layla', 'Faisal', 'Huda', 'Saad', 'Maha', 'Tariq'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday'];

/** The CSV a CRM export would give: +966 5X mobile numbers, opt-ins from a checkout form. */
export function demoCsv(size: number, at: Instant): string {
  const lines = ['phone,name,opt_in_source,opt_in_at,opt_in_evidence,opt_out_at,2,3'];
  for (let i = 0; i < size; i++) {
    const phone = `+9665010${String(i).padStart(5, '0')}`;
    const name = NAMES[i % NAMES.length]!;
    const optedIn = new Date(at - (30 + (i % 60)) * DAY).toISOString();
    const amount = `SAR ${(49 + (i * 37) % 400).toFixed(2)}`;
    const day = DAYS[i % DAYS.length]!;
    if (i % 50 === 7) lines.push(`${phone},${name},,,,,${amount},${day}`);
    else if (i % 50 === 21) lines.push(`${phone},${name},web-form,${optedIn},checkout box: send me order updates on WhatsApp,${new Date(at - 3 * DAY).toISOString()},${amount},${day}`);
    else lines.push(`${phone},${name},web-form,${optedIn},checkout box: send me order updates on WhatsApp,,${amount},${day}`);
  }
  return lines.join('\n') + '\n';
}

/** Seed the demo audience unless the store already has audiences; undefined when nothing was done. */
export async function seedDemo(store: Store, at: Instant, size = 300): Promise<ImportResult | undefined> {
  if ((await store.audiences.list()).length > 0) return undefined;
  return importContacts(store, demoCsv(size, at), { audience: DEMO_AUDIENCE, at, by: 'demo-seed' }, 'demo-customers.csv');
}

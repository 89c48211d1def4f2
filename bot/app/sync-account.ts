/**
 * At start: the WhatsApp Business Account's numbers and templates, read through the Cloud API
 * client into the store. Meta is the authority on status, quality and tier; the role (main or
 * campaign) is ours and kept: the configured main number, else what the store already says, else
 * campaign. A read that fails leaves the store as it was and says so.
 */
import { createPhoneNumber, type PhoneNumber } from '../../core/phone-number.ts';
import type { Instant } from '../../core/time.ts';
import type { GraphClient } from '../whatsapp/graph-client.ts';
import type { Store } from '../store/store.ts';

export interface SyncReport {
  readonly numbers: number;
  readonly templates: number;
  readonly problems: readonly string[];
}

export async function syncAccount(client: GraphClient, store: Store, wabaId: string, at: Instant, mainNumberId?: string): Promise<SyncReport> {
  const problems: string[] = [];
  let numberCount = 0;
  let templateCount = 0;
  const listed = await client.listPhoneNumbers(wabaId);
  if (listed.kind === 'ok') {
    const known = new Map((await store.numbers.list()).map((n) => [n.id, n]));
    const numbers: PhoneNumber[] = listed.value.map((info) => {
      const before = known.get(info.id);
      const role = mainNumberId !== undefined ? (info.id === mainNumberId ? 'main' : 'campaign') : before?.role ?? 'campaign';
      return createPhoneNumber({
        id: info.id, display: info.displayPhoneNumber ?? before?.display ?? info.id, role,
        status: info.status ?? before?.status ?? 'CONNECTED', quality: info.quality ?? before?.quality ?? 'UNKNOWN',
        tier: info.tier ?? before?.tier, throughputMps: info.throughputMps ?? before?.throughputMps,
      });
    });
    await store.numbers.save(numbers);
    for (const n of numbers) if (n.throughputMps) client.setThroughput(n.id, n.throughputMps);
    numberCount = numbers.length;
  } else problems.push(`reading the numbers failed (${listed.kind}${listed.kind === 'rejected' ? `: ${listed.error.message}` : `: ${listed.reason}`}); using the stored ones`);

  const templates = await client.listTemplates(wabaId);
  if (templates.kind === 'ok') {
    await store.templates.replaceAll(templates.value.templates, at);
    templateCount = templates.value.templates.length;
    for (const s of templates.value.skipped) problems.push(`template ${s.name ?? '?'} skipped: ${s.problem}`);
  } else problems.push(`reading the templates failed (${templates.kind}); using the stored ones`);
  client.setTemplates(await store.templates.list());
  return { numbers: numberCount, templates: templateCount, problems };
}

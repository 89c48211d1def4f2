/**
 * What a webhook changes in the store besides the ledger: number records (status, rating, tier)
 * with the quality history, template records, contacts (opt-outs nobody else took, identity
 * changes), each audited as done by "webhook". A template event that is not a status (FLAGGED)
 * changes no record; REINSTATED means approved again.
 */
import { TEMPLATE_STATUSES } from '../../core/template.ts';
import type { Instant } from '../../core/time.ts';
import type { Store } from '../store/store.ts';
import type { Routed } from './webhook-routing.ts';

const WHO = 'webhook';

export async function applyStoreChanges(store: Store, routed: Routed, at: Instant): Promise<void> {
  if (routed.contactChanges.length > 0) {
    await store.contacts.apply(routed.contactChanges);
    for (const c of routed.contactChanges) {
      await store.audit.append({
        at: c.at, who: WHO, what: c.change.kind === 'opt-out' ? 'contact-opted-out' : 'contact-identity-changed',
        details: { waId: c.waId, ...(c.change.kind === 'identity-changed' && c.change.newWaId !== undefined ? { newWaId: c.change.newWaId } : {}), ...(c.change.kind === 'opt-out' && c.change.text !== undefined ? { text: c.change.text } : {}) },
      });
    }
  }
  for (const change of routed.numberChanges) {
    const before = await store.numbers.get(change.numberId);
    if (!before) continue;
    const after = { ...before, ...(change.status ? { status: change.status } : {}), ...(change.quality ? { quality: change.quality } : {}), ...(change.tier ? { tier: change.tier } : {}) };
    if (after.status === before.status && after.quality === before.quality && after.tier === before.tier) continue;
    await store.numbers.save([after]);
    if (after.quality !== before.quality) await store.quality.append({ at, subject: 'number', id: before.id, from: before.quality, to: after.quality });
    await store.audit.append({
      at, who: WHO, what: 'number-updated',
      details: { numberId: before.id, ...diff('status', before.status, after.status), ...diff('quality', before.quality, after.quality), ...diff('tier', before.tier, after.tier) },
    });
  }
  for (const change of routed.templateChanges) {
    const all = await store.templates.list();
    const matching = all.filter((t) => t.name === change.name && (change.language === undefined || t.language === change.language));
    if (change.quality !== undefined) {
      await store.quality.append({
        at, subject: 'template', id: change.name, ...(change.language !== undefined ? { language: change.language } : {}),
        ...(change.previousQuality !== undefined ? { from: change.previousQuality } : {}), to: change.quality,
      });
    }
    const status = change.status === 'REINSTATED' ? 'APPROVED' : TEMPLATE_STATUSES.find((s) => s === change.status);
    if ((status !== undefined || change.quality !== undefined) && matching.length > 0) {
      await store.templates.save(matching.map((t) => ({ ...t, ...(status !== undefined ? { status } : {}), ...(change.quality !== undefined ? { quality: change.quality } : {}) })));
    }
    await store.audit.append({
      at, who: WHO, what: change.quality !== undefined ? 'template-quality-changed' : 'template-status-changed',
      details: { template: change.name, ...(change.language !== undefined ? { language: change.language } : {}), ...(change.status !== undefined ? { event: change.status } : {}), ...(change.quality !== undefined ? { quality: change.quality } : {}), ...(change.detail !== undefined ? { detail: change.detail } : {}) },
    });
  }
}

function diff(key: string, from: string, to: string): Record<string, string> {
  return from === to ? {} : { [key]: `${from} → ${to}` };
}

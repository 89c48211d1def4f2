/** `/wa contact <phone>`, `/wa contact ack <phone>`, `/wa contacts import`. */
import { resolve } from 'node:path';
import { acknowledgeIdentity, sendEligibility, type Contact } from '../../core/contact.ts';
import { CoreError } from '../../core/errors.ts';
import { parseMsisdn, toWaId, type CountryCode } from '../../core/msisdn.ts';
import { importContacts, importContactsFile, type ImportResult } from '../store/import-contacts.ts';
import { code, count, plural, when } from './format.ts';
import type { CommandDeps, Invocation } from './ports.ts';
import { ephemeral, inChannel, problem, type Block, type Reply } from './reply.ts';

type Phone = { ok: true; waId: string; display: string } | { ok: false; reply: Reply };

export function readPhone(deps: CommandDeps, text: string): Phone {
  try {
    const msisdn = parseMsisdn(text, deps.settings.defaultCountry ? { defaultCountry: deps.settings.defaultCountry as CountryCode } : {});
    return { ok: true, waId: toWaId(msisdn), display: msisdn };
  } catch (error) {
    const why = error instanceof CoreError ? error.message : String(error);
    return { ok: false, reply: problem(`${code(text)} is not a phone number I can read (${why}).`, 'Write it in international form with the country code, like `+966501234567`.') };
  }
}

function describeContact(c: Contact, at: number): Block[] {
  const eligibility = sendEligibility(c, at);
  const fields: [string, string][] = [
    ['Number', `+${c.waId}`],
    ['Name', c.name ?? '—'],
    ['Opt-in', c.optIn ? `${c.optIn.source}, ${when(c.optIn.at)}${c.optIn.evidence ? ` — ${c.optIn.evidence}` : ''}` : 'none on record'],
    ['Opt-out', c.optOut ? `${c.optOut.via}${c.optOut.text ? ` (${JSON.stringify(c.optOut.text)})` : ''}, ${when(c.optOut.at)}` : '—'],
    ['Suppression', c.suppression ? `${c.suppression.reason}${c.suppression.metaCode ? ` (Meta ${c.suppression.metaCode})` : ''}, ${when(c.suppression.at)}` : '—'],
    ['Identity', c.identity ? `changed ${when(c.identity.changedAt)}${c.identity.acknowledgedAt ? `, acknowledged ${when(c.identity.acknowledgedAt)}` : ', *not acknowledged*'}` : 'unchanged'],
  ];
  const verdict = eligibility.ok ? ':white_check_mark: Campaigns may message this contact.' : `:no_entry: Campaigns skip this contact: ${eligibility.explanation}`;
  return [{ kind: 'fields', fields }, { kind: 'text', text: verdict }];
}

export async function contactReply(deps: CommandDeps, phoneText: string): Promise<Reply> {
  const phone = readPhone(deps, phoneText);
  if (!phone.ok) return phone.reply;
  const contact = await deps.store.contacts.get(phone.waId);
  if (!contact) return problem(`No contact ${phone.display} on record.`, 'Import it with `/wa contacts import` (a CSV with opt-in evidence) before a campaign can message it.');
  return ephemeral(`Contact ${phone.display}`, [{ kind: 'header', text: `Contact ${phone.display}` }, ...describeContact(contact, deps.clock.now())]);
}

export async function contactAckReply(deps: CommandDeps, inv: Invocation, phoneText: string): Promise<Reply> {
  const phone = readPhone(deps, phoneText);
  if (!phone.ok) return phone.reply;
  const now = deps.clock.now();
  let before: Contact | undefined;
  const [after] = await deps.store.contacts.modify([phone.waId], (stored) => {
    before = stored;
    return stored ? acknowledgeIdentity(stored, now) : undefined;
  });
  if (!before) return problem(`No contact ${phone.display} on record.`, 'Check the number with `/wa contact <phone>`.');
  if (!before.identity || before.identity.acknowledgedAt !== undefined || !after) {
    return ephemeral(`Nothing to acknowledge for ${phone.display}: ${before.identity ? 'its identity change was already acknowledged' : 'WhatsApp reported no identity change'}.`);
  }
  await deps.audit.record({ at: now, who: inv.user, what: 'contact-identity-acknowledged', details: { waId: phone.waId } });
  return inChannel(`<@${inv.user}> acknowledged ${phone.display}'s identity change; campaigns may message it again.`, [
    { kind: 'text', text: `:white_check_mark: ${phone.display}'s identity change is acknowledged (by <@${inv.user}>). Campaigns may message it again.` },
    ...describeContact(after, now),
  ]);
}

/** The import's answer: what changed, or every problem by line (nothing written). */
export async function importReply(deps: CommandDeps, inv: Invocation, result: ImportResult): Promise<Reply> {
  if (!result.ok) {
    const shown = result.problems.slice(0, 15).map((p) => `line ${p.line}: ${p.reason}`);
    if (result.problems.length > shown.length) shown.push(`… and ${result.problems.length - shown.length} more`);
    return problem(`Nothing was imported: the file has ${plural(result.problems.length, 'problem')}.`, 'Fix these rows and import the whole file again (an import is all or nothing):', [{ kind: 'code', text: shown.join('\n') }]);
  }
  await deps.audit.announce({
    at: deps.clock.now(), who: inv.user, what: 'contacts-imported',
    details: { audience: result.audience, rows: result.rows, imported: result.imported, updated: result.updated, unchanged: result.unchanged },
  });
  const text = `Imported audience *${result.audience}*: ${plural(result.rows, 'row')}, ${count(result.imported)} new, ${count(result.updated)} updated, ${count(result.unchanged)} unchanged.`;
  return inChannel(text, [{ kind: 'text', text: `:white_check_mark: ${text}` }, { kind: 'context', text: `Imported by <@${inv.user}>. Next: \`/wa campaign start <template> --audience ${result.audience} --from pool\`` }]);
}

export async function importCsvText(deps: CommandDeps, inv: Invocation, csv: string | Buffer, audience: string, source?: string): Promise<Reply> {
  try {
    const result = await importContacts(deps.store, csv, { audience, at: deps.clock.now(), by: inv.user, ...countryOption(deps) }, source);
    return importReply(deps, inv, result);
  } catch (error) {
    if (error instanceof CoreError) return problem(error.message, 'Audience names are letters, digits, `-` and `_`, like `march-promo`.');
    throw error;
  }
}

export async function contactsImportReply(deps: CommandDeps, inv: Invocation, file: string | undefined, audience: string | undefined): Promise<Reply> {
  if (inv.surface === 'slack' || file === undefined) {
    if (inv.surface === 'console') return problem('Which file?', 'Give the CSV\'s path: `contacts import customers.csv [--audience name]`.');
    return ephemeral('Paste the CSV in the form, or share the CSV file with me in a direct message with the words `import <audience>`.', undefined, { form: { kind: 'contacts-import', ...(audience !== undefined && { audience }) } });
  }
  try {
    const result = await importContactsFile(deps.store, resolve(file), { at: deps.clock.now(), by: inv.user, ...(audience !== undefined && { audience }), ...countryOption(deps) });
    return importReply(deps, inv, result);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return problem(`No file ${code(file)}.`, 'Give the path of a CSV file, relative to where the bot runs.');
    if (error instanceof CoreError) return problem(error.message, 'Give `--audience <name>` with letters, digits, `-` and `_`.');
    throw error;
  }
}

function countryOption(deps: CommandDeps): { defaultCountry?: CountryCode } {
  return deps.settings.defaultCountry ? { defaultCountry: deps.settings.defaultCountry as CountryCode } : {};
}

/**
 * The runner's working indexes over the ledger, so each decision costs O(what it touches), not
 * O(campaign): the cursor over new recipients, the follow-ups waiting for their time (retries,
 * frequency-cap follow-ups, sequence steps), sends in flight and sends that may have gone out.
 * Rebuilt from the ledger on start, so a restarted runner picks up exactly where the rows say.
 */
import type { CampaignLedger } from './campaign-ledger.ts';
import type { Contact } from './contact.ts';
import { keyId, type LedgerEntry, type LedgerKey } from './ledger-entry.ts';
import type { Duration, Instant } from './time.ts';

interface Recipient {
  readonly waId: string;
  readonly contact: Contact | undefined;
}

export class RunnerQueues {
  private cursor = 0;
  private begunCount = 0;
  private readonly followUps = new Map<string, { key: LedgerKey; at: Instant }>();
  private readonly inFlight = new Set<string>();
  private readonly maybe = new Map<string, Instant>();
  /** Accepted rows still waiting for delivered/failed, in acceptance order (so the first is the oldest). */
  private readonly awaiting = new Map<string, Instant>();
  private readonly sticky = new Map<string, string>();
  private readonly attemptedFirst = new Set<string>();

  constructor(
    private readonly ledger: CampaignLedger,
    private readonly campaignId: string,
    private readonly recipients: readonly Recipient[],
    private readonly keys: readonly string[],
  ) {
    for (const e of ledger.entries(campaignId)) {
      this.observe(e);
      if (e.key.messageKey === keys[0] && (e.state !== 'pending' || e.attempts > 0)) this.attemptedFirst.add(e.key.waId);
    }
  }

  /** Sends of first messages begun so far (what the plan counts). */
  get begun(): number {
    return this.begunCount;
  }

  /** New recipients not yet taken. */
  get remaining(): number {
    return this.recipients.length - this.cursor;
  }

  /** Nothing is waiting at `now`: no follow-ups, nothing in flight or unreconciled, no delivery report still due. */
  settled(now: Instant, deliveryWait: Duration): boolean {
    return this.followUps.size === 0 && this.inFlight.size === 0 && this.maybe.size === 0 && this.nextAwaitingExpiry(now, deliveryWait) === undefined;
  }

  /** When the oldest accepted-but-unreported row stops holding the campaign open (rows past it are let go). */
  nextAwaitingExpiry(now: Instant, deliveryWait: Duration): Instant | undefined {
    for (const [id, acceptedAt] of this.awaiting) {
      if (acceptedAt + deliveryWait > now) return acceptedAt + deliveryWait;
      this.awaiting.delete(id);
    }
    return undefined;
  }

  /** The next recipient whose first message was never begun (a restarted runner skips the rest). */
  takeNew(): Recipient | undefined {
    while (this.cursor < this.recipients.length) {
      const r = this.recipients[this.cursor++]!;
      if (this.attemptedFirst.has(r.waId)) {
        this.begunCount++;
        continue;
      }
      return r;
    }
    return undefined;
  }

  /** Keys whose time has come, earliest first (ties by key, for determinism). */
  dueFollowUps(now: Instant): LedgerKey[] {
    const due = [...this.followUps.values()].filter((f) => f.at <= now).sort((a, b) => a.at - b.at || keyId(a.key).localeCompare(keyId(b.key)));
    for (const f of due) this.followUps.delete(keyId(f.key));
    return due.map((f) => f.key);
  }

  nextFollowUpAt(): Instant | undefined {
    let min: Instant | undefined;
    for (const f of this.followUps.values()) if (min === undefined || f.at < min) min = f.at;
    return min;
  }

  nextMaybeExpiry(timeout: Duration): Instant | undefined {
    let min: Instant | undefined;
    for (const since of this.maybe.values()) if (min === undefined || since < min) min = since;
    return min === undefined ? undefined : min + timeout;
  }

  /** A key that could not go out now (no room at this instant) waits until `at`. */
  defer(key: LedgerKey, at: Instant): void {
    this.followUps.set(keyId(key), { key, at });
  }

  started(key: LedgerKey, numberId: string): void {
    if (key.messageKey === this.keys[0] && !this.attemptedFirst.has(key.waId)) {
      this.attemptedFirst.add(key.waId);
      this.begunCount++;
    }
    if (!this.sticky.has(key.waId)) this.sticky.set(key.waId, numberId);
  }

  /** The number a recipient was first sent from: retries and later steps keep to it. */
  stickySender(waId: string): string | undefined {
    return this.sticky.get(waId);
  }

  /** Keep the indexes in step with a row the runner just wrote. */
  observe(e: LedgerEntry): void {
    const id = keyId(e.key);
    this.inFlight.delete(id);
    this.maybe.delete(id);
    const reporting = e.state === 'accepted' && (e.delivery.status === 'accepted' || e.delivery.status === 'held' || e.delivery.status === 'sent');
    if (!reporting) this.awaiting.delete(id);
    else if (!this.awaiting.has(id)) this.awaiting.set(id, e.acceptedAt);
    if (e.state === 'intent') this.inFlight.add(id);
    else if (e.state === 'maybe-sent') this.maybe.set(id, e.since);
    if (e.state === 'retry-wait') this.followUps.set(id, { key: e.key, at: e.retryAt });
    else if (e.state === 'pending' && e.key.messageKey !== this.keys[0]) this.followUps.set(id, { key: e.key, at: e.notBefore ?? e.updatedAt });
    else if (e.state !== 'pending') this.followUps.delete(id);
  }

  /** How many frequency-cap follow-ups a message already had. */
  followUpCount(key: LedgerKey): number {
    const base = key.messageKey.split('~')[0]!;
    let n = 0;
    while (this.ledger.get({ ...key, messageKey: `${base}~${n + 1}` })) n++;
    return n;
  }

  /** The next step of a sequence after `key`, if any. */
  nextStep(key: LedgerKey): LedgerKey | undefined {
    const i = this.keys.indexOf(key.messageKey.split('~')[0]!);
    return i >= 0 && i + 1 < this.keys.length ? { ...key, messageKey: this.keys[i + 1]! } : undefined;
  }

  /** Rows of this recipient that have not gone out (an opt-out must stop them). */
  unsentKeysOf(waId: string): LedgerKey[] {
    const out: LedgerKey[] = [];
    for (const f of this.followUps.values()) if (f.key.waId === waId && this.ledger.get(f.key)) out.push(f.key);
    for (const k of this.keys) {
      const key = { campaignId: this.campaignId, waId, messageKey: k };
      const e = this.ledger.get(key);
      if (e && (e.state === 'pending' || e.state === 'retry-wait') && !out.some((o) => keyId(o) === keyId(key))) out.push(key);
    }
    return out;
  }
}

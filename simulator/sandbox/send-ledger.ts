/**
 * What the sandbox received and what it accepted, per recipient and per `biz_opaque_callback_data`,
 * so a test can prove "no duplicate send": a duplicate is the same recipient and the same send key
 * (the callback data, or else the template and its parameters) accepted twice. A send that was
 * processed but whose response was lost (a timeout or reset after processing) counts as accepted:
 * for the recipient it was sent. Also the highest number of sends accepted in any 1-second window
 * per number, on the wall clock and on the virtual one, so a test can prove a rate was kept.
 */

export interface RecipientCount {
  readonly accepted: number;
  readonly requests: number;
}

export interface CallbackCount extends RecipientCount {
  readonly waIds: readonly string[];
}

export interface Duplicate {
  readonly waId: string;
  readonly key: string;
  readonly accepted: number;
}

export interface RateStats {
  readonly accepted: number;
  /** Most sends accepted in any 1-second window of real time. */
  readonly maxPerSecond: number;
  /** … of virtual time (equal to the above when timeScale is 1). */
  readonly maxPerVirtualSecond: number;
}

export interface AcceptedSend {
  readonly numberId: string;
  readonly waId: string;
  readonly key: string;
  readonly callbackData?: string;
  readonly realAt: number;
  readonly virtualAt: number;
}

class WindowMax {
  private times: number[] = [];
  private head = 0;
  max = 0;
  add(t: number): void {
    this.times.push(t);
    while (this.times[this.head]! <= t - 1000) this.head++;
    this.max = Math.max(this.max, this.times.length - this.head);
    if (this.head > 4096) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

interface Counter { accepted: number; requests: number }
interface CallbackCounter extends Counter { waIds: Set<string> }
interface NumberRate { accepted: number; real: WindowMax; virtual: WindowMax }

export class SendLedger {
  private readonly recipients = new Map<string, Counter>();
  private readonly callbacks = new Map<string, CallbackCounter>();
  private readonly keys = new Map<string, number>();
  private readonly rates = new Map<string, NumberRate>();

  /** Every send request that names a recipient, whatever became of it. */
  recordRequest(waId: string, callbackData?: string): void {
    this.recipient(waId).requests++;
    if (callbackData !== undefined) this.callback(callbackData).requests++;
  }

  recordAccepted(send: AcceptedSend): void {
    this.recipient(send.waId).accepted++;
    if (send.callbackData !== undefined) {
      const c = this.callback(send.callbackData);
      c.accepted++;
      c.waIds.add(send.waId);
    }
    const k = `${send.waId}\u0000${send.key}`;
    this.keys.set(k, (this.keys.get(k) ?? 0) + 1);
    let r = this.rates.get(send.numberId);
    if (!r) this.rates.set(send.numberId, (r = { accepted: 0, real: new WindowMax(), virtual: new WindowMax() }));
    r.accepted++;
    r.real.add(send.realAt);
    r.virtual.add(send.virtualAt);
  }

  /** `{ "<wa_id>": { accepted, requests } }` */
  received(): Record<string, RecipientCount> {
    return Object.fromEntries([...this.recipients].map(([k, v]) => [k, { accepted: v.accepted, requests: v.requests }]));
  }

  byCallbackData(): Record<string, CallbackCount> {
    return Object.fromEntries([...this.callbacks].map(([k, v]) => [k, { accepted: v.accepted, requests: v.requests, waIds: [...v.waIds] }]));
  }

  duplicates(): Duplicate[] {
    const out: Duplicate[] = [];
    for (const [k, accepted] of this.keys) {
      if (accepted < 2) continue;
      const [waId, key] = k.split('\u0000') as [string, string];
      out.push({ waId, key, accepted });
    }
    return out;
  }

  rate(): Record<string, RateStats> {
    return Object.fromEntries([...this.rates].map(([id, r]) => [id, { accepted: r.accepted, maxPerSecond: r.real.max, maxPerVirtualSecond: r.virtual.max }]));
  }

  private recipient(waId: string): Counter {
    let c = this.recipients.get(waId);
    if (!c) this.recipients.set(waId, (c = { accepted: 0, requests: 0 }));
    return c;
  }

  private callback(data: string): CallbackCounter {
    let c = this.callbacks.get(data);
    if (!c) this.callbacks.set(data, (c = { accepted: 0, requests: 0, waIds: new Set() }));
    return c;
  }
}

/**
 * Decides when a campaign must stop itself before a number gets hurt. It only judges; the runner
 * pauses. Resuming is always a human decision.
 */
import type { PauseReason } from './campaign.ts';
import type { QualityRating } from './quality.ts';
import type { RunnerOptions } from './runner-options.ts';
import type { RunnerSignal } from './runner-signal.ts';

export interface PauseVerdict {
  readonly reason: PauseReason;
  readonly detail: string;
}

/** Codes that mean "this number is in trouble": stop everything it sends (DOMAIN §6). */
const NUMBER_STOP_CODES: Readonly<Record<number, PauseReason>> = { 131048: 'spam-rate-limit', 368: 'account-restriction', 131031: 'account-restriction' };
const TEMPLATE_STOP_CODES: Readonly<Record<number, PauseReason>> = { 132015: 'template-paused', 132016: 'template-disabled' };

export class SafetyMonitor {
  private readonly recent: boolean[] = [];
  private failures = 0;
  private readonly quality = new Map<string, QualityRating>();

  constructor(private readonly options: RunnerOptions) {}

  /** Record one final outcome (accepted and delivered, or failed) and judge the failure share. */
  outcome(failed: boolean): PauseVerdict | undefined {
    this.recent.push(failed);
    if (failed) this.failures++;
    if (this.recent.length > this.options.failureWindow && this.recent.shift()) this.failures--;
    const n = this.recent.length;
    if (n >= this.options.failureMinSample && this.failures / n > this.options.maxFailureShare) {
      return { reason: 'failure-rate', detail: `${this.failures} of the last ${n} sends failed (${pct(this.failures / n)}, above the ${pct(this.options.maxFailureShare)} limit)` };
    }
    return undefined;
  }

  /** A Meta error code on a send or a status: some stop the number or the template at once. */
  metaCode(code: number, numberId: string, template: string): PauseVerdict | undefined {
    const numberReason = NUMBER_STOP_CODES[code];
    if (numberReason) return { reason: numberReason, detail: `Meta answered ${code} for number ${numberId}` };
    const templateReason = TEMPLATE_STOP_CODES[code];
    if (templateReason) return { reason: templateReason, detail: `template ${template} answered ${code}` };
    return undefined;
  }

  /** A webhook about a number, a template or the account. */
  signal(s: RunnerSignal, sendingNumbers: ReadonlySet<string>, template: string): PauseVerdict | undefined {
    switch (s.kind) {
      case 'number-quality': {
        const before = this.quality.get(s.numberId) ?? 'HIGH';
        this.quality.set(s.numberId, s.quality);
        if (!sendingNumbers.has(s.numberId)) return undefined;
        const tooLow = s.quality === 'LOW' || (this.options.pauseOnQuality === 'MEDIUM' && s.quality === 'MEDIUM' && before === 'HIGH');
        return tooLow ? { reason: 'quality-drop', detail: `number ${s.numberId} quality fell from ${before} to ${s.quality}` } : undefined;
      }
      case 'number-status':
        if (!sendingNumbers.has(s.numberId)) return undefined;
        if (s.status === 'FLAGGED') return { reason: 'flagged', detail: `number ${s.numberId} is FLAGGED: low quality; it returns one tier lower unless quality recovers within 7 days` };
        if (s.status === 'RESTRICTED' || s.status === 'BANNED' || s.status === 'DISCONNECTED' || s.status === 'RATE_LIMITED') {
          return { reason: 'restricted', detail: `number ${s.numberId} is ${s.status}` };
        }
        return undefined;
      case 'template-status':
        if (s.template !== template) return undefined;
        if (s.status === 'PAUSED') return { reason: 'template-paused', detail: `template ${template} was paused by Meta${s.detail ? `: ${s.detail}` : ''}` };
        if (s.status === 'DISABLED' || s.status === 'REJECTED') return { reason: 'template-disabled', detail: `template ${template} is ${s.status}${s.detail ? `: ${s.detail}` : ''}` };
        return undefined;
      case 'account-restriction':
        return { reason: 'account-restriction', detail: s.detail };
      default:
        return undefined;
    }
  }
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10} %`;
}

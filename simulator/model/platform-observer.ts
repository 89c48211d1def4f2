/**
 * What a shell on the simulated platform hears back, as the bot hears it from Meta's webhooks: per
 * message (by the tag it sent it with) its statuses and the recipient's replies; per number the
 * changes on the timeline and the enforcement actions Meta announces; the template's status.
 * Nothing listens by default: the planner-driven sender needs none of it, and pays nothing for it.
 */
import type { Instant } from '../../core/index.ts';
import type { TimelineKind } from '../scenario/scenario.ts';
import type { EnforcementEvent } from './enforcement.ts';

export interface PlatformObserver {
  /** A status of the message sent with `tag`; `code` is Meta's error code of a failure. */
  status(tag: number, status: 'delivered' | 'read' | 'failed', at: Instant, code?: number): void;
  /** Recipient `i` writes to number `n`: an ordinary reply, or a STOP. */
  inbound(n: number, i: number, kind: 'reply' | 'stop', at: Instant): void;
  /** `message_template_status_update` for the plan's template. */
  template(status: 'PAUSED' | 'DISABLED' | 'APPROVED', at: Instant): void;
}

export interface RecorderListener {
  /** A tier, status or quality change of a number (by id), as the timeline records it. */
  change(at: Instant, number: string, kind: TimelineKind, from: string, to: string): void;
  /** A rung of the enforcement ladder, or the spam rate limit, on a number (by id). */
  enforced(number: string, event: EnforcementEvent): void;
}

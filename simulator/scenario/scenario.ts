/**
 * A scenario, fully resolved: what `parseScenario` (scenario/parse-scenario.ts) makes of a YAML
 * file once every default is filled in and every value checked. The world models and the runner
 * read only this.
 */
import type { Duration, Instant, PhoneNumber, PlanSchedule, Policy, TierName, QualityRating, NumberStatus } from '../../core/index.ts';
import type { ModelParameters } from '../model/parameters.ts';

export interface Segment {
  readonly name: string;
  readonly size: number;
  /** How the segment opted in: explicit opt-in draws far less negative feedback than none. */
  readonly optIn: 'explicit' | 'implied' | 'none';
  /** `silent` recipients never give feedback of any kind (no reads, replies, blocks): deterministic runs. */
  readonly behaviour: 'normal' | 'silent';
  /** Probability a recipient is on WhatsApp at all (else the send fails 131026). */
  readonly onWhatsApp: number;
  /** Probability a recipient is offline when a message arrives, and the mean time to reconnect. */
  readonly offline: number;
  readonly reconnectMean: Duration;
  /** Per delivered message, before fatigue: probabilities of each reaction. */
  readonly read: number;
  readonly reply: number;
  readonly block: number;
  readonly report: number;
  readonly stop: number;
}

export interface PlanSpec {
  readonly name: string;
  /** Number ids the plan sends from (a pool when several). */
  readonly from: readonly string[];
  readonly schedule: PlanSchedule;
  /** Template name (from `templates`), default the first. */
  readonly template: string;
  /** Segments the plan targets, in order; default all. */
  readonly segments: readonly string[];
  /**
   * Who sends: `planner` (default) steps core's pacing planner directly; `runner` runs core's
   * CampaignRunner, the bot's own code, with its safety pauses, retries and follow-ups.
   */
  readonly sender?: PlanSender;
}

export const PLAN_SENDERS = ['planner', 'runner'] as const;
export type PlanSender = (typeof PLAN_SENDERS)[number];

/** One send request of a replication, in the order it was made. */
export interface SentMessage {
  /** Simulated ms from the start. */
  readonly at: Duration;
  /** The audience member (0-based, segments back to back) and their wa_id. */
  readonly index: number;
  readonly waId: string;
  readonly numberId: string;
  /** The sequence step ("m1" for a single message; a frequency-cap follow-up is "m1~1"). */
  readonly messageKey: string;
  /** Meta's answer: accepted (it may still fail later), or the error code it was refused with. */
  readonly accepted: boolean;
  readonly code?: number;
}

/** A forced change at an exact time: it holds until the next event, or until feedback moves the score. */
export interface ForcedEvent {
  readonly at: Duration;
  readonly number: string;
  readonly quality?: QualityRating;
  readonly status?: NumberStatus;
  readonly tier?: TierName;
}

export type Expectation =
  | { readonly kind: 'max-ban-risk'; readonly plan: string; readonly p: number }
  | { readonly kind: 'max-flag-risk'; readonly plan: string; readonly p: number }
  | { readonly kind: 'reach-tier'; readonly plan: string; readonly tier: TierName; readonly within: Duration }
  | { readonly kind: 'min-delivered'; readonly plan: string; readonly count: number };

export interface TemplateSpec {
  readonly name: string;
  readonly category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  readonly quality: QualityRating;
}

export interface Scenario {
  readonly name: string;
  /** What the scenario shows, in a sentence or two (optional `description:` in the file). */
  readonly description?: string;
  readonly policy: Policy;
  readonly seed: number;
  readonly replications: number;
  readonly horizon: Duration;
  /** The run's instant zero (simulated ms); times in the file are offsets from it. */
  readonly start: Instant;
  readonly portfolio: { readonly id: string; readonly verified: boolean; readonly numbers: readonly PhoneNumber[] };
  readonly audience: { readonly segments: readonly Segment[] };
  readonly templates: readonly TemplateSpec[];
  readonly plans: readonly PlanSpec[];
  readonly events: readonly ForcedEvent[];
  readonly expect: readonly Expectation[];
  readonly params: ModelParameters;
}

export type TimelineKind = 'tier' | 'status' | 'quality';

export interface TimelineEntry {
  /** Simulated ms from the start. */
  readonly at: Duration;
  readonly number: string;
  readonly kind: TimelineKind;
  readonly from: string;
  readonly to: string;
}

export interface ReplicationCounts {
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly replied: number;
  readonly failed: number;
  /** Sent but neither delivered nor failed at the horizon (e.g. the recipient is still offline). */
  readonly pending: number;
  readonly blocks: number;
  readonly reports: number;
  readonly stops: number;
  /** Failures by Meta error code. */
  readonly failedByCode: Readonly<Record<string, number>>;
}

/** Hourly series for charts (kept for replication 0 only). */
export interface SeriesPoint {
  readonly hour: number;
  readonly sends: number;
  readonly tiers: Readonly<Record<string, TierName>>;
  readonly quality: Readonly<Record<string, QualityRating>>;
}

export interface ReplicationResult {
  readonly plan: string;
  readonly replication: number;
  readonly seed: number;
  readonly banned: boolean;
  readonly flagged: boolean;
  readonly restricted: boolean;
  /** Per number: when each tier was first reached (ms from start). */
  readonly tierReachedAt: Readonly<Record<string, Partial<Record<TierName, Duration>>>>;
  readonly timeline: readonly TimelineEntry[];
  readonly counts: ReplicationCounts;
  readonly series?: readonly SeriesPoint[];
  /** Meta's actions short of a ban, counted over the run (optional: older results lack it). */
  readonly enforcement?: EnforcementCounts;
  readonly events: number;
  /** Every send request in order, when asked for (`runReplication(…, { sends: true })`). */
  readonly sends?: readonly SentMessage[];
}

export interface EnforcementCounts {
  /** Enforcement warnings (the ladder's first rung). */
  readonly warnings: number;
  /** Blocks of business-initiated (or all) messaging (the ladder's middle rungs). */
  readonly blocks: number;
  /** Spells of the spam rate limit (131048). */
  readonly rateLimited: number;
  /** Template pauses for low quality. */
  readonly templatePauses: number;
}

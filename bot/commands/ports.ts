/**
 * What the command handlers need from the rest of the bot, as small ports. The campaign service
 * (runner, store and Cloud API client together) satisfies `CampaignOps` through a thin adapter;
 * tests pass fakes. Reads that the store already answers (templates, contacts, audiences, the
 * ledger, the audit log) go to the `Store` port directly.
 */
import type { Campaign } from '../../core/campaign.ts';
import type { LedgerSummary } from '../../core/campaign-ledger.ts';
import type { PlanSchedule } from '../../core/pacing-plan.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { Notice } from '../../core/runner-ports.ts';
import type { TierName } from '../../core/tier.ts';
import type { Instant } from '../../core/time.ts';
import type { AuditEntry, Store } from '../store/store.ts';

/** A number with its books: what the limit allows now, and when that changes. */
export interface NumberUsage {
  readonly number: PhoneNumber;
  /** The limit holder it draws on: itself (meta-2023) or its portfolio (meta-2025-10). */
  readonly holderId: string;
  /** Unique recipients allowed in any rolling 24 h; Infinity when unlimited. */
  readonly limit: number;
  readonly used: number;
  /** When the oldest recipient in the window drops out and room frees, if the window is full. */
  readonly nextRoomAt?: Instant;
  readonly pendingUpgrade?: { readonly tier: TierName; readonly at: Instant };
}

export interface PlanInfo {
  readonly name: string;
  readonly schedule: PlanSchedule;
  readonly description?: string;
}

export interface StartRequest {
  readonly name: string;
  readonly template: { readonly name: string; readonly language: string };
  readonly audience: string;
  /** Phone number ids. */
  readonly from: readonly string[];
  readonly plan: string;
  /** Start later rather than now. */
  readonly at?: Instant;
}

export type OpResult = { readonly ok: true; readonly campaign: Campaign } | { readonly ok: false; readonly message: string };

/** Implementations write their own state changes (who, what, when) to the store's audit log. */
export interface CampaignOps {
  /** Every number the business has, with its limit books as of now. */
  numbers(): Promise<readonly NumberUsage[]>;
  /** The pacing plans `--plan` may name. */
  plans(): readonly PlanInfo[];
  /** Create the campaign and start it (or schedule it for `at`). */
  start(request: StartRequest, by: string): Promise<OpResult>;
  pause(id: string, by: string, detail: string): Promise<OpResult>;
  resume(id: string, by: string): Promise<OpResult>;
  stop(id: string, by: string, reason: string): Promise<OpResult>;
  /**
   * What the service knows live: the audience size the campaign started with, and its ledger
   * summary when it holds one in memory (undefined: the caller reads the store's journal).
   */
  progress(id: string): Promise<{ readonly audience?: number; readonly ledger?: LedgerSummary }>;
}

/** The simulator's verdict on a plan, next to the alternative. */
export interface PlanRisk {
  readonly plan: string;
  readonly flagged: { readonly p: number; readonly lo: number; readonly hi: number };
  readonly restricted: { readonly p: number; readonly lo: number; readonly hi: number };
  readonly banned: { readonly p: number; readonly lo: number; readonly hi: number };
  /** Mean delivered within the horizon. */
  readonly delivered: number;
}

export interface RiskEstimate {
  readonly plans: readonly PlanRisk[];
  readonly replications: number;
  readonly horizonDays: number;
  readonly elapsedMs: number;
  readonly seed: number;
}

export interface RiskInput {
  readonly numbers: readonly NumberUsage[];
  readonly recipients: number;
  /** The chosen plan first, then the alternative. */
  readonly plans: readonly PlanInfo[];
  readonly optIn: 'explicit' | 'implied' | 'none';
  readonly horizonDays: number;
}

export interface RiskEstimator {
  estimate(input: RiskInput): Promise<RiskEstimate>;
}

export interface Clock {
  now(): Instant;
}

/** Where state changes are recorded: the store's audit log, and a Slack channel if configured. */
export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
  /** Only tell the channel: the entry is already in the store (an import writes its own). */
  announce(entry: AuditEntry): Promise<void>;
}

/** Alerts as they happen (runner notices, quality changes), for the alerts channel and App Home. */
export interface AlertSink {
  alert(notice: Notice): Promise<void>;
}

export interface CommandSettings {
  /** Eligible recipients from which a start needs a second approver. */
  readonly approvalThreshold: number;
  /** Predicted P(flagged) from which a start is risky and needs a second approver. */
  readonly riskThreshold: number;
  /** Whether a second approver exists at all (not in the one-person console). */
  readonly approvals: boolean;
  /** Where `simulate <name>` finds `<name>.yaml`. */
  readonly scenariosDir: string;
  /** For phone numbers typed without a country code. */
  readonly defaultCountry?: string;
  /** Price per delivered message by category (lowercase), for report cost estimates. */
  readonly prices?: Readonly<Record<string, number>>;
  /** Replications for `simulate` when the scenario asks for more (keeps Slack answers quick). */
  readonly maxSimulationReplications: number;
}

export interface CommandDeps {
  readonly store: Store;
  readonly campaigns: CampaignOps;
  readonly risk: RiskEstimator;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly settings: CommandSettings;
}

/** Who asked, and from where. */
export interface Invocation {
  /** A Slack user id, or the console's user name. */
  readonly user: string;
  readonly channel?: string;
  /** Whether this person may change state here (the authorisation middleware decided). */
  readonly mayChange: boolean;
  /** Slack reads files that were shared with it; the console reads paths. */
  readonly surface: 'slack' | 'console';
}

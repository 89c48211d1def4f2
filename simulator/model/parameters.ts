/**
 * Every parameter of the world model that Meta does not publish, with its default and the reason
 * for it. A scenario may override any of them under `params:` (durations as "7d", "30m" or ms).
 * Published rules (tiers, 24 h window, upgrade delays, 3 h / 6 h template pauses, 80 msg/s, one
 * message per 6 s to a person) are not here: they come from core's policies and constants.
 */
import { DEFAULT_QUALITY_PARAMETERS, DAY, HOUR, MINUTE, SECOND, type Duration, type Problem, type QualityParameters } from '../../core/index.ts';
import { resolveAgainst } from './parameter-schema.ts';

export interface ModelParameters {
  /** How recipients react, on top of the segment's propensities. */
  readonly feedback: {
    /** Multiplier on block, report, mute and STOP by how the segment opted in. */
    readonly optIn: { readonly explicit: number; readonly implied: number; readonly none: number };
    /** Probability a delivered message gets the chat muted or archived (no segment field for it). */
    readonly mute: number;
    /** Mean time from delivery to reading (and to a reaction). */
    readonly readDelayMean: Duration;
    /** A message still unread this long after delivery counts as ignored. */
    readonly ignoreAfter: Duration;
  };
  /** Tiredness of one recipient with this business. */
  readonly fatigue: {
    /** Messages older than about this stop counting (exponential forgetting with this time constant). */
    readonly window: Duration;
    /** Negative feedback × (1 + perMessage) for each other message the person got in the window. */
    readonly perMessage: number;
    /** Report chance × (1 + offlinePile) for each other identical message delivered at once on reconnect. */
    readonly offlinePile: number;
  };
  /** How strange the sending looks for the number's history (applies to negative feedback). */
  readonly scrutiny: {
    /** Multiplier for a brand-new number (one that starts at the policy's first tier). */
    readonly newNumber: number;
    /** The excess over 1 halves every `halfLife` of the number's age (time since its first send). */
    readonly halfLife: Duration;
    /** Sends in the last 24 h up to this many never count as a spike. */
    readonly volumeFloor: number;
    /** Multiplier = (sends in the last 24 h / the number's previous daily peak) ^ velocityExponent, when > 1. */
    readonly velocityExponent: number;
  };
  readonly delivery: {
    /** From acceptance to the phone, for an online recipient (fixed: its spread matters to nothing modelled). */
    readonly latency: Duration;
    /** Undelivered this long (phone offline), a message fails. */
    readonly ttl: Duration;
  };
  /** Meta's quality rating (core's QualityScore): lookback, half-life, weights, thresholds, sample. */
  readonly quality: QualityParameters;
  readonly rating: {
    /** How often Meta re-rates each number and template. */
    readonly interval: Duration;
    /** This many block/report/mute signals since the last rating trigger an early re-rating... */
    readonly burstNegatives: number;
    /** ... this long after the burst. */
    readonly burstDelay: Duration;
  };
  /** Per-user marketing limit (131049). */
  readonly marketingLimit: {
    /** Mean marketing messages a person gets from other businesses per day. */
    readonly othersPerDay: number;
    /** Marketing messages per person per day that never trigger the limit. */
    readonly allowance: number;
    /** P(131049) = 1 − exp(−perExtra × messages above the allowance). */
    readonly perExtra: number;
  };
  /** Spam rate limit (131048): block + report rate over a window. */
  readonly spamLimit: {
    readonly window: Duration;
    readonly rate: number;
    readonly minSample: number;
    readonly cooldown: Duration;
  };
  /** The enforcement ladder: warning → block → longer block → ban. */
  readonly enforcement: {
    readonly window: Duration;
    /** Block + report rate over the window that earns a strike. */
    readonly strikeRate: number;
    readonly minSample: number;
    /** Block/report signals needed since the previous strike (sustained, not the same bad day twice). */
    readonly minNewNegatives: number;
    /** Least time between two strikes. */
    readonly spacing: Duration;
    /** Block of business-initiated messaging at the second strike. */
    readonly firstBlock: Duration;
    /** Block of all messaging at the third strike; the fourth bans. */
    readonly secondBlock: Duration;
    /** Block + report rate over the window that bans at once (severe). */
    readonly banRate: number;
    readonly banMinSample: number;
    /** Strikes older than this are forgotten. */
    readonly memory: Duration;
  };
  readonly templates: {
    /** Sends let through before a paced marketing template's messages are held. */
    readonly pacingThreshold: number;
    /** Time from the first held message to Meta's verdict. */
    readonly assessmentDelay: Duration;
  };
  /** The sender's own conduct (what a careful bot does), not Meta's. */
  readonly sender: {
    /** The pacing step: throughput is granted per tick. */
    readonly tick: Duration;
    /** After a 131048 (any error core says stops the number) it waits for a person to resume it, this long. */
    readonly pauseAfterSpamLimit: Duration;
  };
}

export const DEFAULT_MODEL_PARAMETERS: ModelParameters = {
  feedback: {
    // Segment propensities are read as those of an explicitly opted-in list: 0.4 % blocks stay 0.4 %.
    // Implied consent (customers who never asked for WhatsApp marketing) draws ~2.5× the complaints,
    // a list with no opt-in ~10× ("several %" of blocks, as deliverability guides report for cold lists).
    optIn: { explicit: 1, implied: 2.5, none: 10 },
    // Muting/archiving is commoner than blocking but Meta weighs it lightly; 0.2 % is half the block rate.
    mute: 0.002,
    // Most WhatsApp messages are read within the hour.
    readDelayMean: 30 * MINUTE,
    // Seed 003 counts ignored messages; a day unread is a fair reading of "ignored".
    ignoreAfter: DAY,
  },
  fatigue: {
    // The same 7 days over which Meta weighs quality.
    window: 7 * DAY,
    // Each further message within a week adds half again to the chance of a block or report.
    perMessage: 0.5,
    // Seed 000: identical messages arriving at once on reconnect invite reports; each doubles the chance.
    offlinePile: 1,
  },
  scrutiny: {
    // A number nobody knows yet, sending to people who never chatted with it, draws twice the
    // blocks and reports of an established one (no recognition; the "unknown business" safety prompt).
    newNumber: 2,
    // Recognition builds over days: the excess halves every 3 days, so after two weeks it is ~5 %.
    halfLife: 3 * DAY,
    // Up to a new number's first tier (250 a day) is ordinary traffic whatever the history.
    volumeFloor: 250,
    // Ten times yesterday's peak in a day draws ~4× the negative feedback: a blast reaches the
    // least engaged people at once and looks like spam to them and to Meta's classifiers.
    velocityExponent: 0.6,
  },
  delivery: {
    // An online phone gets a message within seconds; nothing modelled depends on the exact figure.
    latency: 2 * SECOND,
    // Meta keeps an undelivered message up to 30 days before failing it.
    ttl: 30 * DAY,
  },
  // Core's weights and thresholds: 1 % weighted negative feedback gives MEDIUM, 2 % LOW (third-party
  // rule of thumb). Rated only from 500 recency-weighted deliveries: two blocks in a first hundred
  // messages are noise, not a LOW.
  quality: { ...DEFAULT_QUALITY_PARAMETERS, minSample: 500 },
  rating: {
    // Seed 003: "at high volume it can change within minutes"; hourly otherwise.
    interval: HOUR,
    // Ten blocks, reports or mutes are a burst worth a look before the hour is out...
    burstNegatives: 10,
    // ... taken ten minutes later, once the burst's siblings have landed too.
    burstDelay: 10 * MINUTE,
  },
  marketingLimit: {
    // About one marketing message a day from other businesses, two a day tolerated: ~2 % of
    // marketing sends fail 131049, the low end of what senders report in busy markets.
    othersPerDay: 1,
    allowance: 2,
    perExtra: 0.05,
  },
  spamLimit: {
    // Above the LOW line (2 % weighted ≈ 1.3 % blocks + reports): a day with 2.5 % of people
    // blocking or reporting, over a sample large enough not to be noise, trips the spam limit for a day.
    window: DAY,
    rate: 0.025,
    minSample: 300,
    cooldown: DAY,
  },
  enforcement: {
    // Meta acts on sustained negative feedback: a few days, not one bad hour.
    window: 3 * DAY,
    // 2 % blocks + reports: above where the rating turns LOW (~1.3 %), so a strike means worse than LOW.
    strikeRate: 0.02,
    // Under 500 deliveries in the window a rate is too noisy to punish.
    minSample: 500,
    // Ten fresh complaints since the last strike: the same bad day is not punished twice.
    minNewNegatives: 10,
    // One review a day at most: a strike each bad day, not each bad hour.
    spacing: DAY,
    // DOMAIN §3: "1 or 3-day block", then "5 or 7-day block": the mild first, the severe second.
    firstBlock: DAY,
    secondBlock: 7 * DAY,
    // 6 % blocks + reports (a cold list blasted from a new number) is "excessive": offboarded at once.
    banRate: 0.06,
    // An immediate ban needs a rate measured on at least 1000 deliveries.
    banMinSample: 1000,
    // Strikes are remembered for a quarter, as policy-violation histories usually are.
    memory: 90 * DAY,
  },
  templates: {
    // Core's default: 1000 sends give 10-20 negative signals at 1-2 %, enough to judge.
    pacingThreshold: 1000,
    // Meta judges within hours; two hours of reads and reactions after the first held message.
    assessmentDelay: 2 * HOUR,
  },
  sender: {
    // Throughput is per second (80 msg/s), so the planner grants it per second.
    tick: SECOND,
    // A person reviews audience and content before resuming; a day is a quick turnaround.
    pauseAfterSpamLimit: DAY,
  },
};

/** Merge a scenario's `params:` over the defaults, checking every value; problems carry their path. */
export function resolveModelParameters(raw: unknown, path = 'params'): { value: ModelParameters; problems: Problem[] } {
  return resolveAgainst(raw, path, DEFAULT_MODEL_PARAMETERS);
}

/**
 * A campaign's lifecycle: one template sent to one audience from a set of numbers under a pacing
 * plan. The state machine follows what campaign platforms already publish (draft → scheduled →
 * running → completed | stopped | failed; cancel only while scheduled) plus a `paused` state:
 * the runner pauses on a ban signal, and only a named human resumes, because resuming into a
 * falling quality rating is how numbers get banned (seed 003).
 *
 * `transition` returns an illegal transition as a value (a Slack button pressed twice is an
 * expected outcome); `applyTransition` throws for callers at a boundary that treat it as a bug.
 */
import { CoreError, describe, invalidArgument, notOneOf } from './errors.ts';
import type { Instant } from './time.ts';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'stopped', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Why a campaign was paused: the ban signals of DOMAIN §3-§6 and a human's decision. */
export const PAUSE_REASONS = [
  'quality-drop', 'flagged', 'restricted', 'spam-rate-limit', 'template-paused', 'template-disabled',
  'failure-rate', 'account-restriction', 'manual',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const CAMPAIGN_COMMANDS = ['schedule', 'start', 'pause', 'resume', 'complete', 'stop', 'fail'] as const;
export type CampaignCommandKind = (typeof CAMPAIGN_COMMANDS)[number];

export type CampaignCommand =
  | { readonly kind: 'schedule'; readonly at: Instant }
  | { readonly kind: 'start' }
  | { readonly kind: 'pause'; readonly reason: PauseReason; readonly detail: string }
  /** Resuming is a human decision: `by` names who took it, for the audit log. */
  | { readonly kind: 'resume'; readonly by: string }
  | { readonly kind: 'complete' }
  | { readonly kind: 'stop'; readonly by: string; readonly reason: string }
  | { readonly kind: 'fail'; readonly reason: string };

export interface CampaignHistoryEntry {
  readonly from: CampaignStatus;
  readonly to: CampaignStatus;
  readonly at: Instant;
  readonly by?: string;
  readonly reason?: string;
  readonly detail?: string;
}

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly template: { readonly name: string; readonly language: string };
  readonly audience: string;
  /** Phone number ids, or pool names, the campaign may send from. */
  readonly from: readonly string[];
  /** The pacing plan's name. */
  readonly plan: string;
  readonly status: CampaignStatus;
  readonly createdAt: Instant;
  readonly scheduledAt?: Instant;
  readonly startedAt?: Instant;
  readonly endedAt?: Instant;
  /** Present only while paused; the history keeps every earlier pause. */
  readonly pause?: { readonly reason: PauseReason; readonly at: Instant; readonly detail: string };
  readonly history: readonly CampaignHistoryEntry[];
}

export interface CampaignEvent {
  readonly kind: 'campaign-status-changed';
  readonly campaignId: string;
  readonly command: CampaignCommandKind;
  readonly from: CampaignStatus;
  readonly to: CampaignStatus;
  readonly at: Instant;
  readonly by?: string;
  readonly reason?: string;
  readonly detail?: string;
}

export interface IllegalTransition {
  readonly code: 'WA_ILLEGAL_TRANSITION';
  readonly message: string;
  readonly campaignId: string;
  readonly command: CampaignCommandKind;
  readonly from: CampaignStatus;
  readonly allowed: readonly CampaignCommandKind[];
}

export type TransitionResult =
  | { readonly ok: true; readonly campaign: Campaign; readonly event: CampaignEvent }
  | { readonly ok: false; readonly error: IllegalTransition };

/** The whole state machine: for each command, the statuses it is legal from and where it leads. */
const TABLE: Readonly<Record<CampaignCommandKind, Readonly<Partial<Record<CampaignStatus, CampaignStatus>>>>> = {
  schedule: { draft: 'scheduled' },
  start: { draft: 'running', scheduled: 'running' },
  pause: { running: 'paused' },
  resume: { paused: 'running' },
  complete: { running: 'completed' },
  // From scheduled this is a cancel. Recipients not yet sent stay pending in the ledger.
  stop: { scheduled: 'stopped', running: 'stopped', paused: 'stopped' },
  fail: { running: 'failed', paused: 'failed' },
};

const TERMINAL: ReadonlySet<CampaignStatus> = new Set(['completed', 'stopped', 'failed']);

/** The status a command leads to from `status`, or undefined when it is not allowed there. */
export function nextStatus(status: CampaignStatus, command: CampaignCommandKind): CampaignStatus | undefined {
  return TABLE[command][status];
}

export function allowedCommands(status: CampaignStatus): CampaignCommandKind[] {
  return CAMPAIGN_COMMANDS.filter((c) => TABLE[c][status] !== undefined);
}

export function isTerminal(status: CampaignStatus): boolean {
  return TERMINAL.has(status);
}

/** Only a running campaign may begin sends; a paused one lets in-flight sends settle. */
export function canSend(status: CampaignStatus): boolean {
  return status === 'running';
}

const ARTICLE: Readonly<Record<CampaignStatus, string>> = {
  draft: 'a draft', scheduled: 'a scheduled', running: 'a running', paused: 'a paused',
  completed: 'a completed', stopped: 'a stopped', failed: 'a failed',
};

export function transition(campaign: Campaign, command: CampaignCommand, at: Instant): TransitionResult {
  checkCommand(command);
  checkTime(campaign, at);
  const from = campaign.status;
  const to = nextStatus(from, command.kind);
  if (to === undefined) {
    const allowed = allowedCommands(from);
    const message = `campaign ${campaign.id}: cannot ${command.kind} ${ARTICLE[from]} campaign; allowed from ${from}: ${allowed.length ? allowed.join(', ') : 'none'}`;
    return { ok: false, error: { code: 'WA_ILLEGAL_TRANSITION', message, campaignId: campaign.id, command: command.kind, from, allowed } };
  }
  const by = command.kind === 'resume' || command.kind === 'stop' ? command.by : undefined;
  const reason = command.kind === 'pause' || command.kind === 'stop' || command.kind === 'fail' ? command.reason : undefined;
  const detail = command.kind === 'pause' ? command.detail : undefined;
  const record: CampaignHistoryEntry = { from, to, at, ...(by !== undefined ? { by } : {}), ...(reason !== undefined ? { reason } : {}), ...(detail !== undefined ? { detail } : {}) };
  const { pause: _previousPause, ...rest } = campaign;
  const next: Campaign = {
    ...rest,
    status: to,
    history: [...campaign.history, record],
    ...(command.kind === 'schedule' ? { scheduledAt: command.at } : {}),
    ...(to === 'running' && campaign.startedAt === undefined ? { startedAt: at } : {}),
    ...(TERMINAL.has(to) ? { endedAt: at } : {}),
    ...(command.kind === 'pause' ? { pause: { reason: command.reason, at, detail: command.detail } } : {}),
  };
  return { ok: true, campaign: next, event: { kind: 'campaign-status-changed', campaignId: campaign.id, command: command.kind, ...record } };
}

/** `transition` for boundary callers that treat an illegal transition as an error. */
export function applyTransition(campaign: Campaign, command: CampaignCommand, at: Instant): { campaign: Campaign; event: CampaignEvent } {
  const result = transition(campaign, command, at);
  if (!result.ok) {
    const { code, message, ...details } = result.error;
    throw new CoreError(code, message, details);
  }
  return { campaign: result.campaign, event: result.event };
}

/**
 * Ids end up in file names, log keys and (inside send ids) in `biz_opaque_callback_data`, whose
 * 512 characters are shared with the recipient and message keys, so they stay short and plain.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
export const CAMPAIGN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/**
 * Template names are lowercase letters, digits and underscores, at most 512 characters; language
 * codes are Meta's `en`, `en_US`, `ar`, `pt_BR`, `zh_HK`, `fil` style.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview
 */
const TEMPLATE_NAME_RE = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_RE = /^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$/;
const SPEC_KEYS = ['id', 'name', 'template', 'audience', 'from', 'plan', 'createdAt'] as const;

/** Build a new draft campaign from loose input (a Slack form, a scenario file, an API body). */
export function createCampaign(spec: unknown): Campaign {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw invalidArgument('campaign', `got ${describe(spec)}, expected an object with ${SPEC_KEYS.join(', ')}`);
  }
  const s = spec as Record<string, unknown>;
  const extra = Object.keys(s).filter((k) => !(SPEC_KEYS as readonly string[]).includes(k));
  if (extra.length) throw invalidArgument('campaign', `unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected only ${SPEC_KEYS.join(', ')}`, { extra });
  if (typeof s.id !== 'string' || !CAMPAIGN_ID_RE.test(s.id)) {
    throw invalidArgument('campaign id', `got ${describe(s.id)}, expected 1-64 letters, digits, "_", "." or "-" starting with a letter or digit, like "ramadan-2026"`, { value: s.id });
  }
  const where = `campaign ${s.id}`;
  const name = nonEmpty(s.name, `${where} name`, 'a non-empty display name').trim();
  if (name.length > 200) throw invalidArgument(`${where} name`, `got ${name.length} characters, expected at most 200`);
  const t = s.template;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw invalidArgument(`${where} template`, `got ${describe(t)}, expected { name, language } like { name: "spring_sale", language: "ar" }`);
  const { name: tName, language } = t as Record<string, unknown>;
  if (typeof tName !== 'string' || !TEMPLATE_NAME_RE.test(tName)) {
    throw new CoreError('WA_INVALID_TEMPLATE', `${where} template name: got ${describe(tName)}, expected lowercase letters, digits and "_" (Meta's rule), like "spring_sale"`, { value: tName });
  }
  if (typeof language !== 'string' || !LANGUAGE_RE.test(language)) {
    throw new CoreError('WA_INVALID_TEMPLATE', `${where} template language: got ${describe(language)}, expected a Meta language code like "ar", "en_US" or "pt_BR"`, { value: language });
  }
  const audience = nonEmpty(s.audience, `${where} audience`, 'the audience (contact list or segment) id');
  if (!Array.isArray(s.from) || s.from.length === 0) throw invalidArgument(`${where} from`, `got ${describe(s.from)}, expected a non-empty list of phone number ids or pool names`);
  const from = s.from.map((f, i) => nonEmpty(f, `${where} from[${i}]`, 'a phone number id or a pool name'));
  const repeated = from.find((f, i) => from.indexOf(f) !== i);
  if (repeated !== undefined) throw invalidArgument(`${where} from`, `"${repeated}" is listed twice; expected each number or pool once`);
  const plan = nonEmpty(s.plan, `${where} plan`, 'a pacing plan name, like "warm-up"');
  if (typeof s.createdAt !== 'number' || !Number.isFinite(s.createdAt)) throw invalidArgument(`${where} createdAt`, `got ${describe(s.createdAt)}, expected an instant (epoch ms)`);
  return { id: s.id, name, template: { name: tName, language }, audience, from, plan, status: 'draft', createdAt: s.createdAt, history: [] };
}

function nonEmpty(value: unknown, what: string, expected: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidArgument(what, `got ${describe(value)}, expected ${expected}`, { value });
  return value;
}

/** A malformed command is bad input from a boundary (a Slack form, a script), not an outcome. */
function checkCommand(command: CampaignCommand): void {
  if (command === null || typeof command !== 'object' || !(CAMPAIGN_COMMANDS as readonly string[]).includes((command as { kind?: unknown }).kind as string)) {
    throw notOneOf('WA_INVALID_ARGUMENT', 'campaign command', (command as { kind?: unknown } | null)?.kind, CAMPAIGN_COMMANDS);
  }
  switch (command.kind) {
    case 'schedule':
      // A time already past is allowed: the scheduler starts the campaign on its next tick.
      if (!Number.isFinite(command.at)) throw invalidArgument('schedule', `got at ${describe(command.at)}, expected an instant (epoch ms)`);
      break;
    case 'pause':
      if (!(PAUSE_REASONS as readonly string[]).includes(command.reason)) throw notOneOf('WA_INVALID_ARGUMENT', 'pause reason', command.reason, PAUSE_REASONS);
      if (typeof command.detail !== 'string') throw invalidArgument('pause detail', `got ${describe(command.detail)}, expected a string saying what was seen`);
      break;
    case 'resume':
      nonEmpty(command.by, 'resume', 'who resumes (resuming is a human decision), like "U024BE7LH"');
      break;
    case 'stop':
      nonEmpty(command.by, 'stop', 'who stops, like "U024BE7LH" or "runner"');
      nonEmpty(command.reason, 'stop reason', 'a non-empty reason');
      break;
    case 'fail':
      nonEmpty(command.reason, 'fail reason', 'a non-empty reason');
      break;
    default:
      break;
  }
}

function checkTime(campaign: Campaign, at: Instant): void {
  const last = campaign.history.length ? campaign.history[campaign.history.length - 1]!.at : campaign.createdAt;
  if (!Number.isFinite(at) || at < last) {
    throw invalidArgument(`campaign ${campaign.id} transition time`, `got ${describe(at)}, expected an instant at or after ${last} (the last change)`);
  }
}

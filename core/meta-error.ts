/**
 * What to do about a Cloud API error. Meta asks integrators to branch on the numeric `code` (and
 * read `error_data.details`), never on the HTTP status or the title in `message`; `error_subcode`
 * is deprecated. Each code maps to one action; titles and explanations are our own words, written
 * for the person who reads the alert.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
import { describe, invalidArgument } from './errors.ts';
import type { StatusError } from './message-status.ts';
import { DAY, MINUTE, SECOND } from './time.ts';
import type { Duration } from './time.ts';

export const META_ERROR_CODES_PAGE = 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes';

export const ERROR_ACTIONS = [
  'retry-soon', 'retry-later', 'suppress-contact', 'stop-number', 'stop-template', 'fix-payload', 'needs-template', 'needs-human',
] as const;
export type ErrorAction = (typeof ERROR_ACTIONS)[number];

/**
 * `backoff`: retry n waits baseMs·factor^(n-1), spread ±25 % when `jitter`. `schedule`: retry n
 * waits firstAfterMs·factor^(n-1), at most capMs; no jitter, these are days apart anyway.
 */
export type RetryAdvice =
  | { readonly kind: 'backoff'; readonly baseMs: Duration; readonly factor: number; readonly maxAttempts: number; readonly jitter: boolean }
  | { readonly kind: 'schedule'; readonly firstAfterMs: Duration; readonly factor: number; readonly maxAttempts: number; readonly capMs: Duration };

export interface MetaErrorInfo {
  readonly code: number;
  readonly action: ErrorAction;
  readonly title: string;
  /** Plain language, for a chat message: what happened and what to do. */
  readonly explanation: string;
  readonly retry?: RetryAdvice;
}

/** Throughput (80 msg/s per number by default): 1 s, 4 s, 16 s with jitter, so parallel senders spread out.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput */
const THROUGHPUT: RetryAdvice = { kind: 'backoff', baseMs: SECOND, factor: 4, maxAttempts: 3, jitter: true };
/** Pair rate (about 1 message per 6 s to one person): Meta says wait 4^X seconds, X = 0, 1, 2, ….
 * One pair has no herd to spread, so no jitter.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput */
const PAIR_RATE: RetryAdvice = { kind: 'backoff', baseMs: SECOND, factor: 4, maxAttempts: 5, jitter: false };
/** Transient server trouble: 2 s, 8 s, 32 s, 128 s. */
const TRANSIENT: RetryAdvice = { kind: 'backoff', baseMs: 2 * SECOND, factor: 4, maxAttempts: 4, jitter: true };
/** Maintenance mode typically lasts about a minute (e.g. during a throughput upgrade): 1, 2, 4, 8 min. */
const MAINTENANCE: RetryAdvice = { kind: 'backoff', baseMs: MINUTE, factor: 2, maxAttempts: 4, jitter: true };
/** App (4) and WABA (80007) call quotas are counted over rolling windows of minutes to an hour: 1 to 32 min. */
const API_QUOTA: RetryAdvice = { kind: 'backoff', baseMs: MINUTE, factor: 2, maxAttempts: 6, jitter: true };
/** Per-person marketing cap (131049): never the same day; 1, 2, 4 then 7 days (capped), about two weeks in all. */
const MARKETING_CAP: RetryAdvice = { kind: 'schedule', firstAfterMs: DAY, factor: 2, maxAttempts: 4, capMs: 7 * DAY };
/** Enforcement period (131064): wait it out, 1, 3 then 7 days (capped). */
const ENFORCEMENT: RetryAdvice = { kind: 'schedule', firstAfterMs: DAY, factor: 3, maxAttempts: 3, capMs: 7 * DAY };

type Entry = Omit<MetaErrorInfo, 'code'>;
const e = (action: ErrorAction, title: string, explanation: string, retry?: RetryAdvice): Entry =>
  (retry ? { action, title, explanation, retry } : { action, title, explanation });

const STOP_ALL = 'All sending from this number is stopped until a person resumes it.';

const TABLE: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  // Retry soon, with backoff.
  [130429, e('retry-soon', 'Throughput limit reached', 'The number sent messages faster than its per-second throughput allows. Sending slows down and this message is retried within seconds; nothing to do unless it keeps happening.', THROUGHPUT)],
  [131056, e('retry-soon', 'Too many messages to the same person', 'Several messages went to the same person within a few seconds (WhatsApp allows about one every 6 seconds per person). This one is retried after a growing pause: 1 s, 4 s, 16 s and so on.', PAIR_RATE)],
  [131000, e('retry-soon', 'Something went wrong at Meta', 'Meta reported an unexpected internal error. The message is retried shortly with growing pauses; if it keeps failing, check the WhatsApp Business Platform status page.', TRANSIENT)],
  [131016, e('retry-soon', 'Service unavailable', 'WhatsApp is temporarily unavailable. The message is retried shortly with growing pauses; if it keeps failing, check the WhatsApp Business Platform status page.', TRANSIENT)],
  [133004, e('retry-soon', 'Server temporarily unavailable', 'Meta\'s server is temporarily unavailable; the details text may say for how long. The message is retried shortly with growing pauses.', TRANSIENT)],
  [1, e('retry-soon', 'Unknown API error', 'Meta could not process the request, probably a passing server problem. It is retried shortly; if it keeps failing, check the request and the WhatsApp Business Platform status page.', TRANSIENT)],
  [2, e('retry-soon', 'API service unavailable', 'Meta\'s API is down or overloaded for the moment. The message is retried shortly with growing pauses.', TRANSIENT)],
  [131057, e('retry-soon', 'Account in maintenance mode', 'The business account is in maintenance mode, usually for about a minute (for example while its throughput is upgraded). Sending pauses and resumes on its own.', MAINTENANCE)],
  [4, e('retry-soon', 'Too many API calls from the app', 'The app made too many API calls in a short time. Sending slows down and this message is retried after a minute or more.', API_QUOTA)],
  [80007, e('retry-soon', 'Business account rate limit reached', 'The WhatsApp Business Account hit its API rate limit. Sending slows down and this message is retried after a minute or more.', API_QUOTA)],
  // Retry much later.
  [131049, e('retry-later', 'Not delivered, to keep engagement healthy', 'Meta chose not to deliver this marketing message: the person has already had their share of marketing messages for now. This is not a fault of the number, and sending again today would fail too. It is retried no sooner than 24 hours later, with growing gaps (1, 2, 4 then 7 days), then given up.', MARKETING_CAP)],
  [131064, e('retry-later', 'Sending restricted for a period', 'Meta is holding back this kind of message for an enforcement period. Wait it out: the message is retried no sooner than 24 hours later (then 3 and 7 days); the details text may say when the period ends.', ENFORCEMENT)],
  // Never send to this contact again.
  [131026, e('suppress-contact', 'Message undeliverable', 'WhatsApp could not deliver to this person: the number may not be on WhatsApp, their app may be too old, or they have not accepted WhatsApp\'s current terms. The contact is suppressed; sending again would only add risk.')],
  [131050, e('suppress-contact', 'Person stopped marketing messages', 'This person chose to stop receiving marketing messages from the business. The contact is suppressed; respect the choice and do not try to work around it.')],
  [130403, e('suppress-contact', 'Recipient cannot be messaged', 'Meta refused to deliver messages from this business to this recipient. The contact is suppressed so that no further messages go to them.')],
  // Stop the number, alert a human.
  [131048, e('stop-number', 'Spam rate limit hit', `Meta limited how much this number may send because too many earlier messages were blocked or reported as spam. ${STOP_ALL} Review audience, opt-in and content and check the number's quality before resuming slowly.`)],
  [368, e('stop-number', 'Temporarily blocked for policy violations', `The account is blocked for a while for breaking WhatsApp's policies. ${STOP_ALL} Check Business Support Home for the violation and any appeal.`)],
  [131031, e('stop-number', 'Business account restricted or locked', `The business account is restricted or locked, for example after a policy violation or a failed verification. ${STOP_ALL} Check Business Support Home and WhatsApp Manager.`)],
  // Stop the template, alert.
  [132015, e('stop-template', 'Template paused', 'The template was paused for low quality (many people blocked or reported it). The campaign stops using it. Review the content and the audience, then edit the template or wait for the pause to end.')],
  [132016, e('stop-template', 'Template disabled', 'The template was disabled after repeated pauses for low quality and can no longer be sent. Create a new, improved template.')],
  [132068, e('stop-template', 'Flow blocked', 'The Flow attached to this message is blocked, so messages using it fail. The campaign stops using it until a person fixes the Flow.')],
  [132069, e('stop-template', 'Flow throttled', 'The Flow attached to this message is throttled because its endpoint is unhealthy, so only a few messages per hour may use it. The campaign stops using it until a person fixes the Flow.')],
  // Fix the payload; do not retry as is.
  [100, e('fix-payload', 'Invalid parameter', 'The request had a missing, misspelt or invalid field (the details say which). Sending it again unchanged would fail the same way; fix the message first.')],
  [131008, e('fix-payload', 'Required parameter missing', 'A required field is missing from the request (the details say which). Fix the message before sending again.')],
  [131009, e('fix-payload', 'Parameter value not valid', 'A field of the request has a value Meta does not accept (the details say which). Fix the message before sending again.')],
  [131021, e('fix-payload', 'Recipient is the sender', 'The message was addressed to the number that sends it. Remove that number from the audience.')],
  [131051, e('fix-payload', 'Unsupported message type', 'This message type is not supported. Change the message type before sending again.')],
  [131053, e('fix-payload', 'Media upload error', 'The media could not be uploaded: check the file type, size and that its URL is publicly reachable, then send again.')],
  [132000, e('fix-payload', 'Template variable count mismatch', 'The number of variables sent does not match the template\'s placeholders. Fix the variables before sending again.')],
  [132001, e('fix-payload', 'Template does not exist', 'No approved template has this name in this language. Check the name, the language code and the approval status.')],
  [132005, e('fix-payload', 'Template text too long', 'With its variables filled in, the template text is too long. Shorten the variable values.')],
  [132007, e('fix-payload', 'Template formatting rules broken', 'A variable breaks WhatsApp\'s formatting rules, for example with newlines, tabs or more than four spaces in a row. Clean the variable values.')],
  [132012, e('fix-payload', 'Template variable format mismatch', 'A variable has the wrong type or format for its placeholder (for example text where media is expected). Fix the variables before sending again.')],
  // Needs a template.
  [131047, e('needs-template', 'Outside the 24-hour window', 'More than 24 hours have passed since this person last wrote, so only an approved template can reach them. Send a template instead of a free-form message.')],
  // Needs a human: billing, identity, registration, country, access.
  [131042, e('needs-human', 'Payment problem', 'The message was not sent because of a billing problem (no valid payment method, credit line over its limit, or an inactive account). Someone with billing access must fix it in Business Settings.')],
  [137000, e('needs-human', 'Identity check failed', 'The person\'s WhatsApp identity changed (for example a new phone) and the identity check failed. Confirm the contact before messaging them again.')],
  [131045, e('needs-human', 'Number registration error', 'The sending number is not correctly registered (certificate error). Someone must register it again before it can send.')],
  [133010, e('needs-human', 'Phone number not registered', 'The sending number is not registered on the Cloud API. Someone must register it before it can send.')],
  [130497, e('needs-human', 'Country restricted', 'The business may not message people in this country. Someone must check the business\'s eligibility; these contacts cannot be reached for now.')],
  [130472, e('needs-human', 'Recipient in a Meta experiment', 'The person\'s number is part of a Meta experiment in which they do not get this kind of message. Nothing to fix in the message; decide whether to reach them another way.')],
  [131037, e('needs-human', 'Display name needs approval', 'The number\'s display name must be approved before it can send. Someone must check the display name in WhatsApp Manager.')],
  [131052, e('needs-human', 'Media download error', 'Media the person sent could not be downloaded. Ask them to send it again.')],
  [133000, e('needs-human', 'Incomplete deregistration', 'An earlier deregistration of the number did not finish. Someone must deregister it again before registering it.')],
  [133006, e('needs-human', 'Number needs re-verification', 'The number must be verified again before it can be registered. Someone must request and enter a new verification code.')],
  [0, e('needs-human', 'Authentication failed', 'Meta could not authenticate the request: the access token has probably expired or been revoked. Someone must issue a new token.')],
  [190, e('needs-human', 'Access token expired', 'The access token has expired or been revoked. Someone must issue a new token.')],
  [3, e('needs-human', 'Missing capability or permission', 'The app lacks a capability or permission for this call. Someone must check the app\'s permissions with the access token debugger.')],
  [10, e('needs-human', 'Permission denied', 'A permission needed for this call was not granted or was revoked. Someone must check the app\'s permissions.')],
  [131005, e('needs-human', 'Access denied', 'A permission needed for this call was not granted or was revoked. Someone must check the app\'s permissions.')],
  [33, e('needs-human', 'Phone number id not valid', 'The business phone number id is wrong or the number was deleted. Someone must check the configured number.')],
]);

/** Codes 200 to 299 are all "API permission" errors. */
const PERMISSION_RANGE = e('needs-human', 'API permission missing', 'A permission needed for this call was not granted or was revoked. Someone must check the app\'s permissions.');

export const KNOWN_META_ERROR_CODES: readonly number[] = [...TABLE.keys()];

function isCode(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Classify a Cloud API error code. Unknown codes need a human; nothing is retried blindly. */
export function classifyMetaError(code: unknown): MetaErrorInfo {
  if (!isCode(code)) throw invalidArgument('Meta error code', `got ${describe(code)}, expected a non-negative integer like 131049`, { value: code });
  const entry = TABLE.get(code) ?? (code >= 200 && code <= 299 ? PERMISSION_RANGE : undefined);
  if (entry) return { code, ...entry };
  return {
    code,
    action: 'needs-human',
    title: 'Unknown error code',
    explanation: `Meta returned error code ${code}, which this tool does not know, so nothing is retried automatically. Check Meta's error-code page (${META_ERROR_CODES_PAGE}) and the details that came with the error.`,
  };
}

export function isRetryable(code: unknown): boolean {
  const { action } = classifyMetaError(code);
  return action === 'retry-soon' || action === 'retry-later';
}

/**
 * How long to wait before retry number `attempt` (1 = the first retry), or undefined when the
 * error is not retryable or the attempts are used up. `random01` in [0, 1) drives the jitter;
 * without it the nominal delay is returned.
 */
export function retryDelay(info: Pick<MetaErrorInfo, 'retry'>, attempt: number, random01?: number): Duration | undefined {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw invalidArgument('retry attempt', `got ${describe(attempt)}, expected an integer from 1 (the first retry)`);
  if (random01 !== undefined && !(typeof random01 === 'number' && random01 >= 0 && random01 < 1)) {
    throw invalidArgument('jitter draw', `got ${describe(random01)}, expected a number in [0, 1)`);
  }
  const advice = info.retry;
  if (!advice || attempt > advice.maxAttempts) return undefined;
  if (advice.kind === 'schedule') return Math.min(advice.capMs, advice.firstAfterMs * advice.factor ** (attempt - 1));
  const nominal = advice.baseMs * advice.factor ** (attempt - 1);
  if (!advice.jitter || random01 === undefined) return nominal;
  // Clamped: floating-point rounding can otherwise land exactly on the excluded upper bound.
  const lowest = Math.ceil(0.75 * nominal);
  const highest = Math.ceil(1.25 * nominal) - 1;
  return Math.min(highest, Math.max(lowest, Math.floor(nominal * (0.75 + 0.5 * random01))));
}

/** A parsed Cloud API error response. `subcode` is kept for logs only: Meta deprecated it. */
export interface MetaApiError {
  readonly code: number;
  readonly message: string;
  readonly type?: string;
  readonly details?: string;
  readonly subcode?: number;
  readonly fbtraceId?: string;
  readonly info: MetaErrorInfo;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Parse `{"error":{"message","type","code","error_data":{"details"},"error_subcode"?,"fbtrace_id"}}`,
 * given as an object or as raw JSON text. Anything without an `error` object carrying an integer
 * `code` gives undefined; this never throws.
 */
export function parseMetaErrorBody(body: unknown): MetaApiError | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const error = isRecord(parsed) ? parsed.error : undefined;
  if (!isRecord(error) || !isCode(error.code)) return undefined;
  const type = text(error.type);
  const details = isRecord(error.error_data) ? text(error.error_data.details) : undefined;
  const subcode = isCode(error.error_subcode) ? error.error_subcode : undefined;
  const fbtraceId = text(error.fbtrace_id);
  return {
    code: error.code,
    message: text(error.message) ?? '',
    ...(type !== undefined && { type }),
    ...(details !== undefined && { details }),
    ...(subcode !== undefined && { subcode }),
    ...(fbtraceId !== undefined && { fbtraceId }),
    info: classifyMetaError(error.code),
  };
}

/**
 * Parse a status webhook's `errors[{code,title,message?,error_data:{details}}]`. Entries without an
 * integer `code` are dropped; a non-array gives []. Never throws.
 */
export function parseStatusErrors(errors: unknown): StatusError[] {
  if (!Array.isArray(errors)) return [];
  const out: StatusError[] = [];
  for (const entry of errors as unknown[]) {
    if (!isRecord(entry) || !isCode(entry.code)) continue;
    const title = text(entry.title) ?? text(entry.message);
    const details = isRecord(entry.error_data) ? text(entry.error_data.details) : undefined;
    out.push({ code: entry.code, ...(title !== undefined && { title }), ...(details !== undefined && { details }) });
  }
  return out;
}

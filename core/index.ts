/**
 * The public API of the domain core. Everything here is pure: time comes in as an argument,
 * randomness as a seeded source, and nothing does I/O.
 */
export { CoreError, type CoreErrorCode } from './errors.ts';
export { SECOND, MINUTE, HOUR, DAY, parseDuration, parseDayTime, formatDayTime, type Instant, type Duration, type Clock } from './time.ts';
export { TIER_NAMES, TIER_LIMIT, parseTier, tierLimit, isTierName, type TierName } from './tier.ts';
export { QUALITY_RATINGS, parseQuality, qualityToApi, qualityAtLeast, worstQuality, type QualityRating } from './quality.ts';
export {
  POLICY_NAMES, DEFAULT_POLICY, getPolicy, isPolicyName, nextTier, lowerTier,
  type Policy, type PolicyName, type LimitScope, type UpgradeRule, type UpgradeCondition, type UsageMeasure, type FlaggingRules,
} from './policy.ts';
export {
  NUMBER_STATUSES, NUMBER_ROLES, DEFAULT_THROUGHPUT_MPS, MAX_THROUGHPUT_MPS, COEXISTENCE_THROUGHPUT_MPS,
  createPhoneNumber, parseNumberStatus, parseNumberRole, canInitiate,
  type PhoneNumber, type PhoneNumberSpec, type NumberStatus, type NumberRole,
} from './phone-number.ts';
export { SlidingCount, SlidingSet } from './sliding-window.ts';
export { LimitAccount, isRestricted, type UsageView, type OpenResult } from './messaging-limit.ts';
export {
  createTierHolder, step as stepTierHolder, nextDeadline, currentLimit, upgradeConditionsHold,
  type TierHolderState, type TierInput, type TierEvent, type TierStep, type HolderStatus,
} from './tier-holder.ts';
export { LimitHolder, type LimitHolderSpec } from './limit-holder.ts';
export { QualityScore, qualityParameters, DEFAULT_QUALITY_PARAMETERS, FEEDBACK_KINDS, type FeedbackKind, type QualityParameters } from './quality-score.ts';
export {
  DELIVERY_STATUSES, parseDeliveryStatus, mergeStatus, initialMessageState, statusRank, isFinalStatus,
  type DeliveryStatus, type MessageState, type StatusReport, type StatusError,
} from './message-status.ts';
export { plannedBy, nextDueAfter, plannedTotal, parsePlanSchedule, type PlanSchedule, type ScriptEntry, type Problem, type Parsed } from './pacing-plan.ts';
export { planNext, type PacingInput, type PacingDecision, type SenderView, type BudgetView, type Batch } from './pacing-planner.ts';
export { parseMsisdn, toWaId, msisdnFromWaId, type Msisdn, type MsisdnOptions, type MsisdnProblem, type CountryCode } from './msisdn.ts';
export { OPT_OUT_KEYWORDS, OPT_OUT_COURTESY_WORDS, normaliseOptOutText, isOptOutMessage } from './opt-out-keywords.ts';
export {
  OPT_IN_SOURCES, OPT_OUT_VIAS, SUPPRESSION_REASONS, createContact, recordOptIn, recordOptOut, applyInboundText, suppress,
  liftSuppression, suppressionForMetaCode, recordIdentityChange, acknowledgeIdentity, sendEligibility,
  type Contact, type OptIn, type OptOut, type OptInSource, type OptOutVia, type Suppression, type SuppressionReason,
  type IdentityChange, type SendEligibility, type IneligibleReason,
} from './contact.ts';
export {
  META_ERROR_CODES_PAGE, ERROR_ACTIONS, KNOWN_META_ERROR_CODES, classifyMetaError, isRetryable, retryDelay, parseMetaErrorBody, parseStatusErrors,
  type ErrorAction, type RetryAdvice, type MetaErrorInfo, type MetaApiError,
} from './meta-error.ts';
export {
  TEMPLATE_CATEGORIES, TEMPLATE_STATUSES, HEADER_FORMATS, BUTTON_TYPES, PARAMETER_FORMATS, parseTemplateDefinition, parseTemplateList,
  findTemplate, placeholders, SEED_TEMPLATE_JSON, SEED_TEMPLATES,
  type TemplateCategory, type TemplateStatus, type HeaderFormat, type ButtonType, type ParameterFormat, type TemplateHeader,
  type TemplateBody, type TemplateButton, type TemplateDefinition,
} from './template.ts';
/** Builders for a send's components: `templateParts.bodyText('Ali')`, `templateParts.headerImage({ link })`, … */
export * as templateParts from './template-message.ts';
export type {
  TemplateMessage, TemplateComponent, HeaderComponent, BodyComponent, ButtonComponent, HeaderParameter, BodyParameter, MediaObject,
} from './template-message.ts';
export { validateTemplateSend, assertTemplateSend, type TemplateMetaCode, type TemplateProblem, type TemplateSendCheck } from './template-validation.ts';
export {
  DEFAULT_TEMPLATE_LIFECYCLE_OPTIONS, createTemplateLifecycle, step as stepTemplate, nextDeadline as templateNextDeadline, canSend as templateCanSend,
  type TemplateLifecycleOptions, type TemplateLifecycleState, type TemplateInput, type TemplateEvent, type TemplateStep, type SendCheck as TemplateSendAllowed,
  type TemplateLifecycleSpec, type Pacing, type PacingReason,
} from './template-lifecycle.ts';
export {
  CAMPAIGN_STATUSES, PAUSE_REASONS, CAMPAIGN_COMMANDS, nextStatus, allowedCommands, isTerminal, canSend as campaignCanSend, transition as transitionCampaign,
  applyTransition as applyCampaignTransition, CAMPAIGN_ID_RE, createCampaign,
  type CampaignStatus, type PauseReason, type CampaignCommandKind, type CampaignCommand, type CampaignHistoryEntry, type Campaign, type CampaignEvent,
  type IllegalTransition, type TransitionResult,
} from './campaign.ts';
export {
  ENTRY_STATES, SKIP_REASONS, MAX_SEND_ID_LENGTH, parseLedgerKey, keyId, describeKey, createEntry, hasMessageId, sendBlocker, canBeginSend,
  type LedgerKey, type EntryState, type SkipReason, type LedgerEntry, type PendingEntry, type IntentEntry, type AcceptedEntry, type MaybeSentEntry,
  type RetryWaitEntry, type FailedEntry, type SkippedEntry, type UnknownEntry, type NotSentOutcome, type StatusInput, type LedgerEvent,
  type RefusalReason, type Refusal, type EntryStep,
} from './ledger-entry.ts';
export {
  CampaignLedger, type LedgerOperations, type StatusOutcome, type SweepResult, type DuplicateSend, type LedgerSummary, type InvariantRule, type InvariantViolation,
} from './campaign-ledger.ts';
export type { RunnerClock, SendRequest, SendResult, MessageSender, LedgerStore, CampaignStore, Notice, Notifier } from './runner-ports.ts';
export type { RunnerSignal } from './runner-signal.ts';
export { DEFAULT_RUNNER_OPTIONS, runnerOptions, type RunnerOptions } from './runner-options.ts';
export { SafetyMonitor, type PauseVerdict } from './safety-monitor.ts';
export { CampaignRunner, type RunnerSetup, type RunnerRecipient, type Effects, type ContactUpdate } from './campaign-runner.ts';
export { driveCampaign, type RunnerPorts, type CampaignDriver } from './drive-campaign.ts';
export {
  WEBHOOK_EVENT_KINDS, type WebhookEventKind, type WebhookEvent, type StatusEvent, type InboundMessageEvent, type UserChangedNumberEvent,
  type UserIdentityChangedEvent, type NumberQualityEvent, type TemplateStatusEvent, type TemplateQualityEvent, type AccountUpdateEvent,
  type AccountRestriction, type StatusPricing, type ParsedWebhook,
} from './webhook-event.ts';
export { parseWebhookPayload, type ParseWebhookOptions } from './webhook-parser.ts';

/**
 * The bot's configuration: the environment, over a `.env` file, resolved once into a complete,
 * checked object. This is the only module that reads `process.env`. Problems are collected, not
 * thrown one at a time, so a person fixing a deployment sees everything to set in one message.
 *
 * Modes follow from what is set: a Slack bot token means Slack (Socket Mode with an app token,
 * else HTTP with the signing secret); none means the local console. Cloud API credentials mean
 * real sends; none means the embedded sandbox, in either mode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { isPolicyName, type PolicyName } from '../core/policy.ts';

export interface SlackConfig {
  readonly botToken: string;
  readonly mode: 'http' | 'socket';
  readonly signingSecret?: string;
  readonly appToken?: string;
  /** A proxy or a local fake of Slack's Web API, ending in `/api/`. */
  readonly apiUrl?: string;
}

export interface CloudApiConfig {
  readonly token: string;
  readonly wabaId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly baseUrl?: string;
  readonly graphVersion?: string;
  /** The number that keeps customer service; every other number of the WABA is a campaign number. */
  readonly mainNumberId?: string;
}

export interface AccessConfig {
  /** Slack user ids who may start, resume and stop campaigns. */
  readonly admins: readonly string[];
  /** Slack user group ids whose members may too. */
  readonly adminGroups: readonly string[];
  /** Channel ids where state changes are allowed; empty: any channel. */
  readonly channels: readonly string[];
}

export interface BotConfig {
  readonly slack?: SlackConfig;
  readonly cloudApi?: CloudApiConfig;
  readonly access: AccessConfig;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly alertsChannel?: string;
  readonly auditChannel?: string;
  /** Eligible recipients from which a second authorised person must approve a start. */
  readonly approvalThreshold: number;
  /** Predicted chance of being FLAGGED from which a start counts as risky (and needs approval). */
  readonly riskThreshold: number;
  /** Simulated days per real day (1440: a day per minute). Sandbox only. */
  readonly timeLapse: number;
  readonly policy: PolicyName;
  readonly defaultCountry?: string;
  readonly simulationReplications: number;
  /** Price per delivered message by category, for report cost estimates. */
  readonly prices?: Readonly<Record<string, number>>;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the `.env` values came from, when a file was read. */
  readonly envFile?: string;
}

export type ConfigResult = { readonly ok: true; readonly config: BotConfig } | { readonly ok: false; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

/** The environment, over `.env` in the working directory (or `ENV_FILE`). Real variables win. */
export function readEnvironment(env: Env = process.env, cwd = process.cwd()): { env: Env; file?: string } {
  const file = resolve(cwd, env.ENV_FILE ?? '.env');
  if (!existsSync(file)) return { env };
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { env: { ...fromFile, ...env }, file };
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): ConfigResult {
  const read = readEnvironment(env, cwd);
  return resolveConfig(read.env, read.file);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function resolveConfig(env: Env, envFile?: string): ConfigResult {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const list = (name: string, re: RegExp, example: string): string[] => {
    const items = (get(name) ?? '').split(/[\s,]+/).filter(Boolean);
    const bad = items.filter((i) => !re.test(i));
    if (bad.length) problems.push(`${name}: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not valid; expected ${example}`);
    return items.filter((i) => re.test(i));
  };
  const number = (name: string, fallback: number, min: number, max: number, integer: boolean): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`${name}: got ${JSON.stringify(raw)}, expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };

  const slack = resolveSlack(get, problems);
  const cloudApi = resolveCloudApi(get, problems);
  const access: AccessConfig = {
    admins: list('WA_ADMINS', /^[UW][A-Z0-9]{2,}$/, 'Slack user ids like U012AB3CD, comma-separated'),
    adminGroups: list('WA_ADMIN_GROUPS', /^S[A-Z0-9]{2,}$/, 'Slack user group ids like S0614TZR7, comma-separated'),
    channels: list('WA_CHANNELS', /^[CGD][A-Z0-9]{2,}$/, 'Slack channel ids like C0123456789, comma-separated'),
  };
  if (slack && access.admins.length === 0 && access.adminGroups.length === 0) {
    problems.push('WA_ADMINS or WA_ADMIN_GROUPS is missing: in Slack mode the bot must know who may start, resume and stop campaigns (Slack user ids like U012AB3CD, or user group ids like S0614TZR7); everyone else can read');
  }
  const channel = (name: string): string | undefined => {
    const v = get(name);
    if (v !== undefined && !/^[CGD][A-Z0-9]{2,}$/.test(v)) {
      problems.push(`${name}: got ${JSON.stringify(v)}, expected a Slack channel id like C0123456789 (channel details → About → Channel ID)`);
      return undefined;
    }
    return v;
  };
  const policy = get('WA_POLICY') ?? 'meta-2025-10';
  if (!isPolicyName(policy)) problems.push(`WA_POLICY: got ${JSON.stringify(policy)}, expected meta-2025-10 (Meta's current rules) or meta-2023`);
  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL: got ${JSON.stringify(logLevel)}, expected one of ${LOG_LEVELS.join(', ')}`);
  const country = get('WA_DEFAULT_COUNTRY')?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) problems.push(`WA_DEFAULT_COUNTRY: got ${JSON.stringify(country)}, expected a two-letter country code like SA`);

  const prices = resolvePrices(get('WA_PRICES'), problems);
  const config: BotConfig = {
    ...(slack && { slack }),
    ...(cloudApi && { cloudApi }),
    access,
    port: number('PORT', 3000, 0, 65535, true),
    host: get('HOST') ?? '0.0.0.0',
    dataDir: get('DATA_DIR') ?? './data',
    ...optional('alertsChannel', channel('WA_ALERTS_CHANNEL')),
    ...optional('auditChannel', channel('WA_AUDIT_CHANNEL')),
    approvalThreshold: number('WA_APPROVAL_THRESHOLD', 1000, 0, Number.MAX_SAFE_INTEGER, true),
    riskThreshold: number('WA_RISK_THRESHOLD', 0.05, 0, 1, false),
    timeLapse: number('WA_TIME_LAPSE', 1, 1, 1_000_000, false),
    policy: isPolicyName(policy) ? policy : 'meta-2025-10',
    ...optional('defaultCountry', country),
    simulationReplications: number('WA_SIM_REPLICATIONS', 60, 1, 10_000, true),
    ...optional('prices', prices),
    logLevel: (LOG_LEVELS as readonly string[]).includes(logLevel) ? (logLevel as BotConfig['logLevel']) : 'info',
    ...optional('envFile', envFile),
  };
  if (config.timeLapse !== 1 && cloudApi) problems.push('WA_TIME_LAPSE: a time-lapse clock only works with the embedded sandbox; unset it, or unset the Cloud API settings (WA_TOKEN, …)');
  return problems.length ? { ok: false, problems } : { ok: true, config };
}

function resolvePrices(raw: string | undefined, problems: string[]): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const prices: Record<string, number> = {};
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(marketing|utility|authentication|service)\s*=\s*(\d+(?:\.\d+)?)$/i.exec(pair);
    if (m) prices[m[1]!.toLowerCase()] = Number(m[2]);
    else problems.push(`WA_PRICES: ${JSON.stringify(pair)} is not valid; expected category=price pairs like marketing=0.0456,utility=0.0115`);
  }
  return prices;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function resolveSlack(get: (name: string) => string | undefined, problems: string[]): SlackConfig | undefined {
  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  const apiUrl = get('SLACK_API_URL');
  if (botToken === undefined) {
    const stray = [signingSecret && 'SLACK_SIGNING_SECRET', appToken && 'SLACK_APP_TOKEN'].filter(Boolean);
    if (stray.length) problems.push(`SLACK_BOT_TOKEN is missing (${stray.join(' and ')} ${stray.length === 1 ? 'is' : 'are'} set): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page, or unset ${stray.join(' and ')} to run the local console`);
    return undefined;
  }
  if (!botToken.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN: expected an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)');
  if (appToken === undefined && signingSecret === undefined) {
    problems.push('SLACK_SIGNING_SECRET is missing: HTTP mode verifies every request with it (Basic Information → Signing Secret); or set SLACK_APP_TOKEN (xapp-…) for Socket Mode');
  }
  if (apiUrl !== undefined && !/^https?:\/\/.+\/$/.test(apiUrl)) problems.push(`SLACK_API_URL: got ${JSON.stringify(apiUrl)}, expected a URL ending in "/", like https://slack.com/api/`);
  return {
    botToken,
    mode: appToken !== undefined ? 'socket' : 'http',
    ...optional('signingSecret', signingSecret),
    ...optional('appToken', appToken),
    ...optional('apiUrl', apiUrl),
  };
}

const CLOUD_API_VARS = ['WA_TOKEN', 'WA_WABA_ID', 'WA_APP_SECRET', 'WA_VERIFY_TOKEN'] as const;

function resolveCloudApi(get: (name: string) => string | undefined, problems: string[]): CloudApiConfig | undefined {
  const set = CLOUD_API_VARS.filter((n) => get(n) !== undefined);
  if (set.length === 0) return undefined;
  const missing = CLOUD_API_VARS.filter((n) => get(n) === undefined);
  if (missing.length) {
    problems.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: real sends need all of ${CLOUD_API_VARS.join(', ')} (or unset ${set.join(', ')} to use the embedded sandbox)`);
    return undefined;
  }
  const wabaId = get('WA_WABA_ID')!;
  if (!/^\d{5,20}$/.test(wabaId)) problems.push(`WA_WABA_ID: got ${JSON.stringify(wabaId)}, expected the WhatsApp Business Account id (digits)`);
  const baseUrl = get('WA_BASE_URL');
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) problems.push(`WA_BASE_URL: got ${JSON.stringify(baseUrl)}, expected a URL like https://graph.facebook.com`);
  const mainNumberId = get('WA_MAIN_NUMBER_ID');
  return {
    token: get('WA_TOKEN')!,
    wabaId,
    appSecret: get('WA_APP_SECRET')!,
    verifyToken: get('WA_VERIFY_TOKEN')!,
    ...optional('baseUrl', baseUrl),
    ...optional('graphVersion', get('WA_GRAPH_VERSION')),
    ...optional('mainNumberId', mainNumberId),
  };
}

/** The message a person reads when the bot refuses to start. */
export function describeProblems(problems: readonly string[], envFile?: string): string {
  const where = envFile ? ` (read the environment and ${envFile})` : '';
  return `The bot cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee bot/README-slack.md, "Configuration", for every setting.`;
}

/**
 * The project's logger: pino, with the secrets' keys redacted wherever they appear in a logged
 * object. pino redacts by key path only, so a secret written into a message string is not caught:
 * log secrets never, and log objects that might hold one (options, request headers) only through
 * this logger.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'accessToken', 'access_token', 'appSecret', 'app_secret', 'verifyToken', 'verify_token', 'password', 'secret'];

/** Each secret key at the top level, one level down (`*.token`), and in request/response headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...['headers', 'req.headers', 'request.headers', 'options.headers', 'config'].flatMap((p) => SECRET_KEYS.map((k) => `${p}.${k}`)),
  'headers.cookie', 'req.headers.cookie', 'headers["set-cookie"]', 'headers["x-hub-signature-256"]', 'req.headers["x-hub-signature-256"]',
];

export const REDACTED = '[redacted]';

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  readonly name?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    ...(options.name !== undefined && { name: options.name }),
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that writes nothing, for library code whose caller passed none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

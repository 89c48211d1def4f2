/**
 * Bolt wants the @slack/logger interface; the project logs with pino (which redacts secrets by
 * key). Bolt's messages are strings, so they go out as pino messages under the name "slack".
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../log.ts';

const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');

export function slackLogger(base: Logger): SlackLogger {
  let log = base.child({ component: 'slack' });
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug(fmt(msg)),
    info: (...msg: unknown[]) => log.info(fmt(msg)),
    warn: (...msg: unknown[]) => log.warn(fmt(msg)),
    error: (...msg: unknown[]) => log.error(fmt(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (name: string) => {
      log = base.child({ component: name });
    },
  };
}

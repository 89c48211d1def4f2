import { describe, expect, it } from 'vitest';
import { REDACTED, createLogger } from '../../bot/log.ts';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('the project logger', () => {
  it('should redact secrets wherever they sit in a logged object', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info({
      token: 'T1-secret', accessToken: 'T2-secret', appSecret: 'T3-secret', verifyToken: 'T4-secret',
      headers: { authorization: 'Bearer T5-secret', 'x-hub-signature-256': 'sha256=T6-secret' },
      options: { token: 'T7-secret' }, config: { appSecret: 'T8-secret' }, req: { headers: { authorization: 'Bearer T9-secret' } },
      harmless: 'visible',
    }, 'configured');
    const out = lines.join('');
    expect(out).toContain('visible');
    expect(out).toContain(REDACTED);
    expect(out).not.toMatch(/T\d-secret/);
  });

  it('should write nothing below its level', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'warn', destination }).info('quiet');
    expect(lines).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProblems, loadConfig, resolveConfig } from '../../bot/config.ts';

const fail = (env: Record<string, string>) => {
  const r = resolveConfig(env);
  if (r.ok) throw new Error('expected problems');
  return r.problems.join('\n');
};

describe('bot configuration', () => {
  it('should run the local console on the sandbox when nothing is set', () => {
    const r = resolveConfig({});
    expect(r).toMatchObject({ ok: true, config: { port: 3000, dataDir: './data', timeLapse: 1, policy: 'meta-2025-10', approvalThreshold: 1000 } });
    if (r.ok) {
      expect(r.config.slack).toBeUndefined();
      expect(r.config.cloudApi).toBeUndefined();
    }
  });

  it('should choose HTTP mode with a signing secret and Socket Mode with an app token', () => {
    const http = resolveConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', WA_ADMINS: 'U123' });
    expect(http.ok && http.config.slack).toMatchObject({ mode: 'http', signingSecret: 's' });
    const socket = resolveConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', WA_ADMIN_GROUPS: 'S123' });
    expect(socket.ok && socket.config.slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
  });

  it('should name every missing or bad setting at once, with where to find it', () => {
    const text = fail({ SLACK_BOT_TOKEN: 'xoxb-1', WA_TOKEN: 't', PORT: 'eighty', WA_CHANNELS: 'ops', WA_TIME_LAPSE: '0' });
    expect(text).toContain('SLACK_SIGNING_SECRET is missing');
    expect(text).toContain('Basic Information → Signing Secret');
    expect(text).toContain('WA_ADMINS or WA_ADMIN_GROUPS is missing');
    expect(text).toContain('WA_WABA_ID, WA_APP_SECRET, WA_VERIFY_TOKEN are missing');
    expect(text).toContain('PORT: got "eighty"');
    expect(text).toContain('WA_CHANNELS: "ops" is not valid');
    expect(text).toContain('WA_TIME_LAPSE: got "0"');
    expect(fail({ SLACK_SIGNING_SECRET: 's' })).toContain('SLACK_BOT_TOKEN is missing (SLACK_SIGNING_SECRET is set)');
    expect(fail({ WA_PRICES: 'marketing=cheap' })).toContain('WA_PRICES');
    expect(describeProblems(['a', 'b'])).toMatch(/2 problems[\s\S]*- a\n {2}- b/);
  });

  it('should refuse a time-lapse clock against the real Cloud API', () => {
    expect(fail({ WA_TOKEN: 't', WA_WABA_ID: '12345', WA_APP_SECRET: 's', WA_VERIFY_TOKEN: 'v', WA_TIME_LAPSE: '60' })).toContain('only works with the embedded sandbox');
  });

  it('should read a .env file, with real environment variables winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-env-'));
    try {
      writeFileSync(join(dir, '.env'), 'PORT=4000\nDATA_DIR=/tmp/from-file\n# a comment\nWA_PRICES="marketing=0.05,utility=0.01"\n');
      const r = loadConfig({ PORT: '5000' }, dir);
      expect(r).toMatchObject({ ok: true, config: { port: 5000, dataDir: '/tmp/from-file', prices: { marketing: 0.05, utility: 0.01 }, envFile: join(dir, '.env') } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

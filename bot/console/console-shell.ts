/**
 * Local mode: the same command handlers as Slack, on a terminal. Interactive with a prompt on a
 * TTY; from a pipe it reads one command per line, echoes each as a transcript, and ends at EOF.
 * Console-only words: `confirm` / `cancel` (settle the last preview), `wait <duration>` (let
 * simulated time pass, e.g. `wait 1d` under a time-lapse clock), `wait done` (until no campaign is
 * running), `exit`.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseDuration, DAY } from '../../core/time.ts';
import { alertReply } from '../commands/alert-reply.ts';
import type { Invocation } from '../commands/ports.ts';
import type { Runtime } from '../app/runtime.ts';
import { renderText } from './render-text.ts';

export interface ConsoleOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** The console's user, as the audit log names them. */
  readonly user: string;
  readonly interactive: boolean;
  /** Stop reading (SIGINT, SIGTERM). */
  readonly signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runConsole(rt: Runtime, options: ConsoleOptions): Promise<void> {
  const { output, interactive } = options;
  const write = (s: string) => output.write(s.endsWith('\n') ? s : `${s}\n`);
  const exports = join(rt.store.dataDir, 'exports');
  const inv: Invocation = { user: options.user, mayChange: true, surface: 'console' };
  const unsubscribe = rt.alerts.subscribe(async (n) => void write(`[alert] ${await renderText(alertReply(n, (id) => rt.numberName(id)), exports)}`));
  const rl = createInterface({ input: options.input, ...(interactive && { output, prompt: 'wa> ' }), terminal: interactive });
  const realMs = (simulated: number) => simulated / rt.clock.timeLapse;
  rl.on('SIGINT', () => rl.close());
  options.signal?.addEventListener('abort', () => rl.close(), { once: true });

  async function waitDone(max: number): Promise<string> {
    const until = rt.clock.now() + max;
    for (;;) {
      const running = await rt.store.campaigns.list({ status: 'running' });
      if (running.length === 0) return 'No campaign is running.';
      if (rt.clock.now() >= until) return `Still running after ${Math.round(max / DAY)}d: ${running.map((c) => c.id).join(', ')}.`;
      await sleep(Math.max(20, Math.min(500, realMs(DAY / 24))));
    }
  }

  async function run(line: string): Promise<boolean> {
    const words = line.replace(/^\/wa\b\s*/, '').trim();
    const [first, ...rest] = words.split(/\s+/);
    switch (first?.toLowerCase()) {
      case 'exit': case 'quit': return false;
      case 'confirm': case 'yes': case 'approve':
        write(await renderText(await rt.router.settleLatest('accept', inv), exports));
        return true;
      case 'cancel': case 'no': case 'reject':
        write(await renderText(await rt.router.settleLatest('reject', inv), exports));
        return true;
      case 'wait': {
        const arg = rest.join(' ');
        if (arg === 'done' || arg.startsWith('done ')) {
          write(await waitDone(arg.length > 5 ? parseDuration(arg.slice(5)) : 30 * DAY));
          return true;
        }
        let ms: number;
        try {
          ms = parseDuration(arg || '1h');
        } catch {
          write('wait <duration> (like `wait 1d` or `wait 30m`, simulated time), or `wait done`.');
          return true;
        }
        await sleep(realMs(ms));
        write(`(waited ${arg || '1h'} of simulated time)`);
        return true;
      }
      default:
        write(await renderText(await rt.router.handle(words, inv), exports));
        return true;
    }
  }

  for (const line of rt.banner) write(line);
  write(interactive ? 'Type `help` for the commands, `exit` to leave.' : '');
  if (interactive) rl.prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) {
        if (interactive) rl.prompt();
        continue;
      }
      if (!interactive) write(`wa> ${line}`);
      let goOn = true;
      try {
        goOn = await run(line);
      } catch (error) {
        write(`Error: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!goOn) break;
      if (interactive) rl.prompt();
    }
  } finally {
    unsubscribe();
    rl.close();
  }
}

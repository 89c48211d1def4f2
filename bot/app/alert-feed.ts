/**
 * Where runner notices go: kept (the latest few, for App Home's "recent alerts") and handed to
 * every subscriber (the Slack alerts channel, the console). A subscriber that fails is logged and
 * never stops the runner: an alert is worth less than the campaign's progress.
 */
import type { Notice, Notifier } from '../../core/runner-ports.ts';
import { silentLogger, type Logger } from '../log.ts';

export type AlertSubscriber = (notice: Notice) => void | Promise<void>;

export class AlertFeed implements Notifier {
  readonly #recent: Notice[] = [];
  readonly #subscribers = new Set<AlertSubscriber>();

  constructor(private readonly keep = 20, private readonly log: Logger = silentLogger()) {}

  subscribe(fn: AlertSubscriber): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** Newest first. */
  recent(limit = this.keep): Notice[] {
    return this.#recent.slice(-limit).reverse();
  }

  async notify(notice: Notice): Promise<void> {
    this.#recent.push(notice);
    if (this.#recent.length > this.keep) this.#recent.splice(0, this.#recent.length - this.keep);
    for (const fn of this.#subscribers) {
      try {
        await fn(notice);
      } catch (error) {
        this.log.warn({ err: error, kind: notice.kind }, 'alert not delivered');
      }
    }
  }
}

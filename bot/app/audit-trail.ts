/**
 * The audit log: every state change in the store's journal (who, what, when), and, when a Slack
 * audit channel is configured, a line there too. Posting is best effort: the journal is the record.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { AuditEntry, Store } from '../store/store.ts';
import type { AuditSink } from '../commands/ports.ts';

export type AuditPoster = (entry: AuditEntry) => Promise<void>;

export class AuditTrail implements AuditSink {
  #poster: AuditPoster | undefined;

  constructor(private readonly store: Store, private readonly log: Logger = silentLogger()) {}

  /** Also post entries (a Slack channel); undefined stops posting. */
  postTo(poster: AuditPoster | undefined): void {
    this.#poster = poster;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.store.audit.append(entry);
    await this.announce(entry);
  }

  async announce(entry: AuditEntry): Promise<void> {
    if (!this.#poster) return;
    try {
      await this.#poster(entry);
    } catch (error) {
      this.log.warn({ err: error, what: entry.what }, 'audit entry not posted to the channel (it is in the journal)');
    }
  }
}

/** What every route of the sandbox works with. */
import type { ServerResponse } from 'node:http';
import type { Faults } from '../faults.ts';
import type { GraphErrors } from '../graph-error.ts';
import type { RealtimeDriver } from '../realtime-driver.ts';
import type { ResolvedSandboxOptions } from '../sandbox-options.ts';
import type { SendLedger } from '../send-ledger.ts';
import type { TemplateCatalog } from '../template-catalog.ts';
import type { WebhookDispatcher } from '../webhook-dispatcher.ts';
import type { SandboxWorld } from '../world.ts';

export interface SandboxContext {
  readonly options: ResolvedSandboxOptions;
  readonly world: SandboxWorld;
  readonly catalog: TemplateCatalog;
  readonly ledger: SendLedger;
  readonly faults: Faults;
  readonly errors: GraphErrors;
  readonly driver: RealtimeDriver;
  readonly dispatcher: WebhookDispatcher;
  /** Timers of held or slowed responses, cleared on close. */
  readonly timers: Set<ReturnType<typeof setTimeout>>;
  /** Responses held open by a timeout fault, dropped on close. */
  readonly held: Set<ServerResponse>;
  readonly log: (line: string) => void;
}

/**
 * The campaign runner's `MessageSender` port on the real Cloud API client. The runner's send id
 * travels as `biz_opaque_callback_data`.
 *
 * A send refused before any request (a template that no longer matches its definition, a paused
 * template in the catalog, an invalid number) comes back as `rejected` with the code Meta would
 * have answered, so the runner treats it exactly as it would Meta's answer: a paused template
 * (132015) stops the template, a parameter mismatch (132000) is fixed by a person, and so on.
 */
import { CoreError } from '../../core/errors.ts';
import { classifyMetaError } from '../../core/meta-error.ts';
import type { MessageSender, SendRequest, SendResult } from '../../core/runner-ports.ts';
import type { GraphClient } from './graph-client.ts';
import type { SendProblem } from './send-preflight.ts';

/** Meta's generic "invalid parameter": what it answers for a malformed field. */
const INVALID_PARAMETER = 100;

export class GraphMessageSender implements MessageSender {
  readonly #client: GraphClient;

  constructor(client: GraphClient) {
    this.#client = client;
  }

  async send(request: SendRequest): Promise<SendResult> {
    let outcome;
    try {
      outcome = await this.#client.sendTemplate(request.numberId, { to: request.to, template: request.template, callbackData: request.sendId });
    } catch (error) {
      if (error instanceof CoreError && error.code === 'WA_INVALID_SEND') return refused(error);
      throw error;
    }
    switch (outcome.kind) {
      case 'accepted': return { kind: 'accepted', wamid: outcome.wamid, held: outcome.messageStatus === 'held' };
      case 'rejected': {
        const { code, info, details } = outcome.error;
        return { kind: 'rejected', code, info, ...(details !== undefined && { details }) };
      }
      case 'not-sent': return { kind: 'not-sent', reason: outcome.reason };
      case 'maybe-sent': return { kind: 'maybe-sent', reason: outcome.reason };
    }
  }
}

function refused(error: CoreError): SendResult {
  const problems = (error.details.problems ?? []) as readonly SendProblem[];
  const code = templateCode(problems) ?? INVALID_PARAMETER;
  return { kind: 'rejected', code, info: classifyMetaError(code), details: `refused before sending: ${error.message}` };
}

/** The most telling template code: a paused or disabled template outranks a parameter problem. */
function templateCode(problems: readonly SendProblem[]): number | undefined {
  const codes = problems
    .filter((p) => p.field === 'template')
    .flatMap((p) => ((p.details?.problems ?? []) as readonly { metaCode?: number }[]).map((q) => q.metaCode))
    .filter((c): c is number => typeof c === 'number');
  return [132016, 132015, 132001].find((c) => codes.includes(c)) ?? codes[0];
}

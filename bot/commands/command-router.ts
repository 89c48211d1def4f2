/**
 * The command layer's one entry: text in, a `Reply` out, whoever the front end is. It parses,
 * refuses state changes to people who may not make them, dispatches to the handlers, and settles
 * pending actions (Confirm / Cancel / Approve) with the two-person rule for large or risky sends.
 */
import { campaignStartReply } from './campaign-start.ts';
import { changeReply, listReply, statusReply, stopPreviewReply } from './campaign-commands.ts';
import { reportReply } from './campaign-report.ts';
import { contactAckReply, contactReply, contactsImportReply, importCsvText } from './contact-commands.ts';
import { code } from './format.ts';
import { helpReply } from './help-command.ts';
import { numbersReply, templatesReply } from './numbers-command.ts';
import { PendingActions, type Pending } from './pending-actions.ts';
import { parseCommand, type ParsedCommand } from './parse-command.ts';
import type { CommandDeps, Invocation } from './ports.ts';
import { ephemeral, inChannel, problem, type Reply } from './reply.ts';
import { simulateReply } from './simulate-command.ts';

export type Decision = 'accept' | 'reject';

export const NOT_AUTHORISED_FIX = 'Ask someone listed in WA_ADMINS (or in a WA_ADMIN_GROUPS user group) to run it, in a channel listed in WA_CHANNELS. Everyone can read: `/wa numbers`, `/wa campaign status`.';

export class CommandRouter {
  readonly pending: PendingActions;

  constructor(private readonly deps: CommandDeps, options: { readonly pending?: PendingActions; readonly onError?: (error: unknown, context: string) => void } = {}) {
    this.pending = options.pending ?? new PendingActions();
    this.onError = options.onError ?? (() => undefined);
  }

  private readonly onError: (error: unknown, context: string) => void;

  async handle(text: string, inv: Invocation): Promise<Reply> {
    const parsed = parseCommand(text);
    if (parsed.kind === 'help') return helpReply(parsed.path);
    if (parsed.kind === 'error') return problem(parsed.message, parsed.fix);
    if (parsed.spec.changes && !inv.mayChange) return problem(`You may not run \`/wa ${parsed.spec.path.join(' ')}\` here.`, NOT_AUTHORISED_FIX);
    try {
      return await this.dispatch(parsed, inv);
    } catch (error) {
      this.onError(error, `/wa ${text}`);
      return problem(`\`/wa ${parsed.spec.path.join(' ')}\` failed: ${error instanceof Error ? error.message : String(error)}.`, 'Nothing further was done. Check `/wa campaign list` and the bot\'s log, then try again.');
    }
  }

  private async dispatch(cmd: ParsedCommand, inv: Invocation): Promise<Reply> {
    const d = this.deps;
    const a = cmd.args;
    switch (cmd.id) {
      case 'help': return helpReply(a.topic ? a.topic.split(/\s+/) : []);
      case 'numbers': return numbersReply(d);
      case 'templates': return templatesReply(d);
      case 'contact.show': return contactReply(d, a.phone!);
      case 'contact.ack': return contactAckReply(d, inv, a.phone!);
      case 'contacts.import': return contactsImportReply(d, inv, a.file, typeof cmd.flags.audience === 'string' ? cmd.flags.audience : undefined);
      case 'campaign.start': return campaignStartReply(d, inv, cmd, this.pending);
      case 'campaign.status': return statusReply(d, a.id);
      case 'campaign.list': return listReply(d, cmd.flags.all === true);
      case 'campaign.pause': return changeReply(d, inv, 'pause', a.id!, a.reason);
      case 'campaign.resume': return changeReply(d, inv, 'resume', a.id!);
      case 'campaign.stop': return stopPreviewReply(d, inv, a.id!, a.reason, this.pending);
      case 'campaign.report': return reportReply(d, a.id, cmd.flags.csv === true);
      case 'simulate': return simulateReply(d, inv, a.scenario!, cmd.flags);
    }
  }

  /** Contacts pasted in a form or shared as a file. */
  importCsv(csv: string | Buffer, audience: string, inv: Invocation, source?: string): Promise<Reply> {
    if (!inv.mayChange) return Promise.resolve(problem('You may not import contacts here.', NOT_AUTHORISED_FIX));
    return importCsvText(this.deps, inv, csv, audience, source);
  }

  /** The console's typed `confirm` / `cancel`: the newest pending action this person can settle. */
  async settleLatest(decision: Decision, inv: Invocation): Promise<Reply> {
    const p = this.pending.latest(inv.user);
    if (!p) return problem('Nothing is waiting for confirmation.', 'Start with `campaign start …` or `campaign stop <id>`; they ask before doing anything.');
    return this.settle(p.id, decision, inv);
  }

  async settle(pendingId: string, decision: Decision, inv: Invocation): Promise<Reply> {
    const now = this.deps.clock.now();
    const p = this.pending.get(pendingId);
    if (!p) return ephemeral('This request expired or was already settled; nothing was done. Run the command again for a fresh preflight.', undefined, { replaceOriginal: true });
    if (!inv.mayChange) return problem('You may not settle this request here.', NOT_AUTHORISED_FIX);
    const own = p.requestedBy === inv.user;
    if (p.stage === 'confirm' && !own) return problem(`Only <@${p.requestedBy}> can confirm or cancel their request.`, 'Run the command yourself for your own preflight.');
    if (decision === 'reject') {
      this.pending.delete(p.id);
      if (p.stage === 'approve') {
        await this.deps.audit.record({ at: now, who: inv.user, what: 'campaign-approval-rejected', details: { summary: p.action.summary, requestedBy: p.requestedBy } });
        return inChannel(`:x: <@${inv.user}> did not approve <@${p.requestedBy}>'s campaign: ${p.action.summary}. Nothing was sent.`, undefined, { replaceOriginal: true });
      }
      return ephemeral('Cancelled. Nothing was sent or changed.', undefined, { replaceOriginal: true });
    }
    try {
      if (p.action.kind === 'stop') return await this.stop(p, inv);
      if (p.stage === 'confirm' && p.action.approvalReasons.length > 0) return await this.askApproval(p, inv);
      if (p.stage === 'approve' && own) return problem('A second person must approve this campaign.', 'Ask another authorised colleague to press Approve.');
      return await this.start(p, inv);
    } catch (error) {
      this.onError(error, `settle ${p.action.kind}`);
      return problem(`That failed: ${error instanceof Error ? error.message : String(error)}.`, 'Check `/wa campaign list` before trying again.');
    }
  }

  private async askApproval(p: Pending, inv: Invocation): Promise<Reply> {
    if (p.action.kind !== 'start') throw new Error('only a start needs approval');
    p.stage = 'approve';
    await this.deps.audit.record({ at: this.deps.clock.now(), who: inv.user, what: 'campaign-approval-requested', details: { summary: p.action.summary, reasons: [...p.action.approvalReasons] } });
    const request = inChannel(`<@${p.requestedBy}> asks for approval: ${p.action.summary}`, [
      { kind: 'text', text: `:lock: <@${p.requestedBy}> asks a second authorised person to approve a campaign:\n${p.action.summary}` },
      { kind: 'text', text: `Why approval: ${p.action.approvalReasons.join('; ')}.` },
    ], { actions: { pendingId: p.id, kind: 'approve', accept: { label: 'Approve and start', style: 'danger' }, reject: { label: 'Reject' }, dialog: { title: 'Approve this campaign?', text: p.action.summary } } });
    return ephemeral('Confirmed. Another authorised person must now approve; the request is posted in the channel.', undefined, { replaceOriginal: true, broadcast: [request] });
  }

  private async start(p: Pending, inv: Invocation): Promise<Reply> {
    if (p.action.kind !== 'start') throw new Error('not a start');
    const { request } = p.action;
    this.pending.delete(p.id);
    const result = await this.deps.campaigns.start(request, p.requestedBy);
    if (!result.ok) return problem(`The campaign did not start: ${result.message}`, 'Nothing was sent. Fix the cause and run `/wa campaign start` again.', []);
    const c = result.campaign;
    const approvedBy = p.stage === 'approve' ? inv.user : undefined;
    await this.deps.audit.announce({
      at: this.deps.clock.now(), who: p.requestedBy, what: c.status === 'scheduled' ? 'campaign-scheduled' : 'campaign-started',
      details: { campaign: c.id, template: request.template.name, audience: request.audience, from: [...request.from], plan: request.plan, eligible: p.action.eligible, ...(approvedBy && { approvedBy }) },
    });
    const verb = c.status === 'scheduled' ? 'scheduled' : 'started';
    const announce = inChannel(`${verb}: ${c.id} ${p.action.summary}`, [
      { kind: 'text', text: `:rocket: <@${p.requestedBy}> ${verb} campaign ${code(c.id)}: ${p.action.summary}.${approvedBy ? ` Approved by <@${approvedBy}>.` : ''}` },
      { kind: 'context', text: `Progress: \`/wa campaign status ${c.id}\` · pause: \`/wa campaign pause ${c.id}\`` },
    ]);
    return ephemeral(`Campaign ${c.id} ${verb}.`, undefined, { replaceOriginal: true, broadcast: [announce] });
  }

  private async stop(p: Pending, inv: Invocation): Promise<Reply> {
    if (p.action.kind !== 'stop') throw new Error('not a stop');
    this.pending.delete(p.id);
    const result = await this.deps.campaigns.stop(p.action.campaignId, inv.user, p.action.reason);
    if (!result.ok) return problem(result.message, `\`/wa campaign status ${p.action.campaignId}\` shows its state.`);
    await this.deps.audit.announce({ at: this.deps.clock.now(), who: inv.user, what: 'campaign-stopped', details: { campaign: p.action.campaignId, reason: p.action.reason } });
    const announce = inChannel(`stopped: ${p.action.campaignId}`, [{ kind: 'text', text: `:octagonal_sign: <@${inv.user}> stopped campaign ${code(p.action.campaignId)} ${result.campaign.name}: ${p.action.reason}.` }]);
    return ephemeral(`Campaign ${p.action.campaignId} stopped.`, undefined, { replaceOriginal: true, broadcast: [announce] });
  }
}

/**
 * Every `/wa` command: its words, arguments, flags and help, as data. The parser, the help text
 * and the authorisation check all read this one table, so they cannot disagree.
 */

export interface FlagSpec {
  readonly name: string;
  /** The value's placeholder; absent for a flag that takes no value. */
  readonly value?: string;
  readonly help: string;
  readonly required?: boolean;
}

export interface ArgSpec {
  readonly name: string;
  readonly required: boolean;
  /** Takes every remaining word (a free-text reason). */
  readonly rest?: boolean;
}

export interface CommandSpec {
  readonly id: CommandId;
  /** The words after `/wa`, like ["campaign", "start"]. */
  readonly path: readonly string[];
  readonly args: readonly ArgSpec[];
  readonly flags: readonly FlagSpec[];
  readonly summary: string;
  readonly details?: readonly string[];
  readonly examples?: readonly string[];
  /** Changes state: only authorised people, in allowed channels, and written to the audit log. */
  readonly changes: boolean;
}

export type CommandId =
  | 'help' | 'numbers' | 'templates' | 'contacts.import' | 'contact.show' | 'contact.ack'
  | 'campaign.start' | 'campaign.status' | 'campaign.list' | 'campaign.pause' | 'campaign.resume' | 'campaign.stop' | 'campaign.report'
  | 'simulate';

const arg = (name: string, required = true, rest = false): ArgSpec => ({ name, required, ...(rest && { rest }) });

export const COMMANDS: readonly CommandSpec[] = [
  { id: 'help', path: ['help'], args: [arg('topic', false, true)], flags: [], summary: 'this help; `/wa help campaign` for one topic', changes: false },
  {
    id: 'numbers', path: ['numbers'], args: [], flags: [], changes: false,
    summary: 'each number: role, status, quality, tier, used/limit in the rolling 24 h, when room frees next, a pending upgrade',
  },
  { id: 'templates', path: ['templates'], args: [], flags: [], summary: 'approved templates: category, status, quality', changes: false },
  {
    id: 'contacts.import', path: ['contacts', 'import'], args: [arg('file', false)], changes: true,
    flags: [{ name: 'audience', value: 'name', help: 'the audience the contacts form (default: the file name)' }],
    summary: 'import a CSV of contacts with opt-in evidence into an audience',
    details: [
      'Columns: `phone`, `name`, `opt_in_source`, `opt_in_at`, `opt_in_evidence`, `opt_out_at`; other columns are kept as attributes.',
      'In Slack: without a file the bot opens a form to paste the CSV, or share the CSV with the bot in a direct message with the words `import <audience>`.',
      'In the console: give the file path.',
      'All or nothing: one bad row and nothing is imported; every problem is listed with its line.',
    ],
    examples: ['/wa contacts import customers.csv --audience march-promo'],
  },
  {
    id: 'contact.show', path: ['contact'], args: [arg('phone')], flags: [], changes: false,
    summary: 'one contact: opt-in evidence, opt-out, suppression, identity changes, and whether a campaign may message them',
    examples: ['/wa contact +966501234567'],
  },
  {
    id: 'contact.ack', path: ['contact', 'ack'], args: [arg('phone')], flags: [], changes: true,
    summary: 'acknowledge a contact\'s changed identity (re-registered number) so campaigns may message them again',
    examples: ['/wa contact ack +966501234567'],
  },
  {
    id: 'campaign.start', path: ['campaign', 'start'], args: [arg('template')], changes: true,
    flags: [
      { name: 'audience', value: 'name|file', required: true, help: 'who to message: an imported audience (a CSV file in the console)' },
      { name: 'from', value: 'number|pool', required: true, help: 'campaign number(s) to send from: an id, the displayed number, comma-separated, or `pool` for every campaign number' },
      { name: 'plan', value: 'warmup|steady|burst', help: 'the pacing plan (default warmup): warmup grows from 50 a day, steady sends 250 a day, burst sends all the limit allows' },
      { name: 'at', value: 'time', help: 'start later: an ISO time like 2026-04-01T09:00Z, or a delay like 2h' },
      { name: 'language', value: 'code', help: 'the template language when it has several (default: the only one, or en_US)' },
      { name: 'name', value: 'text', help: 'a name for the campaign (default: template and audience)' },
    ],
    summary: 'check a campaign first (eligible recipients, skips, days needed, predicted risk), then confirm to start it',
    details: [
      'Nothing is sent until you press Confirm (type `confirm` in the console).',
      'Large or risky sends need a second authorised person to approve.',
    ],
    examples: ['/wa campaign start order_update --audience march-promo --from pool --plan warmup'],
  },
  { id: 'campaign.status', path: ['campaign', 'status'], args: [arg('id', false)], flags: [], changes: false, summary: 'one campaign\'s progress (default: the latest)' },
  { id: 'campaign.list', path: ['campaign', 'list'], args: [], flags: [{ name: 'all', help: 'also finished campaigns' }], changes: false, summary: 'campaigns, running first' },
  {
    id: 'campaign.pause', path: ['campaign', 'pause'], args: [arg('id'), arg('reason', false, true)], flags: [], changes: true,
    summary: 'pause a running campaign; messages already sent are not affected',
  },
  {
    id: 'campaign.resume', path: ['campaign', 'resume'], args: [arg('id')], flags: [], changes: true,
    summary: 'resume a paused campaign (after an automatic pause, check `/wa numbers` first)',
  },
  {
    id: 'campaign.stop', path: ['campaign', 'stop'], args: [arg('id'), arg('reason', false, true)], flags: [], changes: true,
    summary: 'stop a campaign for good (asks to confirm); recipients not yet messaged stay unsent',
  },
  {
    id: 'campaign.report', path: ['campaign', 'report'], args: [arg('id', false)], flags: [{ name: 'csv', help: 'also attach the per-recipient CSV' }], changes: false,
    summary: 'the funnel (sent, delivered, read, failed by reason with explanations), cost by category, and a CSV export',
  },
  {
    id: 'simulate', path: ['simulate'], args: [arg('scenario')], changes: false,
    flags: [
      { name: 'plan', value: 'name', help: 'only this plan of the scenario' },
      { name: 'replications', value: 'n', help: 'replications per plan (default: the scenario\'s, at most 500)' },
    ],
    summary: 'run a scenario in the simulator and post the risk table and a chart',
    examples: ['/wa simulate warmup-vs-burst', '/wa simulate warmup-vs-burst --plan burst'],
  },
];

export const ROOT = '/wa';

/** The words that may follow `prefix` (["campaign"] → start, status, …). */
export function childWords(prefix: readonly string[]): string[] {
  const words = new Set<string>();
  for (const c of COMMANDS) {
    if (c.path.length > prefix.length && prefix.every((w, i) => c.path[i] === w)) words.add(c.path[prefix.length]!);
  }
  return [...words];
}

export function commandsUnder(prefix: readonly string[]): CommandSpec[] {
  return COMMANDS.filter((c) => prefix.every((w, i) => c.path[i] === w));
}

export function usage(c: CommandSpec): string {
  const args = c.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}${a.rest ? '…' : ''}]`));
  const flags = c.flags.map((f) => {
    const flag = `--${f.name}${f.value ? ` <${f.value}>` : ''}`;
    return f.required ? flag : `[${flag}]`;
  });
  return [ROOT, ...c.path, ...args, ...flags].join(' ');
}

/** `/wa help [topic]`, `/wa <group> help`, `/wa <command> --help`: help at every level. */
import { COMMANDS, ROOT, commandsUnder, usage } from './command-spec.ts';
import { ephemeral, type Block, type Reply } from './reply.ts';

export function helpReply(path: readonly string[]): Reply {
  const exact = COMMANDS.find((c) => c.path.length === path.length && c.path.every((w, i) => w === path[i]));
  const under = commandsUnder(path).filter((c) => c.id !== 'help');
  if (path.length > 0 && under.length === 0) return helpReply([]);
  if (exact && under.length === 1) {
    const blocks: Block[] = [
      { kind: 'header', text: `${ROOT} ${exact.path.join(' ')}` },
      { kind: 'text', text: exact.summary.charAt(0).toUpperCase() + exact.summary.slice(1) + '.' },
      { kind: 'code', text: usage(exact) },
    ];
    if (exact.flags.length) blocks.push({ kind: 'text', text: exact.flags.map((f) => `\`--${f.name}${f.value ? ` <${f.value}>` : ''}\`${f.required ? ' (required)' : ''}: ${f.help}`).join('\n') });
    if (exact.details?.length) blocks.push({ kind: 'text', text: exact.details.join('\n') });
    if (exact.examples?.length) blocks.push({ kind: 'context', text: `Example: ${exact.examples.map((e) => `\`${e}\``).join('  ·  ')}` });
    if (exact.changes) blocks.push({ kind: 'context', text: 'Changes state: only authorised people may run it, and it is written to the audit log.' });
    return ephemeral(`${ROOT} ${exact.path.join(' ')}: ${exact.summary}`, blocks);
  }
  const title = path.length ? `${ROOT} ${path.join(' ')}` : `${ROOT}: WhatsApp campaigns that keep your numbers safe`;
  const lines = under.map((c) => `\`${usage(c)}\`\n      ${c.summary}`);
  const blocks: Block[] = [
    { kind: 'header', text: title },
    { kind: 'text', text: lines.join('\n') },
    { kind: 'context', text: `Help on one command: \`${ROOT} help ${under.some((c) => c.id === 'campaign.start') ? 'campaign start' : under[0]?.path.join(' ') ?? 'campaign start'}\` or add \`--help\` to any command. Answers are visible only to you unless they concern the channel.` },
  ];
  return ephemeral(`${title}\n${under.map((c) => usage(c)).join('\n')}`, blocks);
}

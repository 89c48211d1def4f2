/**
 * `/wa <subcommand> [args] [--flags]` → a command with its arguments, a request for help, or a
 * mistake with the fix spelled out (the closest commands, the flags that exist, the usage line).
 * Slack's escaping is undone first: `&lt;`, `<tel:…|…>`, `<mailto:…|…>`, smart quotes.
 */
import { COMMANDS, ROOT, childWords, usage, type CommandId, type CommandSpec } from './command-spec.ts';
import { closest } from './closest.ts';

export interface ParsedCommand {
  readonly kind: 'command';
  readonly spec: CommandSpec;
  readonly id: CommandId;
  readonly args: Readonly<Record<string, string>>;
  readonly flags: Readonly<Record<string, string | true>>;
}

export type ParseResult =
  | ParsedCommand
  /** Help for the command (or group of commands) at `path`. */
  | { readonly kind: 'help'; readonly path: readonly string[] }
  | { readonly kind: 'error'; readonly message: string; readonly fix: string; readonly path: readonly string[] };

/** Undo Slack's message formatting on the command text. */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<(?:tel:|mailto:)?([^|>]*)\|([^>]*)>/g, (_, _link: string, label: string) => label)
    .replace(/<(?:tel:|mailto:)?([^>]*)>/g, (_, link: string) => link)
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/[\u201C\u201D\u201E]/g, '"').replace(/[\u2018\u2019]/g, "'")
    .replace(/\u2014/g, '--').replace(/\u2013/g, '--')
    .replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
}

/** Words, with "quoted text" kept together. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push(m[1] ?? m[2] ?? m[3]!);
  return tokens;
}

const isHelp = (w: string | undefined) => w === 'help' || w === '--help' || w === '-h' || w === '?';

export function parseCommand(text: string): ParseResult {
  const words = tokenize(unescapeSlack(text ?? ''));
  if (words.length === 0 || (words.length === 1 && isHelp(words[0]))) return { kind: 'help', path: [] };
  if (words[0] === 'help') return { kind: 'help', path: words.slice(1).filter((w) => !w.startsWith('-')) };

  // The longest command path the words begin with: ["contact", "ack"] before ["contact"].
  const matches = COMMANDS.filter((c) => c.path.every((w, i) => words[i]?.toLowerCase() === w)).sort((a, b) => b.path.length - a.path.length);
  const spec = matches[0];
  if (!spec) return unknownWord(words);
  const rest = words.slice(spec.path.length);
  if (rest.some(isHelp)) return { kind: 'help', path: spec.path };
  // "contact <phone>" with a first word that names a sibling subcommand misspelt ("contact akc …").
  if (spec.id === 'contact.show' && rest.length > 1 && /^[a-z]+$/i.test(rest[0]!)) {
    return unknownWord([...spec.path, ...rest]);
  }
  return bindArguments(spec, rest);
}

function unknownWord(words: readonly string[]): ParseResult {
  // Walk the words while they name a group ("campaign"), and report the first one that does not.
  const path: string[] = [];
  for (const word of words) {
    const children = childWords(path);
    if (children.length === 0 || isHelp(word)) break;
    const w = word.toLowerCase();
    if (!children.includes(w)) {
      const near = closest(w, children);
      const where = path.length ? `${ROOT} ${path.join(' ')}` : ROOT;
      const suggestion = near.length ? `Did you mean ${near.map((n) => `\`${[where, n].join(' ')}\``).join(' or ')}? ` : '';
      return {
        kind: 'error', path,
        message: `\`${word}\` is not a ${where} command.`,
        fix: `${suggestion}Commands here: ${children.map((c) => `\`${c}\``).join(', ')}. Type \`${ROOT} help${path.length ? ` ${path.join(' ')}` : ''}\` for what each does.`,
      };
    }
    path.push(w);
  }
  return { kind: 'help', path };
}

function bindArguments(spec: CommandSpec, words: readonly string[]): ParseResult {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  const fail = (message: string, fix: string): ParseResult => ({ kind: 'error', path: spec.path, message, fix: `${fix} Usage: \`${usage(spec)}\`` });
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--') || word === '--') {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = (eq > 0 ? word.slice(2, eq) : word.slice(2)).toLowerCase();
    const flag = spec.flags.find((f) => f.name === name);
    if (!flag) {
      const near = closest(name, spec.flags.map((f) => f.name));
      const known = spec.flags.length ? `Flags of \`${ROOT} ${spec.path.join(' ')}\`: ${spec.flags.map((f) => `\`--${f.name}\``).join(', ')}.` : `\`${ROOT} ${spec.path.join(' ')}\` takes no flags.`;
      return fail(`\`--${name}\` is not a flag of \`${ROOT} ${spec.path.join(' ')}\`.`, `${near.length ? `Did you mean \`--${near[0]}\`? ` : ''}${known}`);
    }
    if (name in flags) return fail(`\`--${name}\` is given twice.`, 'Give it once.');
    if (!flag.value) {
      if (eq > 0) return fail(`\`--${name}\` takes no value.`, `Write just \`--${name}\`.`);
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? word.slice(eq + 1) : words[i + 1];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return fail(`\`--${name}\` needs a value: <${flag.value}>.`, `Write it as \`--${name} <${flag.value}>\`.`);
    flags[name] = value;
    if (eq < 0) i++;
  }

  const args: Record<string, string> = {};
  let p = 0;
  for (const a of spec.args) {
    if (a.rest) {
      if (p < positional.length) args[a.name] = positional.slice(p).join(' ');
      p = positional.length;
    } else if (p < positional.length) args[a.name] = positional[p++]!;
    else if (a.required) return fail(`\`${ROOT} ${spec.path.join(' ')}\` needs <${a.name}>.`, spec.examples?.[0] ? `For example: \`${spec.examples[0]}\`.` : '');
  }
  if (p < positional.length) {
    const extra = positional.slice(p);
    return fail(`Unexpected ${extra.length === 1 ? 'word' : 'words'} ${extra.map((w) => `\`${w}\``).join(' ')}.`, 'Quote a value with spaces, and write flags as `--name value`.');
  }
  const missing = spec.flags.filter((f) => f.required && !(f.name in flags));
  if (missing.length) return fail(`\`${ROOT} ${spec.path.join(' ')}\` needs ${missing.map((f) => `\`--${f.name} <${f.value}>\``).join(' and ')}.`, spec.examples?.[0] ? `For example: \`${spec.examples[0]}\`.` : '');
  return { kind: 'command', spec, id: spec.id, args, flags };
}

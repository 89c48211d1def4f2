import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../bot/commands/closest.ts';
import { COMMANDS } from '../../../bot/commands/command-spec.ts';
import { parseCommand, tokenize, unescapeSlack } from '../../../bot/commands/parse-command.ts';

const ok = (text: string) => {
  const r = parseCommand(text);
  if (r.kind !== 'command') throw new Error(`${text}: ${JSON.stringify(r)}`);
  return r;
};
const error = (text: string) => {
  const r = parseCommand(text);
  if (r.kind !== 'error') throw new Error(`${text}: expected an error, got ${JSON.stringify(r)}`);
  return `${r.message} ${r.fix}`;
};

describe('parsing /wa commands', () => {
  it('should bind the template, flags and their values', () => {
    const r = ok('campaign start order_update --audience march --from pool --plan=burst --at 2h');
    expect(r.id).toBe('campaign.start');
    expect(r.args).toEqual({ template: 'order_update' });
    expect(r.flags).toEqual({ audience: 'march', from: 'pool', plan: 'burst', at: '2h' });
  });

  it('should prefer the longer command path: contact ack before contact', () => {
    expect(ok('contact ack +966501234567').id).toBe('contact.ack');
    expect(ok('contact +966501234567').args).toEqual({ phone: '+966501234567' });
  });

  it('should keep a free-text reason together and quoted values whole', () => {
    expect(ok('campaign pause c1 the copy has a typo').args).toEqual({ id: 'c1', reason: 'the copy has a typo' });
    expect(ok('campaign start t --audience "spring list" --from pool --name “Spring promo”').flags).toMatchObject({ audience: 'spring list', name: 'Spring promo' });
  });

  it('should give help at every level', () => {
    expect(parseCommand('')).toEqual({ kind: 'help', path: [] });
    expect(parseCommand('help campaign')).toEqual({ kind: 'help', path: ['campaign'] });
    expect(parseCommand('campaign')).toEqual({ kind: 'help', path: ['campaign'] });
    expect(parseCommand('campaign help')).toEqual({ kind: 'help', path: ['campaign'] });
    expect(parseCommand('campaign start --help')).toEqual({ kind: 'help', path: ['campaign', 'start'] });
    expect(parseCommand('contacts')).toEqual({ kind: 'help', path: ['contacts'] });
  });

  it('should name the closest commands for an unknown one', () => {
    expect(error('campain list')).toMatch(/`campain` is not a \/wa command\. Did you mean `\/wa campaign`\?/);
    expect(error('campaign strat x')).toContain('Did you mean `/wa campaign start`');
    expect(error('contact akc +966501234567')).toContain('Did you mean `/wa contact ack`');
    expect(error('launch')).toContain('Type `/wa help` for what each does');
  });

  it('should name the flags that exist for a bad flag, a missing value, a repeated flag', () => {
    expect(error('campaign start t --audince a --from pool')).toMatch(/`--audince` is not a flag[\s\S]*Did you mean `--audience`/);
    expect(error('campaign start t --audience --from pool')).toContain('`--audience` needs a value');
    expect(error('campaign start t --audience a --audience b --from pool')).toContain('given twice');
    expect(error('campaign report c1 --csv=yes')).toContain('`--csv` takes no value');
    expect(error('numbers --all')).toContain('takes no flags');
  });

  it('should name what is missing', () => {
    expect(error('campaign start --audience a --from pool')).toContain('needs <template>');
    expect(error('campaign start t --from pool')).toContain('needs `--audience <name|file>`');
    expect(error('campaign resume')).toContain('needs <id>');
    expect(error('numbers please')).toContain('Unexpected word `please`');
  });

  it('should undo Slack\'s escaping: links, entities, smart quotes, bidi marks', () => {
    expect(unescapeSlack('contact <tel:+966501234567|+966 50 123 4567>')).toBe('contact +966 50 123 4567');
    expect(unescapeSlack('a &lt;b&gt; &amp; c — d')).toBe('a <b> & c -- d');
    expect(unescapeSlack('\u200F+966501234567\u200E')).toBe('+966501234567');
    expect(tokenize('a "b c" \'d e\' f')).toEqual(['a', 'b c', 'd e', 'f']);
  });

  it('should answer any text with a command, help or an error, never a throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      const r = parseCommand(text);
      expect(['command', 'help', 'error']).toContain(r.kind);
      if (r.kind === 'error') expect(r.fix.length).toBeGreaterThan(0);
    }), { numRuns: 300 });
  });

  it('should parse every command\'s own example', () => {
    for (const c of COMMANDS) for (const example of c.examples ?? []) expect(ok(example.replace(/^\/wa /, '')).id).toBe(c.id);
  });
});

describe('suggesting the closest names', () => {
  it('should count transpositions as one edit', () => {
    expect(editDistance('strat', 'start')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('should suggest prefixes and near misses, and nothing far away', () => {
    expect(closest('camp', ['campaign', 'contact'])).toEqual(['campaign']);
    expect(closest('order_updat', ['order_update', 'order_update_media', 'welcome'])).toEqual(['order_update', 'order_update_media']);
    expect(closest('xyz', ['campaign', 'numbers'])).toEqual([]);
  });
});

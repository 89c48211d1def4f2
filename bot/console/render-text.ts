/**
 * A `Reply` as terminal text: the same answers Slack shows, in plain lines and aligned tables.
 * Buttons become what to type; files are written to the data directory and their path printed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTable } from '../../simulator/report/table.ts';
import { plain, type Block, type Reply } from '../commands/reply.ts';

const text = (s: string) => plain(s).replace(/<@([^>|]+)(\|[^>]*)?>/g, '@$1').replace(/<#([^>|]+)(\|[^>]*)?>/g, '#$1');

function block(b: Block): string {
  switch (b.kind) {
    case 'header': return `== ${text(b.text)} ==`;
    case 'text': return text(b.text);
    case 'context': return `  ${text(b.text)}`;
    case 'divider': return '';
    case 'code': return b.text.split('\n').map((l) => `  ${l}`).join('\n');
    case 'fields': {
      const width = Math.max(...b.fields.map(([k]) => k.length));
      return b.fields.map(([k, v]) => `  ${k.padEnd(width)}  ${text(v).split('\n').join(`\n  ${' '.repeat(width)}  `)}`).join('\n');
    }
    case 'table': return formatTable(b.rows.map((r) => r.map((c) => text(c))), true).split('\n').map((l) => `  ${l}`).join('\n');
  }
}

export async function renderText(reply: Reply, exportDir: string): Promise<string> {
  const out: string[] = reply.blocks.length ? reply.blocks.map(block) : [text(reply.text)];
  if (reply.actions) {
    const accept = reply.actions.kind === 'approve' ? 'approve' : 'confirm';
    out.push(`→ Type \`${accept}\` to ${reply.actions.accept.label.toLowerCase()}, or \`cancel\`.`.replace(/`/g, ''));
  }
  if (reply.form?.kind === 'contacts-import') out.push('→ Give the CSV file: contacts import <file.csv> [--audience <name>]');
  for (const f of reply.files ?? []) {
    await mkdir(exportDir, { recursive: true });
    const path = join(exportDir, f.name);
    await writeFile(path, f.content);
    out.push(`→ ${f.title}: written to ${path}`);
  }
  for (const b of reply.broadcast ?? []) out.push(await renderText(b, exportDir));
  return out.filter((l) => l !== '').join('\n');
}

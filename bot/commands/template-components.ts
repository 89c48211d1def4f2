/**
 * A campaign's template parameters from the contact list: each body placeholder is filled from
 * the contact's CSV column of the same name (`2`, `3`, or a named parameter like `order_id`), and
 * `{{1}}` from the contact's name unless the list has a column `1`. Headers with media or a
 * location need values a contact list does not hold, so such templates are refused before start.
 */
import type { TemplateDefinition } from '../../core/template.ts';
import type { TemplateComponent } from '../../core/template-message.ts';

export type ComponentPlan = { readonly ok: true; readonly components: readonly TemplateComponent[]; readonly columns: readonly string[] } | { readonly ok: false; readonly problem: string };

export function templateComponents(def: TemplateDefinition, columns: ReadonlySet<string>): ComponentPlan {
  if (def.header && def.header.format !== 'TEXT') {
    return { ok: false, problem: `template ${def.name} has a ${def.header.format.toLowerCase()} header, which a contact list cannot fill; choose a template whose header is text or absent` };
  }
  const names = def.body.paramNames ?? Array.from({ length: def.body.paramCount }, (_, i) => String(i + 1));
  if (names.length === 0) return { ok: true, components: [], columns: [] };
  const named = def.parameterFormat === 'NAMED';
  const value = (key: string) => (key === '1' && !columns.has('1') ? '{{name}}' : `{{attributes.${key}}}`);
  const parameters = names.map((key) => ({ type: 'text' as const, text: value(key), ...(named && { parameter_name: key }) }));
  return { ok: true, components: [{ type: 'body', parameters } as TemplateComponent], columns: names.filter((k) => !(k === '1' && !columns.has('1'))) };
}

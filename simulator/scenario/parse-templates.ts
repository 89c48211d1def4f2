/**
 * `templates[]`: the message templates plans send. Without any, one approved marketing template
 * named `promo` at HIGH quality, the common case for a campaign.
 */
import { parseQuality } from '../../core/index.ts';
import type { TemplateSpec } from './scenario.ts';
import { childPath, type FieldReader } from './field-reader.ts';

export const DEFAULT_TEMPLATE: TemplateSpec = { name: 'promo', category: 'MARKETING', quality: 'HIGH' };

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;

export function parseTemplates(raw: unknown, read: FieldReader): TemplateSpec[] {
  if (raw === undefined) return [DEFAULT_TEMPLATE];
  const list = read.list(raw, 'templates', 'a list of templates like { name: promo, category: MARKETING }');
  if (!list) return [DEFAULT_TEMPLATE];
  if (list.length === 0) {
    read.add('templates', 'expected at least one template (or leave templates out for the default promo)');
    return [DEFAULT_TEMPLATE];
  }
  const templates: TemplateSpec[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = childPath('templates', i);
    const t = read.mapping(item, path, 'a template like { name: promo, category: MARKETING, quality: HIGH }');
    if (!t) return;
    read.keys(t, path, ['name', 'category', 'quality']);
    const name = read.string(t, 'name', path);
    if (name === undefined) return;
    if (seen.has(name)) read.add(childPath(path, 'name'), `duplicate template name ${JSON.stringify(name)}`);
    seen.add(name);
    const category = read.oneOf(t, 'category', path, CATEGORIES, 'MARKETING');
    // A template named in a scenario is an approved one; HIGH unless the author says otherwise.
    const quality = read.parsed(t, 'quality', path, 'a quality rating', 'HIGH', parseQuality) ?? 'HIGH';
    templates.push({ name, category, quality });
  });
  return templates.length ? templates : [DEFAULT_TEMPLATE];
}

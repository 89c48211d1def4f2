import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TEMPLATES, parseTemplateList } from '../../../core/template.ts';
import { DEFAULT_TEMPLATES_FILE, TemplateCatalog } from '../../../simulator/sandbox/template-catalog.ts';
import { loadJsonFile } from '../../../simulator/sandbox/json-file.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { get, post, seedBodies, startReceiver, type Receiver } from './helpers.ts';

describe('sandbox templates: the default catalog', () => {
  it('should parse default-templates.json into exactly core\'s SEED_TEMPLATES', () => {
    expect(parseTemplateList(loadJsonFile(DEFAULT_TEMPLATES_FILE, 'templates'))).toEqual(SEED_TEMPLATES);
  });

  it('should hold seed 004\'s examples as approved en_US templates', () => {
    const catalog = TemplateCatalog.loadDefault(0);
    expect(catalog.all().map((e) => [e.def.name, e.def.language, e.state.status])).toEqual([
      ['order_update', 'en_US', 'APPROVED'], ['order_update_media', 'en_US', 'APPROVED'],
      ['order_update_buttons', 'en_US', 'APPROVED'], ['order_delivery_update', 'en_US', 'APPROVED'],
    ]);
    expect(new Set(catalog.all().map((e) => e.id)).size).toBe(4);
  });
});

describe('sandbox templates: loading a catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should load a file in Meta\'s list format and list it back with its ids', async () => {
    const file = join(dir, 'templates.json');
    writeFileSync(file, JSON.stringify({ data: [{ id: '987654321', name: 'welcome', language: 'ar', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: 'أهلا {{1}}' }] }] }));
    const sb = await startSandbox({ templates: file });
    try {
      const body = await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}/message_templates`, sb.token)).json() as { data: Record<string, unknown>[] };
      expect(body.data).toEqual([{ name: 'welcome', language: 'ar', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: 'أهلا {{1}}' }], parameter_format: 'POSITIONAL', quality_score: { score: 'UNKNOWN' }, id: '987654321' }]);
    } finally {
      await sb.close();
    }
  });

  it('should refuse a bad catalog with every problem and its path', () => {
    expect(() => new TemplateCatalog({ data: [{ name: 'Bad Name', language: 'en_US', category: 'PROMO', status: 'APPROVED', components: [] }] }, 0))
      .toThrow(/templates\.data\[0\]\.name.*templates\.data\[0\]\.category/s);
    expect(() => new TemplateCatalog({ data: [SEED_TEMPLATE_LIKE, SEED_TEMPLATE_LIKE] }, 0)).toThrow(/a second "hello"/);
    expect(() => new TemplateCatalog('nope', 0)).toThrow(/expected \{ "data"/);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "data": [');
    expect(() => TemplateCatalog.loadFile(file, 0)).toThrow(/is not JSON/);
    expect(() => TemplateCatalog.loadFile(join(dir, 'missing.json'), 0)).toThrow(/cannot read/);
  });
});

const SEED_TEMPLATE_LIKE = { name: 'hello', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hello' }] };

describe('sandbox templates: seed 004\'s request bodies', () => {
  let sb: Sandbox;
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver('seed-secret');
    sb = await startSandbox({ seed: 61, appSecret: 'seed-secret', webhookUrl: rx.url, world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 10 } } } });
  });
  afterAll(async () => {
    await sb.close();
    await rx.close();
  });

  it.each(['text', 'media', 'interactive', 'location'])('should accept the %s example with real values and deliver it', async (kind) => {
    const to = { text: '12245554792', media: '966501000001', interactive: '971501234567', location: '201001234567' }[kind]!;
    const res = await post(sb.baseUrl, `/v19.0/${sb.phoneNumbers[0]!.id}/messages`, sb.token, { ...seedBodies(to)[kind], biz_opaque_callback_data: `seed-${kind}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ contacts: [{ input: to, wa_id: to }], messages: [{ message_status: 'accepted' }] });
    await rx.waitFor(() => rx.statuses().find((s) => s.biz_opaque_callback_data === `seed-${kind}` && s.status === 'delivered'));
  });
});

import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.ts';
import {
  SEED_TEMPLATES, findTemplate, parseTemplateDefinition, parseTemplateList, placeholders,
} from '../../core/template.ts';

function parseError(json: unknown): CoreError {
  try {
    parseTemplateDefinition(json);
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('expected parseTemplateDefinition to throw');
}

const promo = {
  id: '1234567890',
  name: 'spring_sale',
  language: 'en_US',
  category: 'MARKETING',
  status: 'APPROVED',
  quality_score: { score: 'GREEN', date: 1750000000 },
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hello {{1}}', example: { header_text: ['Sara'] } },
    { type: 'BODY', text: 'Spring sale: {{1}} off everything until {{2}}. Use {{1}} again? Sure.', example: { body_text: [['20%', 'Friday']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Shop now', url: 'https://shop.example/sale/{{1}}', example: ['https://shop.example/sale/abc'] },
        { type: 'URL', text: 'Store hours', url: 'https://shop.example/hours' },
        { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+966501234567' },
        { type: 'QUICK_REPLY', text: 'Not interested' },
        { type: 'COPY_CODE', example: 'SPRING20' },
      ],
    },
  ],
};

describe('reading a template definition from the message_templates endpoint', () => {
  it('should read name, language, category, status, quality and every component', () => {
    const def = parseTemplateDefinition(promo);
    expect(def).toEqual({
      id: '1234567890', name: 'spring_sale', language: 'en_US', category: 'MARKETING', status: 'APPROVED', quality: 'HIGH',
      parameterFormat: 'POSITIONAL',
      header: { format: 'TEXT', text: 'Hello {{1}}', paramCount: 1 },
      body: { text: promo.components[1]!.text, paramCount: 2 },
      footer: 'Reply STOP to opt out',
      buttons: [
        { type: 'URL', text: 'Shop now', url: 'https://shop.example/sale/{{1}}', dynamic: true },
        { type: 'URL', text: 'Store hours', url: 'https://shop.example/hours', dynamic: false },
        { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+966501234567', dynamic: false },
        { type: 'QUICK_REPLY', text: 'Not interested', dynamic: false },
        { type: 'COPY_CODE', text: 'Copy code', dynamic: true },
      ],
    });
  });

  it('should start a template without a quality score at UNKNOWN', () => {
    const { quality_score: _dropped, ...fresh } = promo;
    expect(parseTemplateDefinition(fresh).quality).toBe('UNKNOWN');
    expect(parseTemplateDefinition({ ...promo, quality_score: { score: 'RED' } }).quality).toBe('LOW');
  });

  it('should count distinct placeholders, a repeated {{1}} once', () => {
    expect(placeholders('{{1}} and {{ 2 }} and {{1}}')).toEqual(['1', '2']);
    expect(parseTemplateDefinition(promo).body.paramCount).toBe(2);
  });

  it('should read named parameters and infer the NAMED format', () => {
    const def = parseTemplateDefinition({
      name: 'welcome', language: 'ar', category: 'utility', status: 'approved',
      components: [{ type: 'body', text: 'Hi {{first_name}}, order {{order_id}} for {{first_name}} is ready.' }],
    });
    expect(def.parameterFormat).toBe('NAMED');
    expect(def.body).toEqual({ text: 'Hi {{first_name}}, order {{order_id}} for {{first_name}} is ready.', paramCount: 2, paramNames: ['first_name', 'order_id'] });
    expect(def.category).toBe('UTILITY');
  });

  it('should read an OTP button that Meta returns as a whatsapp.com/otp URL', () => {
    const def = parseTemplateDefinition({
      name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', status: 'APPROVED',
      components: [
        { type: 'BODY', text: '*{{1}}* is your verification code.' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}' }] },
      ],
    });
    expect(def.buttons).toEqual([{ type: 'OTP', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}', dynamic: true }]);
  });

  it('should read the list page and find a template by name and language', () => {
    const defs = parseTemplateList({ data: [promo, { ...promo, language: 'ar' }], paging: { cursors: {} } });
    expect(defs).toHaveLength(2);
    expect(findTemplate(defs, 'spring_sale', 'ar')?.language).toBe('ar');
    expect(findTemplate(defs, 'spring_sale', 'fr')).toBeUndefined();
  });
});

describe('refusing a bad template definition', () => {
  it('should name the path, the value and the choices', () => {
    const bad = { ...promo, components: [promo.components[1], { type: 'HEADER', format: 'GIF' }] };
    const err = parseError(bad);
    expect(err.code).toBe('WA_INVALID_TEMPLATE');
    expect(err.message).toBe('template.components[1].format: got "GIF", expected one of TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION');
  });

  it('should list every problem at once', () => {
    const err = parseError({
      name: 'Spring Sale', language: 'english', category: 'PROMO', status: 'LIVE',
      components: [{ type: 'BODY', text: 'Hi {{1}}, {{3}}' }, { type: 'CAROUSEL' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x.example/{{1}}/{{2}}' }] }],
    });
    const paths = (err.details.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual([
      'template.name', 'template.language', 'template.category', 'template.status',
      'template.components[0].text', 'template.components[1].type', 'template.components[2].buttons[0].url',
    ]);
    expect(err.message).toContain('template.components[0].text: placeholders {{1}}, {{3}}, expected {{1}} to {{2}} with none missing');
    expect(err.message).toContain('template.components[2].buttons[0].url: got "https://x.example/{{1}}/{{2}}", expected at most one placeholder, {{1}}, at the end of the URL');
  });

  it('should refuse non-objects, a missing body, a second header and mixed placeholder styles', () => {
    expect(parseError(null).message).toBe('template: got null, expected a template object { name, language, category, status, components }');
    expect(parseError({ ...promo, components: 'none' }).message).toContain('template.components: got "none", expected an array');
    expect(parseError({ ...promo, components: [promo.components[0]] }).message).toContain('template.components: no BODY component, expected exactly one');
    expect(parseError({ ...promo, components: [promo.components[0], promo.components[0], promo.components[1]] }).message)
      .toContain('template.components[1].type: a second HEADER, expected at most one HEADER component');
    expect(parseError({ ...promo, components: [{ type: 'BODY', text: 'Hi {{name}} and {{1}}' }] }).message)
      .toContain('template.components[0].text: placeholder {{1}} in a NAMED template');
    expect(parseError({ ...promo, components: [{ type: 'HEADER', format: 'TEXT', text: '{{1}} {{2}}' }, promo.components[1]] }).message)
      .toContain('template.components[0].text: 2 placeholders, expected at most one in a TEXT header');
    expect(parseError({ ...promo, quality_score: { score: 'PURPLE' } }).message).toBe('template.quality_score.score: got "PURPLE", expected one of GREEN, YELLOW, RED, UNKNOWN');
  });

  it('should prefix paths with the list position when reading a page', () => {
    expect(() => parseTemplateList({ data: [promo, { ...promo, status: 'LIVE' }] })).toThrow(/^data\[1\]\.status: got "LIVE"/);
    expect(() => parseTemplateList([])).toThrow(/data: got an array of 0, expected an array of templates/);
  });
});

describe('the seed 004 templates', () => {
  it('should hold the four examples as approved en_US templates', () => {
    expect(SEED_TEMPLATES.map((t) => [t.name, t.language, t.status])).toEqual([
      ['order_update', 'en_US', 'APPROVED'], ['order_update_media', 'en_US', 'APPROVED'],
      ['order_update_buttons', 'en_US', 'APPROVED'], ['order_delivery_update', 'en_US', 'APPROVED'],
    ]);
    const [text, media, buttons, location] = SEED_TEMPLATES;
    expect(text!.header).toBeUndefined();
    expect(text!.body.paramCount).toBe(3);
    expect(media!.header?.format).toBe('IMAGE');
    expect(buttons!.buttons.map((b) => b.type)).toEqual(['QUICK_REPLY', 'QUICK_REPLY']);
    expect(location!.header?.format).toBe('LOCATION');
    expect(location!.body.paramCount).toBe(2);
    expect(SEED_TEMPLATES.every((t) => t.quality === 'UNKNOWN')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.ts';
import { SEED_TEMPLATES, findTemplate, parseTemplateDefinition, type TemplateDefinition } from '../../core/template.ts';
import {
  bodyText, copyCodeButton, currency, dateTime, headerImage, headerLocation, quickReplyButton, body, templateMessage, text, urlButton,
} from '../../core/template-message.ts';
import { assertTemplateSend, validateTemplateSend, type TemplateProblem } from '../../core/template-validation.ts';

// The four requests of seed 004, written out in full with realistic values.
const TEXT_SEND = {
  messaging_product: 'whatsapp', recipient_type: 'individual', to: '+966501234567', type: 'template',
  template: {
    name: 'order_update', language: { code: 'en_US' },
    components: [{
      type: 'body',
      parameters: [
        { type: 'text', text: 'Pablo' },
        { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
        { type: 'date_time', date_time: { fallback_value: 'February 25, 2026' } },
      ],
    }],
  },
};

const MEDIA_SEND = {
  messaging_product: 'whatsapp', recipient_type: 'individual', to: '+966501234567', type: 'template',
  template: {
    name: 'order_update_media', language: { code: 'en_US' },
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.shop.example/orders/566701.jpg' } }] },
      TEXT_SEND.template.components[0],
    ],
  },
};

const INTERACTIVE_SEND = {
  messaging_product: 'whatsapp', recipient_type: 'individual', to: '+966501234567', type: 'template',
  template: {
    name: 'order_update_buttons', language: { code: 'en_US' },
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { id: '1479537139650973' } }] },
      TEXT_SEND.template.components[0],
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'TRACK_566701' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'SUPPORT_566701' }] },
    ],
  },
};

const PABLO_LOCATION = { latitude: '37.483307', longitude: '122.148981', name: 'Pablo Morales', address: '1 Hacker Way, Menlo Park, CA 94025' };

const LOCATION_SEND = {
  messaging_product: 'whatsapp', recipient_type: 'individual', to: '12245554792', type: 'template',
  template: {
    name: 'order_delivery_update', language: { code: 'en_US' },
    components: [
      {
        type: 'header',
        parameters: [{ type: 'location', location: PABLO_LOCATION }],
      },
      { type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: '566701' }] },
    ],
  },
};

const seed = (name: string) => findTemplate(SEED_TEMPLATES, name, 'en_US');
const clone = <T>(v: T): T => structuredClone(v);

function problems(def: TemplateDefinition | undefined, msg: unknown): readonly TemplateProblem[] {
  const check = validateTemplateSend(def, msg);
  if (check.ok) throw new Error('expected problems, got none');
  return check.problems;
}

describe('validating the seed 004 requests against the seed templates', () => {
  it.each([
    ['text', TEXT_SEND], ['media', MEDIA_SEND], ['interactive', INTERACTIVE_SEND], ['location', LOCATION_SEND],
  ])('should accept the %s request and return it unchanged in canonical form', (_kind, send) => {
    const check = validateTemplateSend(seed(send.template.name), send.template);
    expect(check).toEqual({ ok: true, message: send.template });
  });

  it('should build the same requests with the builders', () => {
    const built = templateMessage('order_update_buttons', 'en_US', [
      headerImage({ id: '1479537139650973' }),
      body(text('Pablo'), currency('$100.99', 'USD', 100990), dateTime('February 25, 2026')),
      quickReplyButton(0, 'TRACK_566701'), quickReplyButton(1, 'SUPPORT_566701'),
    ]);
    expect(built).toEqual(INTERACTIVE_SEND.template);
    const location = templateMessage('order_delivery_update', 'en_US', [
      headerLocation(PABLO_LOCATION), bodyText('Pablo', '566701'),
    ]);
    expect(validateTemplateSend(seed('order_delivery_update'), location).ok).toBe(true);
  });

  it('should canonicalise upper-case types and numeric button indexes', () => {
    const msg = clone(INTERACTIVE_SEND.template) as { components: Record<string, unknown>[] };
    msg.components[2] = { type: 'BUTTON', sub_type: 'QUICK_REPLY', index: 0, parameters: [{ type: 'payload', payload: 'TRACK_566701' }] };
    const check = validateTemplateSend(seed('order_update_buttons'), msg);
    expect(check).toEqual({ ok: true, message: INTERACTIVE_SEND.template });
  });
});

describe('naming the template', () => {
  it('should answer 132001 for a template that does not exist or not in that language', () => {
    expect(problems(undefined, TEXT_SEND.template)).toEqual([{ path: 'template.name', message: 'no template "order_update" in language "en_US", expected the name and language of an existing template', metaCode: 132001 }]);
    const ar = { ...TEXT_SEND.template, language: { code: 'ar' } };
    expect(problems(seed('order_update'), ar)).toEqual([{ path: 'template.language.code', message: 'got "ar", expected "en_US": template "order_update" has no "ar" translation', metaCode: 132001 }]);
  });

  it.each([
    ['PAUSED', 132015, /is PAUSED for low quality, expected an APPROVED template/],
    ['DISABLED', 132016, /is DISABLED for low quality/],
    ['PENDING', 132001, /is PENDING, expected APPROVED/],
    ['REJECTED', 132001, /is REJECTED, expected APPROVED/],
  ] as const)('should answer a %s template with %i', (status, metaCode, message) => {
    const def = { ...seed('order_update')!, status };
    const found = problems(def, TEXT_SEND.template);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'template.name', metaCode });
    expect(found[0]!.message).toMatch(message);
  });

  it('should refuse a malformed request with 100', () => {
    expect(problems(seed('order_update'), 'order_update')).toEqual([{ path: 'template', message: 'got "order_update", expected { name, language: { code }, components }', metaCode: 100 }]);
    expect(problems(seed('order_update'), { name: 'order_update', language: 'en_US' }).map((p) => [p.path, p.metaCode])).toEqual([['template.language.code', 100]]);
  });
});

describe('counting parameters', () => {
  it('should answer 132000 for too few or too many body parameters', () => {
    const msg = clone(TEXT_SEND.template);
    msg.components[0]!.parameters.pop();
    expect(problems(seed('order_update'), msg)).toEqual([{
      path: 'template.components[0].parameters', metaCode: 132000,
      message: 'got 2 body parameter(s), expected 3 parameters, one for each of {{1}} to {{3}} in the body',
    }]);
  });

  it('should answer 132000 for a missing header, body or URL-button component', () => {
    const def = parseTemplateDefinition({
      name: 'sale', language: 'en_US', category: 'MARKETING', status: 'APPROVED',
      components: [
        { type: 'HEADER', format: 'VIDEO' }, { type: 'BODY', text: 'Sale for {{1}}' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example/s/{{1}}' }, { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550001111' }] },
      ],
    });
    const found = problems(def, { name: 'sale', language: { code: 'en_US' } });
    expect(found.map((p) => [p.path, p.metaCode])).toEqual([['template.components', 132000], ['template.components', 132000], ['template.components', 132000]]);
    expect(found[0]!.message).toBe("no header component, expected one with 1 video parameter for the template's VIDEO header");
    expect(found[2]!.message).toMatch(/no button component with index "0", expected \{ type: "button", sub_type: "url", index: "0"/);
  });

  it('should answer 132000 for a component the template has no place for', () => {
    const msg = clone(TEXT_SEND.template) as { components: unknown[] };
    msg.components.push({ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, quickReplyButton(0, 'X'));
    expect(problems(seed('order_update'), msg).map((p) => [p.path, p.metaCode])).toEqual([
      ['template.components[1]', 132000], ['template.components[2].index', 132000],
    ]);
  });

  it('should accept a template whose quick-reply payloads are left out (seed 004 location request)', () => {
    expect(seed('order_delivery_update')!.buttons).toHaveLength(1);
    expect(validateTemplateSend(seed('order_delivery_update'), LOCATION_SEND.template).ok).toBe(true);
  });
});

describe('checking parameter formats', () => {
  it('should answer 132012 for an image parameter in a LOCATION header', () => {
    const msg = clone(LOCATION_SEND.template) as { components: unknown[] };
    msg.components[0] = headerImage({ link: 'https://cdn.shop.example/a.jpg' });
    expect(problems(seed('order_delivery_update'), msg)).toEqual([{
      path: 'template.components[0].parameters[0].type', message: 'got "image", expected "location" (the template\'s header is LOCATION)', metaCode: 132012,
    }]);
  });

  it('should answer 132012 for a bad currency, a bad date_time and an http link', () => {
    const msg = clone(MEDIA_SEND.template) as { components: { parameters: Record<string, unknown>[] }[] };
    msg.components[0]!.parameters[0] = { type: 'image', image: { link: 'http://cdn.shop.example/a.jpg' } };
    msg.components[1]!.parameters[1] = { type: 'currency', currency: { fallback_value: '$100.99', code: 'usd' } };
    msg.components[1]!.parameters[2] = { type: 'date_time', date_time: {} };
    expect(problems(seed('order_update_media'), msg)).toEqual([
      { path: 'template.components[0].parameters[0].image.link', message: 'got "http://cdn.shop.example/a.jpg", expected a public https URL', metaCode: 132012 },
      { path: 'template.components[1].parameters[1].currency.code', message: 'got "usd", expected an ISO 4217 currency code like "USD" or "SAR"', metaCode: 132012 },
      { path: 'template.components[1].parameters[1].currency.amount_1000', message: 'got undefined, expected an integer, the amount times 1000 (10.99 → 10990)', metaCode: 132012 },
      { path: 'template.components[1].parameters[2].date_time.fallback_value', message: 'got undefined, expected a non-empty string', metaCode: 132012 },
    ]);
  });

  it('should answer 132012 for a latitude or longitude out of range and for id plus link', () => {
    const msg = templateMessage('order_delivery_update', 'en_US', [headerLocation({ latitude: '91', longitude: -180.5, name: 'x', address: 'y' }), bodyText('Pablo', '566701')]);
    expect(problems(seed('order_delivery_update'), msg).map((p) => p.path)).toEqual([
      'template.components[0].parameters[0].location.latitude', 'template.components[0].parameters[0].location.longitude',
    ]);
    const media = clone(MEDIA_SEND.template) as { components: { parameters: Record<string, unknown>[] }[] };
    media.components[0]!.parameters[0] = { type: 'image', image: { id: '1', link: 'https://a.example/x.png' } };
    expect(problems(seed('order_update_media'), media)).toEqual([{ path: 'template.components[0].parameters[0].image', message: 'both id and link, expected exactly one', metaCode: 132012 }]);
  });

  it('should answer 132012 for a button of the wrong sub_type and 100 for text with new-lines', () => {
    const msg = clone(INTERACTIVE_SEND.template) as { components: unknown[] };
    msg.components[3] = urlButton(1, 'abc');
    (msg.components[1] as { parameters: { text?: string }[] }).parameters[0]!.text = 'Pablo\nMorales';
    expect(problems(seed('order_update_buttons'), msg)).toEqual([
      { path: 'template.components[1].parameters[0].text', message: 'got "Pablo\\nMorales", expected no new-line or tab characters and at most 4 consecutive spaces', metaCode: 100 },
      { path: 'template.components[3].sub_type', message: 'got "url", expected "quick_reply" (button 1 is QUICK_REPLY "Talk to support")', metaCode: 132012 },
    ]);
  });

  it('should answer 132005 when the filled-in body is over 1024 characters', () => {
    const msg = templateMessage('order_delivery_update', 'en_US', [LOCATION_SEND.template.components[0] as never, bodyText('P'.repeat(1000), '566701')]);
    expect(problems(seed('order_delivery_update'), msg).map((p) => p.metaCode)).toEqual([132005]);
  });
});

describe('reporting every problem', () => {
  it('should list all problems of a send, not just the first', () => {
    const def = { ...seed('order_update_buttons')!, status: 'PAUSED' as const };
    const msg = {
      name: 'order_update_buttons', language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'video', video: { link: 'https://v.example/a.mp4' } }] },
        { type: 'body', parameters: [{ type: 'text', text: '' }, { type: 'image', image: { id: '1' } }] },
        { type: 'button', sub_type: 'quick_reply', index: '7', parameters: [] },
        { type: 'footer' },
      ],
    };
    expect(problems(def, msg).map((p) => [p.path, p.metaCode])).toEqual([
      ['template.components[3].type', 100],
      ['template.name', 132015],
      ['template.components[0].parameters[0].type', 132012],
      ['template.components[1].parameters', 132000],
      ['template.components[1].parameters[0].text', 100],
      ['template.components[1].parameters[1].type', 132012],
      ['template.components[2].index', 132000],
    ]);
  });

  it('should throw WA_TEMPLATE_PARAMS from the boundary form, listing each problem', () => {
    const msg = clone(TEXT_SEND.template);
    msg.components[0]!.parameters.splice(1, 2);
    let err: unknown;
    try { assertTemplateSend({ ...seed('order_update')!, status: 'DISABLED' }, msg); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('WA_TEMPLATE_PARAMS');
    expect((err as CoreError).message).toBe('template "order_update": 2 problem(s): '
      + 'template.name: template "order_update" (en_US) is DISABLED for low quality, expected an APPROVED template: edit and resubmit it, or use another template (132016); '
      + 'template.components[0].parameters: got 1 body parameter(s), expected 3 parameters, one for each of {{1}} to {{3}} in the body (132000)');
    expect(assertTemplateSend(seed('order_update'), TEXT_SEND.template)).toEqual(TEXT_SEND.template);
  });
});

describe('authentication templates', () => {
  const legacy = parseTemplateDefinition({
    name: 'legacy_code', language: 'en_US', category: 'AUTHENTICATION', status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Your code for {{1}} is {{2}}.' }],
  });
  const otp = parseTemplateDefinition({
    name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', status: 'APPROVED',
    components: [
      { type: 'BODY', text: '*{{1}}* is your verification code.' },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
    ],
  });

  it('should answer 100 for a legacy variable over 15 characters, holding a URL or an emoji', () => {
    const msg = templateMessage('legacy_code', 'en_US', [bodyText('https://evil.example', 'code 🔑 12')]);
    expect(problems(legacy, msg)).toEqual([
      { path: 'template.components[0].parameters[0].text', message: 'got 20 characters, expected at most 15 in an authentication template without a one-time-password button', metaCode: 100 },
      { path: 'template.components[0].parameters[0].text', message: 'got "https://evil.example", expected no URL in an authentication template without a one-time-password button', metaCode: 100 },
      { path: 'template.components[0].parameters[1].text', message: 'got "code 🔑 12", expected no emoji in an authentication template without a one-time-password button', metaCode: 100 },
    ]);
    expect(validateTemplateSend(legacy, templateMessage('legacy_code', 'en_US', [bodyText('Acme', '482913')])).ok).toBe(true);
  });

  it('should answer 100 for a legacy template whose body holds a URL', () => {
    const withUrl = { ...legacy, body: { text: 'Code {{1}} for {{2}}, see www.acme.example', paramCount: 2 } };
    expect(problems(withUrl, templateMessage('legacy_code', 'en_US', [bodyText('Acme', '482913')])).map((p) => [p.path, p.metaCode])).toEqual([['template.name', 100]]);
  });

  it('should require the code on the OTP button and allow long values only with an OTP button', () => {
    expect(problems(otp, templateMessage('login_code', 'en_US', [bodyText('482913')])).map((p) => [p.path, p.metaCode])).toEqual([['template.components', 132000]]);
    expect(validateTemplateSend(otp, templateMessage('login_code', 'en_US', [bodyText('482913'), urlButton(0, '482913')])).ok).toBe(true);
    expect(problems(otp, templateMessage('login_code', 'en_US', [bodyText('482913'), urlButton(0, '4829134829134829')]))).toEqual([
      { path: 'template.components[1].parameters[0].text', message: 'got 16 characters, expected a code of at most 15', metaCode: 100 },
    ]);
  });

  it('should check a copy-code button the same way', () => {
    const coupon = parseTemplateDefinition({
      name: 'coupon', language: 'en_US', category: 'MARKETING', status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Use the code below.' }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE20' }] }],
    });
    expect(validateTemplateSend(coupon, templateMessage('coupon', 'en_US', [copyCodeButton(0, 'SAVE20')])).ok).toBe(true);
    expect(problems(coupon, templateMessage('coupon', 'en_US', [quickReplyButton(0, 'SAVE20')])).map((p) => p.metaCode)).toEqual([132012]);
  });
});

describe('named parameters', () => {
  const def = parseTemplateDefinition({
    name: 'welcome', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'NAMED',
    components: [{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_id}} is ready.' }],
  });

  it('should match parameters by parameter_name', () => {
    const ok = templateMessage('welcome', 'en_US', [body(text('566701', 'order_id'), text('Pablo', 'first_name'))]);
    expect(validateTemplateSend(def, ok).ok).toBe(true);
    const bad = templateMessage('welcome', 'en_US', [body(text('Pablo', 'first_name'), text('566701', 'first_name'))]);
    expect(problems(def, bad)).toEqual([{
      path: 'template.components[0].parameters[1].parameter_name', message: 'a second "first_name", expected one of first_name, order_id (the template uses named parameters)', metaCode: 132000,
    }]);
  });
});

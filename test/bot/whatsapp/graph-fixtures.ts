// Shared values for the Graph client tests: ids, the template catalog, the seed 004 requests with
// real values filled in, and Meta's response shapes (DOMAIN.md §8).
import { SEED_TEMPLATES, parseTemplateDefinition, type TemplateDefinition } from '../../../core/template.ts';
import type { TemplateMessage } from '../../../core/template-message.ts';

export const TOKEN = 'EAAJtestTOKENvalue0123456789abcdefSECRET';
export const GRAPH = 'https://graph.facebook.com';
export const PNID = '106540352242922';
export const WABA = '102290129340398';
export const TO = '+966501234567';
export const WA_ID = '966501234567';
export const WAMID = 'wamid.HBgMOTY2NTAxMjM0NTY3FQIAERgSQzVCMjlEQjVDNTc1QjQ0RDBEAA==';

const extra: unknown[] = [
  { name: 'promo_video', language: 'en_US', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'HEADER', format: 'VIDEO' }, { type: 'BODY', text: 'New arrivals, {{1}}!' }] },
  { name: 'invoice_ready', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Invoice {{1}} is attached.' }] },
  {
    name: 'track_shipment', language: 'ar', category: 'UTILITY', status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'شحنة {{1}}' },
      { type: 'BODY', text: 'مرحبا {{1}}، شحنتك في الطريق.' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'تتبع', url: 'https://shop.example/track/{{1}}' }, { type: 'QUICK_REPLY', text: 'إيقاف' }] },
    ],
  },
  { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', status: 'APPROVED', components: [{ type: 'BODY', text: 'Your code is {{1}}.' }] },
  { name: 'spring_sale', language: 'en_US', category: 'MARKETING', status: 'PAUSED', components: [{ type: 'BODY', text: 'Spring sale for {{1}}' }] },
];

export const CATALOG: readonly TemplateDefinition[] = [...SEED_TEMPLATES, ...extra.map((t, i) => parseTemplateDefinition(t, `extra[${i}]`))];

export const ORDER_BODY = {
  type: 'body',
  parameters: [
    { type: 'text', text: 'Pablo' },
    { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
    { type: 'date_time', date_time: { fallback_value: 'February 25, 2026' } },
  ],
} as const;

/** The four template requests of seed 004 (text, media, interactive buttons, location), filled in. */
export const SEED_SENDS: Readonly<Record<string, TemplateMessage>> = {
  text: { name: 'order_update', language: { code: 'en_US' }, components: [ORDER_BODY] } as TemplateMessage,
  media: {
    name: 'order_update_media', language: { code: 'en_US' },
    components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.shop.example/orders/566701.jpg' } }] }, ORDER_BODY],
  } as TemplateMessage,
  interactive: {
    name: 'order_update_buttons', language: { code: 'en_US' },
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { id: '1479537139650973' } }] },
      ORDER_BODY,
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'TRACK_566701' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'SUPPORT_566701' }] },
    ],
  } as TemplateMessage,
  location: {
    name: 'order_delivery_update', language: { code: 'en_US' },
    components: [
      { type: 'header', parameters: [{ type: 'location', location: { latitude: '37.483307', longitude: '122.148981', name: 'Pablo Morales', address: '1 Hacker Way, Menlo Park, CA 94025' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: '566701' }] },
    ],
  } as TemplateMessage,
};

export function accepted(wamid = WAMID, waId = WA_ID, messageStatus?: string): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: `+${waId}`, wa_id: waId }],
    messages: [{ id: wamid, ...(messageStatus !== undefined && { message_status: messageStatus }) }],
  };
}

export function metaError(code: number, message = 'error', details = 'details'): Record<string, unknown> {
  return { error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: 'AbCdEfGhIjKl' } };
}

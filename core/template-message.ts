/**
 * The send side of a template message: the `template` object of a Cloud API send (DOMAIN §8),
 * in the shapes the API takes, with small builders. Meta matches body parameters to the body's
 * placeholders by position (or by `parameter_name` for NAMED templates) and buttons by `index`.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/template-messages/
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components
 */

/** Media sent by the id of an upload (recommended by seed 004) or by a public `link`. */
export type MediaObject =
  | { readonly id: string; readonly link?: never; readonly filename?: string }
  | { readonly link: string; readonly id?: never; readonly filename?: string };

export interface TextParameter { readonly type: 'text'; readonly text: string; readonly parameter_name?: string }
export interface CurrencyParameter {
  readonly type: 'currency';
  /** `amount_1000` is the amount times 1000 (USD 10.99 → 10990); `code` is ISO 4217. */
  readonly currency: { readonly fallback_value: string; readonly code: string; readonly amount_1000: number };
  readonly parameter_name?: string;
}
export interface DateTimeParameter { readonly type: 'date_time'; readonly date_time: { readonly fallback_value: string }; readonly parameter_name?: string }
export interface ImageParameter { readonly type: 'image'; readonly image: MediaObject }
export interface VideoParameter { readonly type: 'video'; readonly video: MediaObject }
export interface DocumentParameter { readonly type: 'document'; readonly document: MediaObject }
/** Seed 004 sends latitude and longitude as strings ("37.483307"); numbers are taken too. */
export interface LocationParameter {
  readonly type: 'location';
  readonly location: { readonly latitude: string | number; readonly longitude: string | number; readonly name?: string; readonly address?: string };
}
export interface PayloadParameter { readonly type: 'payload'; readonly payload: string }
export interface CouponCodeParameter { readonly type: 'coupon_code'; readonly coupon_code: string }

export type HeaderParameter = TextParameter | ImageParameter | VideoParameter | DocumentParameter | LocationParameter;
export type BodyParameter = TextParameter | CurrencyParameter | DateTimeParameter;

export interface HeaderComponent { readonly type: 'header'; readonly parameters: readonly HeaderParameter[] }
export interface BodyComponent { readonly type: 'body'; readonly parameters: readonly BodyParameter[] }
/** `index` is the button's position in the template, "0" to "9". */
export interface QuickReplyButtonComponent { readonly type: 'button'; readonly sub_type: 'quick_reply'; readonly index: string; readonly parameters: readonly [PayloadParameter] }
/** A dynamic URL button's suffix, or an authentication template's one-time password. */
export interface UrlButtonComponent { readonly type: 'button'; readonly sub_type: 'url'; readonly index: string; readonly parameters: readonly [TextParameter] }
export interface CopyCodeButtonComponent { readonly type: 'button'; readonly sub_type: 'copy_code'; readonly index: string; readonly parameters: readonly [CouponCodeParameter] }
export type ButtonComponent = QuickReplyButtonComponent | UrlButtonComponent | CopyCodeButtonComponent;

export type TemplateComponent = HeaderComponent | BodyComponent | ButtonComponent;

export interface TemplateMessage {
  readonly name: string;
  readonly language: { readonly code: string; readonly policy?: 'deterministic' };
  readonly components?: readonly TemplateComponent[];
}

export function templateMessage(name: string, languageCode: string, components: readonly TemplateComponent[] = []): TemplateMessage {
  return { name, language: { code: languageCode }, ...(components.length > 0 ? { components } : {}) };
}

export function text(value: string, parameterName?: string): TextParameter {
  return { type: 'text', text: value, ...(parameterName !== undefined ? { parameter_name: parameterName } : {}) };
}

export function currency(fallbackValue: string, code: string, amount1000: number): CurrencyParameter {
  return { type: 'currency', currency: { fallback_value: fallbackValue, code, amount_1000: amount1000 } };
}

export function dateTime(fallbackValue: string): DateTimeParameter {
  return { type: 'date_time', date_time: { fallback_value: fallbackValue } };
}

export function body(...parameters: BodyParameter[]): BodyComponent {
  return { type: 'body', parameters };
}

export function bodyText(...values: string[]): BodyComponent {
  return body(...values.map((v) => text(v)));
}

export function header(...parameters: HeaderParameter[]): HeaderComponent {
  return { type: 'header', parameters };
}

export function headerText(value: string): HeaderComponent {
  return header(text(value));
}

export function headerImage(media: MediaObject): HeaderComponent {
  return header({ type: 'image', image: media });
}

export function headerVideo(media: MediaObject): HeaderComponent {
  return header({ type: 'video', video: media });
}

export function headerDocument(media: MediaObject): HeaderComponent {
  return header({ type: 'document', document: media });
}

export function headerLocation(location: LocationParameter['location']): HeaderComponent {
  return header({ type: 'location', location });
}

export function quickReplyButton(index: number, payload: string): QuickReplyButtonComponent {
  return { type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload }] };
}

export function urlButton(index: number, suffix: string): UrlButtonComponent {
  return { type: 'button', sub_type: 'url', index: String(index), parameters: [text(suffix)] };
}

export function copyCodeButton(index: number, couponCode: string): CopyCodeButtonComponent {
  return { type: 'button', sub_type: 'copy_code', index: String(index), parameters: [{ type: 'coupon_code', coupon_code: couponCode }] };
}

/**
 * World events in the shapes Meta's webhooks carry (DOMAIN §8), batched like Meta batches them:
 * one `whatsapp_business_account` object per delivery, one entry for the WABA, one change per
 * field and phone number, statuses and messages of one number sharing a `value`.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/phone_number_quality_update
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_quality_update
 */
import { qualityToApi } from '../../core/quality.ts';
import type { WorldEvent } from './world.ts';

export interface NumberIdentity {
  readonly id: string;
  /** Digits only, as Meta puts it in `metadata.display_phone_number`. */
  readonly displayDigits: string;
}

type Obj = Record<string, unknown>;
interface Change { field: string; value: Obj }

const seconds = (at: number) => String(Math.floor(at / 1000));
/** Meta sends template ids as JSON numbers; one too long for a double stays a string. */
const templateId = (id: string) => (Number.isSafeInteger(Number(id)) ? Number(id) : id);
const ERROR_CODES_PAGE = 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes';

/** Build one delivery body from events (at most 1,000, Meta's batch size). */
export function webhookBody(wabaId: string, events: readonly WorldEvent[], numbers: ReadonlyMap<string, NumberIdentity>): Obj {
  const changes: Change[] = [];
  const messageValues = new Map<string, Obj>();
  let latest = 0;
  for (const e of events) {
    latest = Math.max(latest, e.at);
    if (e.kind === 'status' || e.kind === 'inbound') {
      const value = messagesValue(messageValues, changes, numbers.get(e.numberId) ?? { id: e.numberId, displayDigits: e.numberId });
      if (e.kind === 'status') (value.statuses as Obj[]).push(statusObject(e));
      else {
        (value.contacts as Obj[]).push({ profile: { name: e.profileName }, wa_id: e.waId });
        (value.messages as Obj[]).push({
          from: e.waId, id: e.wamid, timestamp: seconds(e.at), type: 'text', text: { body: e.text },
          ...(e.contextWamid ? { context: { from: numbers.get(e.numberId)?.displayDigits ?? e.numberId, id: e.contextWamid } } : {}),
        });
      }
    } else changes.push(otherChange(e, numbers));
  }
  for (const v of messageValues.values()) {
    for (const k of ['statuses', 'messages', 'contacts']) if ((v[k] as unknown[]).length === 0) delete v[k];
  }
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, time: Math.floor(latest / 1000), changes }] };
}

function messagesValue(values: Map<string, Obj>, changes: Change[], n: NumberIdentity): Obj {
  let v = values.get(n.id);
  if (!v) {
    v = { messaging_product: 'whatsapp', metadata: { display_phone_number: n.displayDigits, phone_number_id: n.id }, contacts: [], messages: [], statuses: [] };
    values.set(n.id, v);
    changes.push({ field: 'messages', value: v });
  }
  return v;
}

function statusObject(e: Extract<WorldEvent, { kind: 'status' }>): Obj {
  return {
    id: e.wamid,
    status: e.status,
    timestamp: seconds(e.at),
    recipient_id: e.waId,
    ...(e.callbackData !== undefined ? { biz_opaque_callback_data: e.callbackData } : {}),
    ...(e.pricing ? { pricing: { ...e.pricing } } : {}),
    ...(e.error ? { errors: [{ code: e.error.code, title: e.error.title, message: e.error.title, error_data: { details: e.error.details }, href: ERROR_CODES_PAGE }] } : {}),
  };
}

function otherChange(e: Exclude<WorldEvent, { kind: 'status' | 'inbound' }>, numbers: ReadonlyMap<string, NumberIdentity>): Change {
  switch (e.kind) {
    case 'number-quality':
      return {
        field: 'phone_number_quality_update',
        value: {
          display_phone_number: numbers.get(e.numberId)?.displayDigits ?? e.numberId,
          event: e.event,
          current_limit: e.currentLimit,
          max_daily_conversations_per_business: e.currentLimit,
          ...(e.oldLimit ? { old_limit: e.oldLimit } : {}),
        },
      };
    case 'template-status':
      return {
        field: 'message_template_status_update',
        value: {
          event: e.event,
          message_template_id: templateId(e.templateId),
          message_template_name: e.name,
          message_template_language: e.language,
          message_template_category: e.category,
          reason: e.reason === 'FIRST_PAUSE' || e.reason === 'SECOND_PAUSE' ? null : e.reason,
          ...(e.event === 'PAUSED' ? { other_info: { title: e.reason, description: 'Your message template has been paused because of low quality.' } } : {}),
          ...(e.disabledAt !== undefined ? { disable_info: { disable_date: seconds(e.disabledAt) } } : {}),
        },
      };
    case 'template-quality':
      return {
        field: 'message_template_quality_update',
        value: {
          previous_quality_score: qualityToApi(e.previous),
          new_quality_score: qualityToApi(e.next),
          message_template_id: templateId(e.templateId),
          message_template_name: e.name,
          message_template_language: e.language,
        },
      };
    case 'account-update':
      return {
        field: 'account_update',
        value: {
          ...(e.numberId ? { phone_number: numbers.get(e.numberId)?.displayDigits ?? e.numberId } : {}),
          event: e.event,
          ...(e.restrictions ? { restriction_info: e.restrictions.map((r) => ({ restriction_type: r.type, expiration: seconds(r.expiresAt) })) } : {}),
          ...(e.violationType ? { violation_info: { violation_type: e.violationType } } : {}),
          ...(e.banState ? { ban_info: { waba_ban_state: e.banState, waba_ban_date: seconds(e.at) } } : {}),
        },
      };
  }
}

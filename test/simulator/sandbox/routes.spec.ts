import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { get, post, seedBodies } from './helpers.ts';

let sb: Sandbox;
let numberId: string;

beforeAll(async () => {
  sb = await startSandbox({ seed: 11, numbers: [{ tier: 'TIER_2K', throughputMps: 1000 }, { display: '+1 555-010-0002' }], world: { audience: 'silent' } });
  numberId = sb.phoneNumbers[0]!.id;
});
afterAll(() => sb.close());

describe('sandbox: authentication', () => {
  it('should answer a missing token with 401 and Meta\'s OAuth error body', async () => {
    const res = await get(sb.baseUrl, `/v23.0/${numberId}`);
    expect(res.status).toBe(401);
    const body = await res.json() as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });
    expect(body.error.fbtrace_id).toEqual(expect.stringMatching(/^A[\w-]{22}$/));
    expect(Object.keys(body.error).sort()).toEqual(['code', 'fbtrace_id', 'message', 'type']);
  });

  it('should refuse a wrong token on every route, sends included, and count nothing', async () => {
    for (const [method, path] of [['GET', `/v23.0/${numberId}`], ['GET', `/v19.0/${sb.wabaId}/phone_numbers`], ['GET', `/v23.0/${sb.wabaId}/message_templates`], ['POST', `/v23.0/${numberId}/messages`]] as const) {
      const res = method === 'GET' ? await get(sb.baseUrl, path, 'EAAwrong') : await post(sb.baseUrl, path, 'EAAwrong', seedBodies('966501000001').text);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(190);
    }
    expect(sb.received()['966501000001']).toBeUndefined();
  });

  it('should take the token as a Bearer header or as access_token, under any version', async () => {
    expect((await get(sb.baseUrl, `/v16.0/${numberId}`, sb.token)).status).toBe(200);
    expect((await fetch(`${sb.baseUrl}/v23.0/${numberId}?access_token=${sb.token}`)).status).toBe(200);
    expect((await get(sb.baseUrl, `/v1234.5/${numberId}`, sb.token)).status).toBe(200);
  });
});

describe('sandbox: number routes', () => {
  it('should return the default fields of a number when none are asked for', async () => {
    const body = await (await get(sb.baseUrl, `/v23.0/${numberId}`, sb.token)).json();
    expect(body).toEqual({
      verified_name: 'Sandbox Store', code_verification_status: 'VERIFIED', display_phone_number: '+1 555-010-0001',
      quality_rating: 'GREEN', platform_type: 'CLOUD_API', throughput: { level: 'HIGH' }, id: numberId,
    });
  });

  // meta-2025-10 (the default policy): the limit belongs to the portfolio, so both numbers show TIER_2K.
  it('should return exactly the fields asked for: status, quality, limits, throughput', async () => {
    const fields = 'status,quality_rating,messaging_limit_tier,whatsapp_business_manager_messaging_limit,throughput,display_phone_number,verified_name,health_status';
    const body = await (await get(sb.baseUrl, `/v23.0/${sb.phoneNumbers[1]!.id}?fields=${fields}`, sb.token)).json();
    expect(body).toEqual({
      status: 'CONNECTED', quality_rating: 'GREEN', messaging_limit_tier: 'TIER_2K', whatsapp_business_manager_messaging_limit: 'TIER_2K',
      throughput: { level: 'STANDARD' }, display_phone_number: '+1 555-010-0002', verified_name: 'Sandbox Store',
      health_status: { can_send_message: 'AVAILABLE', entities: [{ entity_type: 'PHONE_NUMBER', id: sb.phoneNumbers[1]!.id, can_send_message: 'AVAILABLE' }] },
      id: sb.phoneNumbers[1]!.id,
    });
  });

  it('should follow a forced quality and status', async () => {
    sb.driveQuality(sb.phoneNumbers[1]!.id, 'YELLOW');
    sb.driveStatus(sb.phoneNumbers[1]!.id, 'BANNED');
    const body = await (await get(sb.baseUrl, `/v23.0/${sb.phoneNumbers[1]!.id}?fields=status,quality_rating,health_status`, sb.token)).json() as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'BANNED', quality_rating: 'YELLOW', health_status: { can_send_message: 'BLOCKED' } });
    sb.driveStatus(sb.phoneNumbers[1]!.id, 'CONNECTED');
  });

  it('should refuse an unknown field with code 100', async () => {
    const res = await get(sb.baseUrl, `/v23.0/${numberId}?fields=status,colour`, sb.token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number; message: string } }).error).toMatchObject({ code: 100, message: expect.stringContaining('nonexisting field (colour)') });
  });

  it('should refuse an id that names nothing with code 100', async () => {
    const res = await get(sb.baseUrl, '/v23.0/999999', sb.token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number; message: string } }).error).toMatchObject({ code: 100, message: expect.stringContaining("Object with ID '999999' does not exist") });
  });

  it('should list the WABA\'s numbers', async () => {
    const body = await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}/phone_numbers?fields=id,display_phone_number,quality_rating,status`, sb.token)).json() as { data: Record<string, unknown>[]; paging: unknown };
    expect(body.data).toEqual(sb.phoneNumbers.map((n) => expect.objectContaining({ id: n.id, display_phone_number: n.display, status: 'CONNECTED' })));
    expect(body.paging).toMatchObject({ cursors: { before: expect.any(String), after: expect.any(String) } });
  });

  it('should describe the WABA itself', async () => {
    expect(await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}`, sb.token)).json()).toMatchObject({ id: sb.wabaId });
  });
});

describe('sandbox: template list', () => {
  it('should list the default catalog in Meta\'s shape', async () => {
    const body = await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}/message_templates`, sb.token)).json() as { data: Record<string, unknown>[] };
    expect(body.data.map((t) => t.name)).toEqual(['order_update', 'order_update_media', 'order_update_buttons', 'order_delivery_update']);
    for (const t of body.data) expect(t).toMatchObject({ language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: expect.stringMatching(/^\d+$/), components: expect.any(Array) });
  });

  it('should page with limit and cursors until no next page is left', async () => {
    const names: string[] = [];
    let path: string | undefined = `/v23.0/${sb.wabaId}/message_templates?limit=3`;
    let pages = 0;
    while (path !== undefined) {
      const body = await (await get(sb.baseUrl, path, sb.token)).json() as { data: { name: string }[]; paging?: { next?: string; cursors: { after: string } } };
      names.push(...body.data.map((t) => t.name));
      pages++;
      path = body.paging?.next ? new URL(body.paging.next).pathname + new URL(body.paging.next).search : undefined;
    }
    expect(pages).toBe(2);
    expect(names).toHaveLength(4);
    const second = await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}/message_templates?limit=1&after=${encodeURIComponent(Buffer.from('pos:0').toString('base64url'))}`, sb.token)).json() as { data: { name: string }[] };
    expect(second.data.map((t) => t.name)).toEqual(['order_update_media']);
  });

  it('should filter by name and refuse a bad limit', async () => {
    const body = await (await get(sb.baseUrl, `/v23.0/${sb.wabaId}/message_templates?name=order_update_`, sb.token)).json() as { data: { name: string }[] };
    expect(body.data.map((t) => t.name)).toEqual(['order_update_media', 'order_update_buttons']);
    expect((await get(sb.baseUrl, `/v23.0/${sb.wabaId}/message_templates?limit=0`, sb.token)).status).toBe(400);
  });
});

describe('sandbox: send route', () => {
  it('should accept a send with the success body of DOMAIN §8', async () => {
    const res = await post(sb.baseUrl, `/v23.0/${numberId}/messages`, sb.token, { ...seedBodies('+966501000002').text, biz_opaque_callback_data: 'send-1' });
    expect(res.status).toBe(200);
    const body = await res.json() as { messages: { id: string }[] };
    expect(body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '+966501000002', wa_id: '966501000002' }], messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }] });
    expect(sb.received()['966501000002']).toEqual({ accepted: 1, requests: 1 });
  });

  it('should refuse a send from an unknown number with code 100', async () => {
    const res = await post(sb.baseUrl, '/v23.0/123456/messages', sb.token, seedBodies('966501000003').text);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    expect(sb.received()['966501000003']).toEqual({ accepted: 0, requests: 1 });
  });

  it('should answer paths outside /vNN.0 with a Graph error', async () => {
    const res = await get(sb.baseUrl, `/${numberId}`, sb.token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(2500);
  });
});

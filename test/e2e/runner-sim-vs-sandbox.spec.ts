/**
 * The simulator predicts what the bot will do because it runs the bot's own campaign runner. One
 * scenario and seed, the same campaign (id, recipients and their wa_ids, plan, numbers, options),
 * run twice: on the simulator's virtual clock against the simulated platform, and with core's
 * `driveCampaign` on a (time-lapsed) wall clock against the sandbox over real loopback HTTP, through
 * the bot's Cloud API client. The sandbox witnesses what it received; both must be the same
 * sequence of sends, in the same order across the two numbers, at the same moments of the plan.
 *
 * The plan is three waves of 100 (at 0 s, 4 s and 8 s), from two numbers at 20 messages/s each
 * with a one-second pacing tick: each wave takes three ticks (20 + 20, 20 + 20, 10 + 10) and ends
 * a second before the next begins, so which recipient goes from which number, and in which tick,
 * depends on the runner alone, not on how late a timer fires. The sandbox's
 * numbers take 1,000 messages/s, so its own throughput check never refuses a send that a late
 * timer pushed into the next second. The real run has no webhook receiver: the runner waits for
 * no delivery report (`deliveryWait: 0`), and nothing wakes it between its own wake-ups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignRunner, HOUR, SECOND, keyId, type LedgerEntry, type Notice, type TemplateMessage } from '../../core/index.ts';
import { driveCampaign } from '../../core/drive-campaign.ts';
import { WallClock } from '../../bot/campaigns/wall-clock.ts';
import { GraphClient } from '../../bot/whatsapp/graph-client.ts';
import { GraphMessageSender } from '../../bot/whatsapp/graph-message-sender.ts';
import { runnerCampaign, type RunnerCampaignOptions } from '../../simulator/model/runner-campaign.ts';
import { runReplication } from '../../simulator/run-replication.ts';
import type { Scenario, SentMessage } from '../../simulator/scenario/scenario.ts';
import { startSandbox, type Sandbox } from '../../simulator/sandbox/server.ts';
import { SILENT, makeScenario, plan, segment } from '../simulator/make-scenario.ts';
import { seedBodies } from '../simulator/sandbox/helpers.ts';

const T0 = Date.UTC(2026, 0, 5, 8);
/** Clock ms per real ms: the 10 s plan takes under 3.5 s, and a tick's 40 sends over loopback stay well inside its second. */
const LAPSE = 3;
const NUMBERS = ['106540000000001', '106540000000002'];
const wave = (at: number) => ({ at, count: 100, over: 0 });

const scenario: Scenario = {
  ...makeScenario({
    seed: 11,
    horizon: HOUR,
    numbers: NUMBERS.map((id) => ({ id, role: 'campaign', tier: 'TIER_1K', quality: 'HIGH', status: 'CONNECTED', throughputMps: 20 })),
    segments: [segment('all', 300, SILENT)],
    templates: [{ name: 'order_update', category: 'UTILITY', quality: 'HIGH' }],
    plans: [plan('waves', { kind: 'script', sends: [wave(0), wave(4 * SECOND), wave(8 * SECOND)] }, { from: NUMBERS, template: 'order_update' })],
  }),
  start: T0,
};
const campaign: RunnerCampaignOptions = {
  campaignId: 'waves-2026',
  options: { deliveryWait: 0 },
  message: (waId) => seedBodies(waId).text!.template as TemplateMessage,
};

interface Send { readonly waId: string; readonly numberId: string; readonly messageKey: string; readonly at: number }

let sb: Sandbox;
let client: GraphClient;
const received: Send[] = [];

beforeAll(async () => {
  sb = await startSandbox({
    seed: 11, start: T0, timeScale: LAPSE, numbers: NUMBERS.map((id) => ({ id, tier: 'TIER_1K', throughputMps: 1000 })),
    world: { audience: 'silent', sentAfter: 0 },
  });
  // The first status of each accepted message, at its acceptance (sentAfter 0): the order the sandbox took them in.
  const seen = new Set<string>();
  sb.world.subscribe((e) => {
    if (e.kind !== 'status' || e.callbackData === undefined || seen.has(e.callbackData)) return;
    seen.add(e.callbackData);
    received.push({ waId: e.waId, numberId: e.numberId, messageKey: e.callbackData.split('.').at(-2)!, at: e.at });
  });
  client = new GraphClient({ token: sb.token, baseUrl: sb.baseUrl, graphVersion: 'v23.0', requestTimeoutMs: 2000, unthrottled: true });
  const listing = await client.listTemplates(sb.wabaId);
  if (listing.kind !== 'ok') throw new Error(`listTemplates: ${listing.kind}`);
  client.setTemplates(listing.value.templates);
});

afterAll(async () => {
  await client.close();
  await sb.close();
});

/** Times from the first send, so the two clocks' origins do not matter. */
const relative = (sends: readonly Send[]) => sends.map((s) => ({ ...s, at: s.at - sends[0]!.at }));
const shape = (sends: readonly Send[]) => sends.map(({ waId, numberId, messageKey }) => ({ waId, numberId, messageKey }));

describe('the campaign runner in the simulator and against the sandbox', () => {
  let simulated: Send[];
  let real: Send[];
  const notices: Notice[] = [];

  beforeAll(async () => {
    const result = runReplication(scenario, 'waves', 0, { sender: 'runner', sends: true, campaign });
    simulated = relative(result.sends!.map((s: SentMessage) => ({ waId: s.waId, numberId: s.numberId, messageKey: s.messageKey, at: s.at })));

    const runner = new CampaignRunner(runnerCampaign(scenario, scenario.plans[0]!, campaign));
    const rows = new Map<string, LedgerEntry>();
    const driver = driveCampaign(runner, {
      clock: new WallClock({ timeLapse: LAPSE, start: T0 }),
      sender: new GraphMessageSender(client),
      ledger: { write: async (written) => void written.forEach((e) => rows.set(keyId(e.key), e)), load: async () => [...rows.values()] },
      campaigns: { saveCampaign: async () => {} },
      notifier: { notify: (n) => void notices.push(n) },
      // One request at a time: the sandbox receives the sends in the order the runner decided them.
      concurrency: 1,
    });
    expect((await driver.done).status).toBe('completed');
    sb.flush();
    real = relative(received);
  });

  it('should make 300 sends on each side, one to each recipient, spread over both numbers', () => {
    expect(simulated).toHaveLength(300);
    expect(new Set(simulated.map((s) => s.waId)).size).toBe(300);
    expect(new Set(simulated.map((s) => s.numberId))).toEqual(new Set(NUMBERS));
    expect(Object.values(sb.received()).map((c) => c.accepted)).toEqual(Array(300).fill(1));
    expect(sb.duplicates()).toEqual([]);
  });

  it('should produce the same sequence of (recipient, number, message) in both', () => {
    expect(shape(real)).toEqual(shape(simulated));
  });

  it("should send each message in the same tick of the plan as the simulation says", () => {
    expect([...new Set(simulated.map((s) => s.at))]).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10].map((s) => s * SECOND));
    // A tick's real sends leave one after another over loopback: they trail its start, within its second.
    const late = real.map((s, k) => s.at - simulated[k]!.at);
    expect(Math.min(...late)).toBeGreaterThan(-SECOND / 4);
    expect(Math.max(...late)).toBeLessThan(SECOND);
    expect(notices.map((n) => n.kind)).toEqual(['campaign-finished']);
  });
});

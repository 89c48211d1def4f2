/** `/wa numbers` and `/wa templates`: the state a person checks before and during a campaign. */
import { count, qualityLabel, relative, tierLabel } from './format.ts';
import type { CommandDeps } from './ports.ts';
import { ephemeral, type Block, type Reply } from './reply.ts';

export async function numbersReply(deps: CommandDeps): Promise<Reply> {
  const numbers = [...(await deps.campaigns.numbers())].sort((a, b) => (a.number.role === b.number.role ? a.number.display.localeCompare(b.number.display) : a.number.role === 'main' ? -1 : 1));
  const now = deps.clock.now();
  if (numbers.length === 0) return ephemeral('No numbers yet. The bot reads them from the WhatsApp Business Account at start; check WA_WABA_ID and the token.');
  const rows = numbers.map((u) => {
    const n = u.number;
    const room = Number.isFinite(u.limit) && u.used >= u.limit && u.nextRoomAt !== undefined ? relative(u.nextRoomAt, now) : Number.isFinite(u.limit) ? `${count(u.limit - u.used)} free now` : '—';
    const upgrade = u.pendingUpgrade ? `${tierLabel(u.pendingUpgrade.tier)} ${relative(u.pendingUpgrade.at, now)}` : '—';
    return [n.display, n.role, n.status, qualityLabel(n.quality), tierLabel(n.tier), `${count(u.used)} / ${count(u.limit)}`, room, upgrade];
  });
  const shared = new Set(numbers.map((u) => u.holderId)).size < numbers.length;
  const warnings = numbers.filter((u) => u.number.status !== 'CONNECTED' || u.number.quality === 'LOW');
  const blocks: Block[] = [
    { kind: 'header', text: 'Numbers' },
    { kind: 'table', rows: [['number', 'role', 'status', 'quality', 'tier', 'used / limit (24 h)', 'room', 'pending upgrade'], ...rows] },
    { kind: 'context', text: `Used counts unique recipients in the rolling 24 hours${shared ? ', against the business portfolio\'s limit that all its numbers share' : ''}. Campaign numbers send campaigns; replies to them go to the main number's inbox.` },
  ];
  if (warnings.length) {
    blocks.push({ kind: 'text', text: `:warning: ${warnings.map((u) => `*${u.number.display}* is ${u.number.status}${u.number.quality === 'LOW' ? ' with LOW quality' : ''}`).join('; ')}: campaigns from it stay paused until it recovers.` });
  }
  return ephemeral(`Numbers: ${numbers.map((u) => `${u.number.display} ${u.number.status} ${u.number.quality} ${tierLabel(u.number.tier)} ${count(u.used)}/${count(u.limit)}`).join('; ')}`, blocks);
}

export async function templatesReply(deps: CommandDeps): Promise<Reply> {
  const templates = await deps.store.templates.list();
  if (templates.length === 0) return ephemeral('No templates known yet. Templates are read from the WhatsApp Business Account at start; create and get one approved in WhatsApp Manager first.');
  const rows = templates.map((t) => [t.name, t.language, t.category.toLowerCase(), t.status, qualityLabel(t.quality)]);
  const unusable = templates.filter((t) => t.status !== 'APPROVED');
  const blocks: Block[] = [
    { kind: 'header', text: 'Templates' },
    { kind: 'table', rows: [['name', 'language', 'category', 'status', 'quality'], ...rows] },
  ];
  if (unusable.length) blocks.push({ kind: 'context', text: `Only APPROVED templates can be sent; ${unusable.map((t) => `${t.name} is ${t.status}`).join(', ')}.` });
  return ephemeral(`Templates: ${templates.map((t) => `${t.name} (${t.language}) ${t.status}`).join(', ')}`, blocks);
}

/**
 * Who may change state, and where: Slack user ids from WA_ADMINS, members of the user groups in
 * WA_ADMIN_GROUPS (read with `usergroups.users.list`, cached for a few minutes), in the channels of
 * WA_CHANNELS (any channel when empty). Everyone may read. A group lookup that fails refuses: when
 * in doubt, nobody starts a campaign.
 * https://docs.slack.dev/reference/methods/usergroups.users.list
 */
import type { AccessConfig } from '../config.ts';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

export type GroupMembers = (groupId: string) => Promise<readonly string[]>;

const GROUP_TTL_MS = 5 * 60_000;

export class Authoriser {
  readonly #groups = new Map<string, { members: ReadonlySet<string>; until: number }>();

  constructor(private readonly access: AccessConfig, private readonly groupMembers: GroupMembers, private readonly now: () => number = Date.now) {}

  /** `channel` undefined with `direct`: a direct message with the bot, where only the person is checked. */
  async mayChange(user: string, channel: string | undefined, direct = false): Promise<Verdict> {
    const { channels, admins, adminGroups } = this.access;
    if (!direct && channels.length > 0 && (channel === undefined || !channels.includes(channel))) {
      return { ok: false, why: `campaign changes are allowed only in ${channels.map((c) => `<#${c}>`).join(', ')}` };
    }
    if (admins.includes(user)) return { ok: true };
    for (const group of adminGroups) {
      try {
        if ((await this.#members(group)).has(user)) return { ok: true };
      } catch {
        return { ok: false, why: `the member list of user group ${group} could not be read (the app needs the usergroups:read scope)` };
      }
    }
    return { ok: false, why: 'you are not in WA_ADMINS or a WA_ADMIN_GROUPS user group' };
  }

  async #members(group: string): Promise<ReadonlySet<string>> {
    const cached = this.#groups.get(group);
    if (cached && cached.until > this.now()) return cached.members;
    const members = new Set(await this.groupMembers(group));
    this.#groups.set(group, { members, until: this.now() + GROUP_TTL_MS });
    return members;
  }
}

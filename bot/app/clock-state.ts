/**
 * A time-lapse clock runs ahead of the wall clock, and the ledger, the limit books and the tier
 * state refuse time going backwards. So local mode keeps the clock's last reading in the data
 * directory and continues from it: a demo stopped on simulated day 5 resumes on day 5.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Instant } from '../../core/time.ts';

const FILE = 'clock.json';

export async function savedClock(dataDir: string): Promise<Instant | undefined> {
  try {
    const at = (JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as { at?: unknown }).at;
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

export async function saveClock(dataDir: string, at: Instant): Promise<void> {
  await writeFile(join(dataDir, FILE), `${JSON.stringify({ at, iso: new Date(at).toISOString() })}\n`);
}

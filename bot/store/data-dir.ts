/**
 * The data directory: created on first use, proven writable before anything else happens, and
 * held by one process at a time. Two bots on one directory would each replay the same ledger and
 * send the same recipients, so a second one is refused; a lock left by a process that died
 * (SIGKILL, a crash) is taken over.
 */
import { mkdir, open, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, StoreError, unwritable } from './store-error.ts';
import type { StoreWarning } from './store.ts';

const LOCK_FILE = 'store.lock';

/** Directories this process holds, by real path: opening one twice here would be the same bug. */
const heldHere = new Set<string>();

/** Create `dataDir` and its `ledger/`, and prove a file can be created, synced and removed there. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(join(dataDir, 'ledger'), { recursive: true });
    const probe = join(dataDir, `.probe-${process.pid}`);
    const fh = await open(probe, 'w');
    try {
      await fh.writeFile('ok');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rm(probe);
  } catch (error) {
    if (errnoCode(error) !== undefined) throw unwritable(dataDir, error);
    throw error;
  }
}

export interface DataDirLock {
  readonly warnings: readonly StoreWarning[];
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const real = await realpath(dataDir);
  const file = join(dataDir, LOCK_FILE);
  if (heldHere.has(real)) {
    throw new StoreError('WA_STORE_LOCKED', `store: ${dataDir} is already open in this process; close() the first store before opening it again`, { dataDir, pid: process.pid });
  }
  const warnings: StoreWarning[] = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid }));
        await fh.sync();
      } finally {
        await fh.close();
      }
      heldHere.add(real);
      let released = false;
      return {
        warnings,
        release: async () => {
          if (released) return;
          released = true;
          heldHere.delete(real);
          await rm(file, { force: true });
        },
      };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw unwritable(dataDir, error, LOCK_FILE);
    }
    const pid = await readPid(file);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
      throw new StoreError('WA_STORE_LOCKED', `store: ${dataDir} is in use by process ${pid}; stop that process or set DATA_DIR to another directory (if no such process runs, delete ${file})`, { dataDir, pid });
    }
    warnings.push({ kind: 'stale-lock', file: LOCK_FILE, pid: pid ?? 0, message: `store: took over ${file} left by process ${pid ?? '(unreadable)'}, which is no longer running` });
    await rm(file, { force: true });
  }
  throw new StoreError('WA_STORE_LOCKED', `store: could not take ${file}: another process keeps creating it; stop the other process or set DATA_DIR to another directory`, { dataDir });
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

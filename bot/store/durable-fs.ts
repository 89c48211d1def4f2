/**
 * The three file-system moves every durable write here is built from. POSIX makes a write durable
 * only after fsync on the file, and a newly created or renamed name only after fsync on its
 * directory; rename over an existing file is atomic, so a reader sees the old file or the new one,
 * never half of either.
 * https://man7.org/linux/man-pages/man2/fsync.2.html
 * https://man7.org/linux/man-pages/man2/rename.2.html
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from './store-error.ts';

/** Platforms that cannot open or fsync a directory (Windows) answer one of these: nothing to do there. */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES']);

export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has(errnoCode(error) ?? '')) throw error;
  } finally {
    await fh?.close();
  }
}

/** `write` may write fewer bytes than asked; loop until all are out. Appends when the handle was opened with "a". */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/** How many characters to gather before each write when streaming many small pieces. */
const FLUSH_AT = 1 << 20;

/**
 * Replace `file` with `pieces`: temp file beside it, fsync, rename over, fsync the directory.
 * A crash at any point leaves the old file or the new one. Returns the bytes written.
 */
export async function replaceFile(file: string, pieces: Iterable<string>): Promise<number> {
  const temp = join(dirname(file), `.${basename(file)}.tmp`);
  let bytes = 0;
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'w');
    let buffered: string[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      const data = Buffer.from(buffered.join(''), 'utf8');
      buffered = [];
      size = 0;
      bytes += data.length;
      await writeAll(fh!, data);
    };
    for (const piece of pieces) {
      buffered.push(piece);
      size += piece.length;
      if (size >= FLUSH_AT) await flush();
    }
    if (size > 0) await flush();
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, file);
    await syncDir(dirname(file));
    return bytes;
  } catch (error) {
    await fh?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

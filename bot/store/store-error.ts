/**
 * The store's failures, on the project's one error base. The code says which family (a directory
 * it cannot write, a file it cannot trust, a directory another process holds, a closed store); the
 * message says what to do; `details` carries the path, the line and the operating system's code.
 */
import { CoreError } from '../../core/errors.ts';

export type StoreErrorCode = 'WA_STORE_UNWRITABLE' | 'WA_STORE_CORRUPT' | 'WA_STORE_LOCKED' | 'WA_STORE_CLOSED';

export class StoreError extends CoreError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'StoreError';
  }
}

/** Operating-system codes that mean "this place cannot be written", as opposed to a bug. */
const UNWRITABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ENOENT']);

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `store: cannot write to ./data (EACCES); set DATA_DIR to a writable directory`. */
export function unwritable(dataDir: string, error: unknown, path?: string): StoreError {
  const code = errnoCode(error) ?? 'unknown error';
  const where = path !== undefined && path !== dataDir ? `${path} in ${dataDir}` : dataDir;
  const hint = code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space or set DATA_DIR to another disk' : 'set DATA_DIR to a writable directory';
  return new StoreError('WA_STORE_UNWRITABLE', `store: cannot write to ${where} (${code}); ${hint}`, { dataDir, path: path ?? dataDir, errno: code }, { cause: error });
}

/** Wrap an I/O failure: a known "cannot write here" becomes a StoreError, anything else is rethrown as is. */
export function asWriteError(dataDir: string, error: unknown, path?: string): unknown {
  if (error instanceof StoreError) return error;
  const code = errnoCode(error);
  return code !== undefined && UNWRITABLE_CODES.has(code) ? unwritable(dataDir, error, path) : error;
}

export interface CorruptLine {
  readonly line: number;
  readonly problem: string;
}

/** A file the store cannot trust. `lines` lists every bad line found, the first ones in the message. */
export function corrupt(file: string, problem: string, lines: readonly CorruptLine[] = [], fix = 'restore it from a backup or move it aside'): StoreError {
  const shown = lines.slice(0, 3).map((l) => `line ${l.line}: ${l.problem}`);
  const more = lines.length > 3 ? `; and ${lines.length - 3} more bad lines` : '';
  const text = shown.length > 0 ? `${shown.join('; ')}${more}` : problem;
  return new StoreError('WA_STORE_CORRUPT', `store: ${file}: ${text}; ${fix}`, { file, problem, lines });
}

export function closed(what: string): StoreError {
  return new StoreError('WA_STORE_CLOSED', `store: ${what} after close(); open the store again with openStore()`, { what });
}

/**
 * The one way a file someone else named (a workspace's configuration, a certificate path, a file given
 * on the command line) is read: only a regular file, never more than `maxBytes`, and, when `within`
 * is given, only if its real path is inside that folder's real path.
 *
 * Why each check is where it is:
 * - The real path is checked before opening: a link to `/proc/kmsg` or another project's folder is
 *   refused by where it leads, not by what it looks like (`/proc` files stat as regular files).
 * - The real path is opened with O_NONBLOCK and O_NOFOLLOW, so a FIFO or a device cannot hold up the
 *   open, and the opened handle's own fstat must say "regular file" before a byte is read: nothing can
 *   be swapped in between a stat and the open.
 * - At most `maxBytes + 1` bytes are read, whatever stat says: `/proc` files report size 0, and
 *   `/proc/self/pagemap` would give gigabytes.
 * A sync twin serves synchronous callers (certificate parsing, a parser re-reading a document's
 * siblings); both share every decision and differ only in the calls.
 */
import * as fs from 'node:fs';
import { isInsideFolder } from './realPath';

export interface BoundedReadOptions {
  /** Files longer than this are refused (after reading one byte more, never the rest). */
  maxBytes: number;
  /** Refuse files whose real path is not inside this folder's real path. Omit to read from anywhere. */
  within?: string;
}

/** Why a file was not read, for the caller to word. */
export type BoundedReadRefusal =
  | { reason: 'outside'; real: string }
  | { reason: 'not-regular'; kind: string }
  | { reason: 'too-large' }
  | { reason: 'missing' | 'unreadable'; error: NodeJS.ErrnoException };

export type BoundedRead = { bytes: Buffer; refused?: undefined } | { bytes?: undefined; refused: BoundedReadRefusal };

// Absent on Windows, which has neither FIFOs nor O_NOFOLLOW in this form.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);
const CHUNK = 64 * 1024;

export async function readBoundedFile(file: string, options: BoundedReadOptions): Promise<BoundedRead> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    const real = await fs.promises.realpath(file);
    const outside = outsideRefusal(real, options.within && await fs.promises.realpath(options.within));
    if (outside) return outside;
    handle = await fs.promises.open(real, OPEN_FLAGS);
    const special = notRegularRefusal(await handle.stat());
    if (special) return special;
    const chunks = new CappedChunks(options.maxBytes);
    for (let chunk = chunks.next(); chunk; chunk = chunks.next()) {
      if (!chunks.add(chunk, (await handle.read(chunk, 0, chunk.length, null)).bytesRead)) break;
    }
    return chunks.result();
  } catch (err) {
    return errorRefusal(err);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export function readBoundedFileSync(file: string, options: BoundedReadOptions): BoundedRead {
  let fd: number | undefined;
  try {
    const real = fs.realpathSync(file);
    const outside = outsideRefusal(real, options.within && fs.realpathSync(options.within));
    if (outside) return outside;
    fd = fs.openSync(real, OPEN_FLAGS);
    const special = notRegularRefusal(fs.fstatSync(fd));
    if (special) return special;
    const chunks = new CappedChunks(options.maxBytes);
    for (let chunk = chunks.next(); chunk; chunk = chunks.next()) {
      if (!chunks.add(chunk, fs.readSync(fd, chunk, 0, chunk.length, null))) break;
    }
    return chunks.result();
  } catch (err) {
    return errorRefusal(err);
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already closed */ }
  }
}

/** What kind of file system object a stat or directory entry is, in words; undefined for a regular file. */
export function specialFileKind(stat: fs.Stats | fs.Dirent): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'folder';
  if (stat.isFIFO()) return 'FIFO (named pipe)';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** What was read so far, in chunks up to one byte past the limit (a small file costs a small buffer). */
class CappedChunks {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(private readonly maxBytes: number) {}
  /** The buffer for the next read, or undefined once one byte past the limit has been read. */
  next(): Buffer | undefined {
    const want = Math.min(CHUNK, this.maxBytes + 1 - this.total);
    return want > 0 ? Buffer.allocUnsafe(want) : undefined;
  }
  /** Keeps what a read returned; false at end of file. */
  add(chunk: Buffer, bytesRead: number): boolean {
    if (bytesRead === 0) return false;
    this.chunks.push(chunk.subarray(0, bytesRead));
    this.total += bytesRead;
    return true;
  }
  result(): BoundedRead {
    return this.total > this.maxBytes ? { refused: { reason: 'too-large' } } : { bytes: Buffer.concat(this.chunks, this.total) };
  }
}

function outsideRefusal(real: string, rootReal: string | undefined): BoundedRead | undefined {
  return rootReal !== undefined && !isInsideFolder(real, rootReal) ? { refused: { reason: 'outside', real } } : undefined;
}

function notRegularRefusal(stat: fs.Stats): BoundedRead | undefined {
  const kind = specialFileKind(stat);
  return kind ? { refused: { reason: 'not-regular', kind } } : undefined;
}

function errorRefusal(err: unknown): BoundedRead {
  const error = err as NodeJS.ErrnoException;
  return { refused: { reason: error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'missing' : 'unreadable', error } };
}

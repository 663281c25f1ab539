/**
 * Write a file so a reader never sees half of it and a private key is never readable by others, even
 * for an instant: write a temp file beside the target with the final mode, fsync, then rename over it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export class FileWriteError extends Error {
  constructor(message: string, readonly path: string, readonly code?: string) { super(message); }
}

export function describeFsError(err: NodeJS.ErrnoException, file: string, verb = 'write'): string {
  switch (err.code) {
    case 'EACCES': case 'EPERM': return `cannot ${verb} ${file}: permission denied`;
    case 'EROFS': return `cannot ${verb} ${file}: the file system is read-only`;
    case 'ENOSPC': return `cannot ${verb} ${file}: no space left on the device`;
    case 'ENOTDIR': case 'EEXIST': return `cannot ${verb} ${file}: a parent of it is not a folder`;
    case 'EISDIR': return `cannot ${verb} ${file}: it is a folder`;
    default: return `cannot ${verb} ${file}: ${err.message}`;
  }
}

export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    // `mode` on open applies at creation, so the key is 0600 before a single byte is in it.
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, mode); // the umask may have narrowed it; never widens beyond `mode`
    fs.renameSync(tmp, file);
  } catch (err) {
    try { fs.rmSync(tmp, { force: true }); } catch { /* best effort */ }
    throw new FileWriteError(describeFsError(err as NodeJS.ErrnoException, file), file, (err as NodeJS.ErrnoException).code);
  }
}

/**
 * One run at a time: a plan changes stores and files other runs read and rewrite (the ledger, the Node
 * bundle, the system CA folder), so running one takes a lock file beside the ledger. The file names its
 * holder (pid, host, what it runs, since when); a holder that is no longer alive on this host leaves a
 * stale lock, which the next run takes over. A second run waits a short while, then says who holds it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface LockHolder { pid: number; host: string; what: string; since: string }

export class LockBusyError extends Error {
  constructor(readonly holder: LockHolder | undefined, readonly file: string) {
    super(holder
      ? `another DevCert Doctor run is changing this machine (pid ${holder.pid}, ${holder.what}, since ${holder.since.slice(11, 19)}); try again when it has finished`
      : `another DevCert Doctor run is changing this machine (${file} is held); try again when it has finished`);
  }
}

export interface LockOptions {
  /** What this run does, for the message another run shows ("repair", "untrust"…). */
  what?: string;
  /** How long to wait for another run to finish. */
  waitMs?: number;
}

const POLL_MS = 100;

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch { return undefined; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** A lock nobody can be holding: its process is gone (same host), or it cannot be read and is old. */
function isStale(file: string): boolean {
  const holder = readHolder(file);
  if (holder) return holder.host === os.hostname() && !alive(holder.pid);
  try { return Date.now() - fs.statSync(file).mtimeMs > 60_000; } catch { return true; }
}

/** Takes the lock (waiting up to `waitMs`); resolves with its release. Throws LockBusyError. */
export async function acquireLock(file: string, options: LockOptions = {}): Promise<() => void> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), what: options.what ?? 'a plan', since: new Date().toISOString() };
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      try { fs.writeSync(fd, JSON.stringify(me)); } finally { fs.closeSync(fd); }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Only our own lock: a run that found ours stale (it cannot be: we are alive) must not lose its own.
        if (readHolder(file)?.pid === me.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (isStale(file)) {
      // Moved aside under a unique name first: of two runs that both saw it stale, one removes it.
      const aside = `${file}.stale-${randomBytes(4).toString('hex')}`;
      try { fs.renameSync(file, aside); } catch { continue; /* the other run moved it */ }
      // Between the look and the move another run may have taken a fresh lock: put a live one back.
      if (!isStale(aside)) { try { fs.linkSync(aside, file); } catch { /* a third run holds it now */ } }
      fs.rmSync(aside, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusyError(readHolder(file), file);
    await new Promise(r => setTimeout(r, POLL_MS));
  }
}

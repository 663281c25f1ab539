/**
 * What this tool added to the machine, so untrust/clean removes exactly that and restores what it
 * replaced. Facts only (see LedgerEntry): each entry is checked against its kind's shape when read, and
 * one that is not a fact this tool writes (a hand edit, a command line, a relative path) is set aside
 * with the reason — kept in the file untouched, never acted on — while the others still work.
 *
 * One JSON file in the user's config dir, rewritten atomically on every change so a crash mid-plan
 * never leaves it half-written; a file that is not JSON is an error, never silently replaced (it is the
 * only record of what to undo). Version 1 files (which stored undo commands) are read as facts and
 * their commands ignored.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ledgerFile, writeFileAtomic } from '../io';
import type { LedgerEntry, LedgerEntryKind } from './types';

export type { LedgerEntry, LedgerEntryKind } from './types';

const VERSION = 2;

interface LedgerFileShape { version: number; entries: unknown[] }

export class LedgerError extends Error {}

/** An entry the ledger holds but will not act on, and why. */
export interface RejectedEntry { index: number; reason: string; raw: unknown }

const KINDS: readonly LedgerEntryKind[] = ['trust', 'binding', 'file', 'config-edit'];
const TRUST_STORES = ['linux-system', 'nss', 'node', 'darwin-keychain', 'windows-root', 'windows-my', 'dotnet-dev-certs'];
const HEX40 = /^[0-9A-F]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Control and bidi characters never appear in what this tool writes; in a hand edit they could forge output.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
const FIELDS = new Set(['kind', 'target', 'path', 'thumbprint', 'certificate', 'previous', 'previousMode', 'written', 'elevated', 'intended', 'addedAt']);

const isAbsolutePath = (p: string) => path.posix.isAbsolute(p) || /^[A-Za-z]:\\/.test(p) || p.startsWith('\\\\');

/** The entry as a fact this tool could have written, or the reason it is not one. */
export function checkLedgerEntry(raw: unknown, fileVersion = VERSION): LedgerEntry | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'not an object';
  const e = { ...(raw as Record<string, unknown>) };
  if (fileVersion < 2) {
    // Version 1 kept an undo command per entry; a file's path was only in that command.
    const undo = e.undo as { path?: unknown } | undefined;
    if ((e.kind === 'file' || e.kind === 'config-edit') && e.path === undefined) e.path = typeof undo?.path === 'string' ? undo.path : e.kind === 'file' ? e.target : undefined;
    delete e.undo;
  }
  for (const k of Object.keys(e)) if (!FIELDS.has(k)) return `unexpected field "${k}"`;
  const kind = e.kind as LedgerEntryKind;
  if (!KINDS.includes(kind)) return `unknown kind ${JSON.stringify(e.kind)}`;
  if (typeof e.target !== 'string' || !e.target || e.target.length > 4096 || UNSAFE.test(e.target)) return 'target is not a plain string';
  if (typeof e.addedAt !== 'string') return 'addedAt is missing';
  for (const f of ['elevated', 'intended'] as const) if (e[f] !== undefined && typeof e[f] !== 'boolean') return `${f} is not true/false`;
  if (e.thumbprint !== undefined && (typeof e.thumbprint !== 'string' || !HEX40.test(e.thumbprint))) return 'thumbprint is not a SHA-1 in hex';
  if (e.written !== undefined && (typeof e.written !== 'string' || !HEX64.test(e.written))) return 'written is not a SHA-256 in hex';
  if (e.previousMode !== undefined && (!Number.isInteger(e.previousMode) || (e.previousMode as number) < 0 || (e.previousMode as number) > 0o7777)) return 'previousMode is not a file mode';
  if (kind === 'trust') {
    const store = e.target.split(':')[0];
    if (!TRUST_STORES.includes(store)) return `unknown trust store ${JSON.stringify(store)}`;
    if (store !== 'dotnet-dev-certs' && e.thumbprint === undefined) return 'a trust entry needs its thumbprint';
    if (e.path !== undefined || e.previous !== undefined) return 'a trust entry has no path or previous contents';
    if (e.certificate !== undefined) {
      if (typeof e.certificate !== 'string' || !BASE64.test(e.certificate)) return 'certificate is not base64';
      // The certificate must be the one the thumbprint names: a swapped one would be removed by mistake.
      if (createHash('sha1').update(Buffer.from(e.certificate, 'base64')).digest('hex').toUpperCase() !== e.thumbprint) return 'certificate does not match its thumbprint';
    }
  } else if (kind === 'binding') {
    if (!/^httpsys:(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/.test(e.target)) return 'not an http.sys binding (httpsys:<ip>:<port>)';
    if (e.previous !== undefined && typeof e.previous !== 'string') return 'previous is not text';
  } else {
    if (typeof e.path !== 'string' || !isAbsolutePath(e.path) || UNSAFE.test(e.path)) return 'path is not an absolute path';
    // The files this tool writes are the user's own (config folder, workspace): never an administrator's.
    if (e.elevated) return 'a file entry is never elevated';
    if (e.written === undefined) return 'a file entry needs the SHA-256 of what was written';
    if (e.previous !== undefined && (typeof e.previous !== 'string' || !BASE64.test(e.previous))) return 'previous is not base64';
  }
  return e as unknown as LedgerEntry;
}

/** Does `e` describe the same change as `m` (same kind, target, and thumbprint when both have one)? */
export function sameLedgerEntry(e: Pick<LedgerEntry, 'kind' | 'target' | 'thumbprint'>,
  m: Pick<LedgerEntry, 'kind' | 'target' | 'thumbprint'>): boolean {
  return e.kind === m.kind && e.target === m.target && (e.thumbprint ?? '') === (m.thumbprint ?? '');
}

export class Ledger {
  constructor(readonly file: string) {}

  /** The ledger in the user's config dir (DEVCERT_DOCTOR_HOME in tests). */
  static default(env: NodeJS.ProcessEnv = process.env): Ledger { return new Ledger(ledgerFile(env)); }

  /** The facts it holds (entries set aside are not among them: see `rejected`). */
  entries(): LedgerEntry[] { return this.read().valid.map(v => v.entry); }

  /** Entries set aside: not facts this tool writes. */
  rejected(): RejectedEntry[] { return this.read().rejected; }

  /** Adds entries; an entry equal to one already recorded replaces it (running twice records once). */
  add(...added: LedgerEntry[]): void {
    for (const e of added) {
      const checked = checkLedgerEntry(e);
      if (typeof checked === 'string') throw new LedgerError(`not a fact the ledger can hold (${checked}): ${JSON.stringify(e)}`);
    }
    this.update(valid => [...valid.filter(e => !added.some(a => sameLedgerEntry(e, a))), ...added]);
  }

  /** Removes the entries matching `match`; returns how many were removed. */
  remove(match: (e: LedgerEntry) => boolean): number {
    let removed = 0;
    this.update(valid => { const kept = valid.filter(e => !match(e)); removed = valid.length - kept.length; return kept; });
    return removed;
  }

  /** Clears `intended` on the entries matching `match` (their steps finished). */
  confirm(match: (e: LedgerEntry) => boolean): void {
    this.update(valid => valid.map(e => match(e) && e.intended ? withoutIntent(e) : e));
  }

  find(match: (e: LedgerEntry) => boolean): LedgerEntry[] { return this.entries().filter(match); }

  /** Rewrites the valid entries through `change`; entries set aside stay in the file as they were. */
  private update(change: (valid: LedgerEntry[]) => LedgerEntry[]): void {
    const { valid, rejected, version } = this.read();
    const next = change(valid.map(v => v.entry));
    if (version === VERSION && JSON.stringify(next) === JSON.stringify(valid.map(v => v.entry))) return;
    const body: LedgerFileShape = { version: VERSION, entries: [...next, ...rejected.map(r => r.raw)] };
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, JSON.stringify(body, null, 2) + '\n', 0o600);
  }

  private read(): { valid: Array<{ entry: LedgerEntry }>; rejected: RejectedEntry[]; version: number } {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { valid: [], rejected: [], version: VERSION };
      throw new LedgerError(`cannot read the ledger ${this.file}: ${(err as Error).message}`);
    }
    let parsed: LedgerFileShape;
    try {
      parsed = JSON.parse(text) as LedgerFileShape;
      if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.entries)) throw new Error('no "entries" array');
      if (typeof parsed.version !== 'number' || parsed.version < 1) throw new Error('no version');
    } catch (err) {
      throw new LedgerError(`the ledger ${this.file} is not valid (${(err as Error).message}); ` +
        'fix or move it aside — it is the record of what devcert-doctor changed');
    }
    if (parsed.version > VERSION) {
      throw new LedgerError(`the ledger ${this.file} was written by a newer DevCert Doctor (version ${parsed.version}); update this one to use it`);
    }
    const valid: Array<{ entry: LedgerEntry }> = [];
    const rejected: RejectedEntry[] = [];
    parsed.entries.forEach((raw, index) => {
      const checked = checkLedgerEntry(raw, parsed.version);
      if (typeof checked === 'string') rejected.push({ index, reason: checked, raw });
      else valid.push({ entry: checked });
    });
    return { valid, rejected, version: parsed.version };
  }
}

function withoutIntent(e: LedgerEntry): LedgerEntry {
  const { intended: _, ...rest } = e;
  return rest;
}

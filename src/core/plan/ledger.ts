/**
 * What this tool added to the machine, so untrust/clean removes exactly that and restores what it
 * replaced: reading and writing it (atomic JSON in the user's config dir). Its entry type is in types.ts.
 */
import type { LedgerEntry } from './types';

export type { LedgerEntry, LedgerEntryKind } from './types';

// ---------------------------------------------------------------------------------------------------
// Reading and writing. One JSON file, rewritten atomically on every change so a crash mid-plan never
// leaves it half-written; a file we cannot read is an error, never silently replaced (it is the only
// record of what to undo).
import * as fs from 'node:fs';
import { ledgerFile, writeFileAtomic } from '../io';

interface LedgerFileShape { version: 1; entries: LedgerEntry[] }

export class LedgerError extends Error {}

/** Does `e` describe the same change as `m` (same kind, target, and thumbprint when both have one)? */
export function sameLedgerEntry(e: Pick<LedgerEntry, 'kind' | 'target' | 'thumbprint'>,
  m: Pick<LedgerEntry, 'kind' | 'target' | 'thumbprint'>): boolean {
  return e.kind === m.kind && e.target === m.target && (e.thumbprint ?? '') === (m.thumbprint ?? '');
}

export class Ledger {
  constructor(readonly file: string) {}

  /** The ledger in the user's config dir (DEVCERT_DOCTOR_HOME in tests). */
  static default(env: NodeJS.ProcessEnv = process.env): Ledger { return new Ledger(ledgerFile(env)); }

  entries(): LedgerEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new LedgerError(`cannot read the ledger ${this.file}: ${(err as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as LedgerFileShape;
      if (!parsed || !Array.isArray(parsed.entries)) throw new Error('no "entries" array');
      return parsed.entries;
    } catch (err) {
      throw new LedgerError(`the ledger ${this.file} is not valid (${(err as Error).message}); ` +
        'fix or move it aside — it is the record of what devcert-doctor changed');
    }
  }

  /** Adds entries; an entry equal to one already recorded replaces it (running twice records once). */
  add(...added: LedgerEntry[]): void {
    const kept = this.entries().filter(e => !added.some(a => sameLedgerEntry(e, a)));
    this.write([...kept, ...added]);
  }

  /** Removes the entries matching `match`; returns how many were removed. */
  remove(match: (e: LedgerEntry) => boolean): number {
    const all = this.entries();
    const kept = all.filter(e => !match(e));
    if (kept.length !== all.length) this.write(kept);
    return all.length - kept.length;
  }

  find(match: (e: LedgerEntry) => boolean): LedgerEntry[] { return this.entries().filter(match); }

  private write(entries: LedgerEntry[]): void {
    const body: LedgerFileShape = { version: 1, entries };
    writeFileAtomic(this.file, JSON.stringify(body, null, 2) + '\n', 0o600);
  }
}

/**
 * A file write as a plan step with an exact undo: the bytes (and mode) that were there before are put
 * back, or the file is removed when there was none. Writing the same bytes again plans nothing, so
 * running a repair twice changes nothing. Planning reads; it never writes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { LedgerEntryKind } from '../ledger';
import type { PlanAction, PlanStep } from '../plan';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ExistingFile { bytes: Buffer; mode: number }

export function readExisting(file: string): ExistingFile | undefined {
  try {
    return { bytes: fs.readFileSync(file), mode: fs.statSync(file).mode & 0o777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

export interface FileStepOptions {
  id: string;
  title: string;
  file: string;
  /** The complete new contents. */
  contents: string | Buffer;
  mode?: number;
  /** 'config-edit' for edits of the user's own files (appsettings, .env), 'file' for files we own. */
  kind: Extract<LedgerEntryKind, 'file' | 'config-edit'>;
  /** Ledger target; defaults to the path. */
  target?: string;
  changes?: string;
  /** What is there now, when the caller already read it (so plan and edit see the same bytes). */
  existing?: ExistingFile | null;
}

/** The step, or undefined when the file already has exactly these bytes (and mode, when one is asked). */
export function fileWriteStep(o: FileStepOptions): PlanStep | undefined {
  const existing = o.existing === undefined ? readExisting(o.file) : o.existing ?? undefined;
  const bytes = Buffer.isBuffer(o.contents) ? o.contents : Buffer.from(o.contents, 'utf8');
  if (existing && existing.bytes.equals(bytes) && (o.mode === undefined || existing.mode === o.mode)) return undefined;
  const action: PlanAction = typeof o.contents === 'string'
    ? { type: 'write-file', path: o.file, contents: o.contents, encoding: 'utf8', ...(o.mode !== undefined ? { mode: o.mode } : {}) }
    : { type: 'write-file', path: o.file, contents: bytes.toString('base64'), encoding: 'base64', ...(o.mode !== undefined ? { mode: o.mode } : {}) };
  const undo: PlanAction = existing
    ? { type: 'write-file', path: o.file, contents: existing.bytes.toString('base64'), encoding: 'base64', mode: existing.mode }
    : { type: 'remove-file', path: o.file };
  return {
    id: o.id,
    title: o.title,
    action,
    elevated: false,
    changes: o.changes ?? (existing ? `file ${o.file} (edited; the previous contents are kept for undo)` : `file ${o.file} (new)`),
    undo,
    record: existing
      ? { kind: o.kind, target: o.target ?? o.file, previous: existing.bytes.toString('base64'), undo, written: sha256(bytes) }
      : { kind: 'file', target: o.file, undo, written: sha256(bytes) },
  };
}

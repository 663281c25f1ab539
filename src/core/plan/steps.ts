/** Small builders for common plan steps, so every store and binding target undoes a file change the same way. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { LedgerEntry, PlanAction, PlanStep } from './types';
import { pathFor, realTarget, trustedCertsDir, type PathContext } from '../io';
import { pemToDer, type CertificateRef } from '../certs';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ExistingFile { bytes: Buffer; mode: number }

/** What is at `file` now: undefined when there is nothing (or a parent is not a folder); a clear error when it cannot be read. */
export function readExisting(file: string): ExistingFile | undefined {
  try {
    return { bytes: fs.readFileSync(file), mode: fs.statSync(file).mode & 0o777 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

export interface FileStepOptions {
  id: string;
  title: string;
  path: string;
  /** The complete new contents (a string is written as UTF-8). */
  contents: string | Buffer;
  mode?: number;
  elevated?: boolean;
  changes?: string;
  /** What is there now, when the caller already read it (so plan and edit see the same bytes); null: nothing. */
  existing?: ExistingFile | null;
  /**
   * The ledger entry (target defaults to the path). A `file` or `config-edit` entry also records the
   * path, the previous bytes and mode and the SHA-256 of what is written, so `clean` never writes over
   * later edits; a `config-edit` of a file that does not exist yet is recorded as a `file` this tool created.
   */
  record?: Omit<LedgerEntry, 'addedAt' | 'target'> & { target?: string };
}

// Windows has no POSIX modes (stat reports 0o666/0o444): there the bytes alone decide.
const modesMeaningful = process.platform !== 'win32';

/**
 * A write whose undo restores exactly what was there (the previous bytes and mode, or no file).
 * Undefined when the file already holds these bytes (and the mode, when one is asked) — running twice
 * changes nothing. Planning reads; it never writes.
 */
export function writeFileStep(options: FileStepOptions): PlanStep | undefined {
  // The plan names where the bytes really go (a folder reached through a link is resolved).
  const o = { ...options, path: realTarget(options.path) };
  const existing = o.existing === undefined ? readExisting(o.path) : o.existing ?? undefined;
  const bytes = Buffer.isBuffer(o.contents) ? o.contents : Buffer.from(o.contents, 'utf8');
  if (existing && existing.bytes.equals(bytes) && (o.mode === undefined || !modesMeaningful || existing.mode === o.mode)) return undefined;
  const mode = o.mode !== undefined ? { mode: o.mode } : {};
  // The step goes ahead only over the file it was planned against; its undo only over what it wrote.
  const ifMatch = existing ? sha256(existing.bytes) : '';
  const action: PlanAction = typeof o.contents === 'string'
    ? { type: 'write-file', path: o.path, contents: o.contents, encoding: 'utf8', ...mode, ifMatch }
    : { type: 'write-file', path: o.path, contents: bytes.toString('base64'), encoding: 'base64', ...mode, ifMatch };
  const undo: PlanAction = existing
    ? { type: 'write-file', path: o.path, contents: existing.bytes.toString('base64'), encoding: 'base64', mode: existing.mode, ifMatch: sha256(bytes) }
    : { type: 'remove-file', path: o.path, ifMatch: sha256(bytes) };
  return {
    id: o.id, title: o.title, action, elevated: !!o.elevated,
    changes: o.changes ?? (existing ? `replaces ${o.path} (the previous contents are kept for undo)` : `creates ${o.path}`),
    undo,
    record: o.record && fileRecord(o.record, o.path, existing, bytes),
  };
}

function fileRecord(r: NonNullable<FileStepOptions['record']>, file: string, existing: ExistingFile | undefined,
  written: Buffer): Omit<LedgerEntry, 'addedAt'> {
  const target = r.target ?? file;
  if (r.kind !== 'file' && r.kind !== 'config-edit') return { ...r, target };
  if (!existing) return { ...r, kind: 'file', target: r.kind === 'config-edit' ? file : target, path: file, written: sha256(written) };
  return { ...r, target, path: file, previous: existing.bytes.toString('base64'), previousMode: existing.mode, written: sha256(written) };
}

/** A removal whose undo puts the same bytes (and mode) back. Undefined when the file is already absent. */
export function removeFileStep(options: Omit<FileStepOptions, 'contents' | 'existing' | 'record'> & { record?: Omit<LedgerEntry, 'addedAt'> }): PlanStep | undefined {
  const o = { ...options, path: realTarget(options.path) };
  const previous = readExisting(o.path);
  if (!previous) return undefined;
  return {
    id: o.id, title: o.title, elevated: !!o.elevated, action: { type: 'remove-file', path: o.path, ifMatch: sha256(previous.bytes) },
    changes: o.changes ?? `deletes ${o.path}`,
    undo: { type: 'write-file', path: o.path, contents: previous.bytes.toString('base64'), encoding: 'base64', mode: o.mode ?? previous.mode, ifMatch: '' },
    record: o.record,
  };
}

/** The ledger fact for a certificate added to a trust store (`target`: the store and where it is). */
export function trustRecord(target: string, cert: CertificateRef): Omit<LedgerEntry, 'addedAt'> {
  const der = pemToDer(cert.pem)[0];
  return { kind: 'trust', target, thumbprint: cert.sha1, ...(der ? { certificate: der.toString('base64') } : {}) };
}

/** Where this tool keeps a copy of a certificate it trusts (stores such as certutil read a file). */
export function trustedCertFile(cert: CertificateRef, ctx?: PathContext | NodeJS.ProcessEnv): string {
  const platform = (ctx as PathContext | undefined)?.platform ?? (process.platform as PathContext['platform']);
  return pathFor(platform!).join(trustedCertsDir(ctx), `${cert.sha1}.pem`);
}

/** The step that writes that copy (shared id: several stores may ask for it; plans keep one). */
export function trustedCertFileStep(cert: CertificateRef, ctx?: PathContext | NodeJS.ProcessEnv): PlanStep | undefined {
  const file = trustedCertFile(cert, ctx);
  return writeFileStep({
    id: `save-${cert.sha1.slice(0, 12)}`, title: `Save a copy of ${cert.subject} for the trust stores`, path: file,
    contents: cert.pem, mode: 0o644, changes: `creates ${file} (this tool's own folder)`,
    // Recorded so a clean removes it once no store it was trusted in needs it.
    record: { kind: 'file', thumbprint: cert.sha1 },
  });
}

/**
 * Concatenate step lists. A repeat of a file write already planned (same id, same step: the saved copy
 * several stores ask for) is dropped; any other step whose id is taken keeps its place under a new id
 * (`id-2`...), so two certificates planned into the same store never lose a step to a name clash.
 */
export function mergeSteps(...lists: (PlanStep | undefined)[][]): PlanStep[] {
  const byId = new Map<string, PlanStep>();
  const out: PlanStep[] = [];
  for (const s of lists.flat()) {
    if (!s) continue;
    const first = byId.get(s.id);
    if (first && s.action.type === 'write-file' && JSON.stringify(first) === JSON.stringify(s)) continue;
    let id = s.id;
    for (let n = 2; byId.has(id); n++) id = `${s.id}-${n}`;
    const step = id === s.id ? s : { ...s, id };
    byId.set(id, step);
    out.push(step);
  }
  return out;
}

/**
 * Keep elevated steps contiguous so the plan asks once: unprivileged steps that sit between two
 * elevated ones move after the elevated block (they never depend on a later elevated step in the
 * plans this tool builds: preparation comes first, per-user stores after the system ones). Steps marked
 * `beforeElevated` (a store's own confirmation dialog) move before the block instead.
 */
export function contiguousElevation(steps: PlanStep[]): PlanStep[] {
  const first = steps.findIndex(s => s.elevated);
  if (first < 0) return steps;
  let last = -1;
  steps.forEach((s, i) => { if (s.elevated) last = i; });
  const between = steps.slice(first, last + 1);
  const after = steps.slice(last + 1);
  const early = [...between, ...after].filter(s => !s.elevated && s.beforeElevated);
  return [...steps.slice(0, first), ...early, ...between.filter(s => s.elevated),
    ...between.filter(s => !s.elevated && !s.beforeElevated), ...after.filter(s => !s.beforeElevated)];
}

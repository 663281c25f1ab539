/** Small builders for common plan steps, so every store undoes a file change the same way. */
import * as fs from 'node:fs';
import type { LedgerEntry } from './ledger';
import type { PlanAction, PlanStep } from './plan';
import { pathFor, trustedCertsDir, type PathContext } from './paths';
import type { CertificateRef } from './trust/store';
import { sha256 } from './bind/fileStep';

export interface FileStepOptions {
  id: string;
  title: string;
  path: string;
  contents: string | Buffer;
  mode?: number;
  elevated?: boolean;
  changes?: string;
  record?: Omit<LedgerEntry, 'addedAt'>;
}

function readIfExists(file: string): Buffer | undefined {
  try { return fs.readFileSync(file); } catch { return undefined; }
}

/**
 * A write whose undo restores exactly what was there (the previous bytes, or no file). Undefined when
 * the file already holds these bytes — running twice changes nothing.
 */
export function writeFileStep(o: FileStepOptions): PlanStep | undefined {
  const data = Buffer.isBuffer(o.contents) ? o.contents : Buffer.from(o.contents, 'utf8');
  const previous = readIfExists(o.path);
  if (previous && previous.equals(data)) return undefined;
  const isText = !Buffer.isBuffer(o.contents);
  const undo: PlanAction = previous
    ? { type: 'write-file', path: o.path, contents: previous.toString('base64'), encoding: 'base64', mode: o.mode }
    : { type: 'remove-file', path: o.path };
  return {
    id: o.id, title: o.title, elevated: !!o.elevated,
    action: { type: 'write-file', path: o.path, contents: isText ? (o.contents as string) : data.toString('base64'), ...(isText ? {} : { encoding: 'base64' as const }), ...(o.mode !== undefined ? { mode: o.mode } : {}) },
    changes: o.changes ?? (previous ? `replaces ${o.path}` : `creates ${o.path}`),
    undo,
    // A file record carries its undo and what was written, as the binding targets' file steps do (bind/fileStep.ts).
    record: o.record?.kind === 'file' ? { undo, written: sha256(data), ...o.record } : o.record,
  };
}

/** A removal whose undo puts the same bytes back. Undefined when the file is already absent. */
export function removeFileStep(o: Omit<FileStepOptions, 'contents'>): PlanStep | undefined {
  const previous = readIfExists(o.path);
  if (!previous) return undefined;
  return {
    id: o.id, title: o.title, elevated: !!o.elevated, action: { type: 'remove-file', path: o.path },
    changes: o.changes ?? `deletes ${o.path}`,
    undo: { type: 'write-file', path: o.path, contents: previous.toString('base64'), encoding: 'base64', mode: o.mode ?? 0o644 },
    record: o.record,
  };
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
    record: { kind: 'file', target: file, thumbprint: cert.sha1 },
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
 * plans this tool builds: preparation comes first, per-user stores after the system ones).
 */
export function contiguousElevation(steps: PlanStep[]): PlanStep[] {
  const first = steps.findIndex(s => s.elevated);
  if (first < 0) return steps;
  let last = -1;
  steps.forEach((s, i) => { if (s.elevated) last = i; });
  const between = steps.slice(first, last + 1);
  return [...steps.slice(0, first), ...between.filter(s => s.elevated), ...between.filter(s => !s.elevated), ...steps.slice(last + 1)];
}

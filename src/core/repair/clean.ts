/**
 * "Remove everything DevCert Doctor added", from the ledger to one plan — the CLI's `untrust` (all, or
 * one certificate) and the extension's "Remove certificates added by DevCert Doctor" both run this.
 * Newest first: a binding goes before the certificate it serves, a store entry before the saved copy
 * it was made from.
 *   - trust entries: the store's own `remove` (only where this tool's entry is), from the saved copy;
 *   - http.sys bindings: the recorded undo (the previous binding put back, or ours deleted);
 *   - edited config files: the previous contents put back — not over changes made since;
 *   - files this tool wrote: removed (or their previous contents put back).
 * Each step forgets the entries it undoes when it succeeds (and records them again if it is rolled
 * back), so the ledger says what is still on the machine; entries whose change is already gone are
 * forgotten with the rest. A second clean finds nothing to do.
 */
import type { Runner } from '../bind';
import { certificateRef, type CertificateRef } from '../certs';
import { contiguousElevation, Ledger, type LedgerEntry, mergeSteps, type PlanAction, type PlanStep, readExisting, removeFileStep, type RepairPlan, sha256, trustedCertFile } from '../plan';
import { pathFor } from '../io';
import { createWindowsMyStore, queryRunnerFor, type TrustContext, type TrustStore, trustStoresFor } from '../trust';

export interface CleanOptions {
  ctx: TrustContext;
  /** Default: the ledger in ctx.env's config dir. */
  ledger?: Ledger;
  /** Only this certificate (SHA-1): its trust entries, and its saved copy once no store needs it. */
  only?: string;
  /** Default: the platform's stores, and LocalMachine\My on Windows. */
  stores?: TrustStore[];
  runner?: Runner;
}

/** The store a ledger target names (`linux-system[:<sandbox>]`, `nss:<db>`, `node:<bundle>`, `windows-my`...), when it is this context's. */
function storeForTarget(target: string, stores: TrustStore[], ctx: TrustContext): TrustStore | 'elsewhere' | undefined {
  const id = target.split(':')[0];
  const rest = target.slice(id.length + 1);
  // An entry made in a sandbox belongs to that sandbox only (and the real ones to the real stores).
  if (id === 'linux-system' && target !== (ctx.linuxSandboxRoot ? `linux-system:${ctx.linuxSandboxRoot}` : 'linux-system')) return 'elsewhere';
  if (id === 'nss' && !rest.startsWith(ctx.homeDir + pathFor(ctx.platform).sep)) return 'elsewhere';
  return stores.find(s => s.id === id);
}

const readIfExists = (file: string): Buffer | undefined => readExisting(file)?.bytes;

const describe = (e: LedgerEntry) => `${e.kind} ${e.target}${e.thumbprint ? ` (${e.thumbprint})` : ''}`;

export async function planClean(options: CleanOptions): Promise<RepairPlan> {
  const { ctx } = options;
  const ledger = options.ledger ?? Ledger.default(ctx.env);
  const runner = options.runner ?? queryRunnerFor(ctx.platform);
  const stores = options.stores ?? [...trustStoresFor(ctx.platform), ...(ctx.platform === 'win32' ? [createWindowsMyStore(runner)] : [])];
  const entries = ledger.entries();
  const savedCopy = (sha1: string) => trustedCertFile({ sha1 } as CertificateRef, ctx);
  const selected = entries.filter(e => !options.only
    || (e.kind === 'trust' && e.thumbprint === options.only)
    || (e.kind === 'file' && e.target === savedCopy(options.only)));

  const groups: PlanStep[][] = [];
  const notes: string[] = [];
  const stale: LedgerEntry[] = [];
  const kept = new Set<LedgerEntry>(entries.filter(e => !selected.includes(e)));
  const keep = (e: LedgerEntry, note: string) => { kept.add(e); notes.push(note); };
  /** The steps that undo `e`; the last one forgets it. None: the change is gone already. */
  const undoing = (e: LedgerEntry, steps: (PlanStep | undefined)[]) => {
    const real = steps.filter((s): s is PlanStep => s !== undefined);
    if (!real.length) { stale.push(e); return; }
    const last = real[real.length - 1];
    real[real.length - 1] = { ...last, forget: [...(last.forget ?? []), e] };
    groups.push(real);
  };

  // Trust entries first, newest first (their saved copies are read now, while planning).
  const newestFirst = [...selected].reverse();
  for (const e of newestFirst.filter(x => x.kind === 'trust')) {
    const store = storeForTarget(e.target, stores, ctx);
    if (store === 'elsewhere') { kept.add(e); continue; }
    if (!store || !e.thumbprint) {
      // Not one of this platform's stores (dotnet dev-certs...): its recorded undo, when there is one.
      const step = undoStep(e, `undo-${groups.length}`);
      if (typeof step === 'string') keep(e, `${describe(e)}: no recorded undo: remove it by hand.`);
      else undoing(e, [step]);
      continue;
    }
    const copy = readIfExists(savedCopy(e.thumbprint));
    if (!copy) { keep(e, `${e.target}: the saved copy ${savedCopy(e.thumbprint)} is missing; remove ${e.thumbprint} by hand.`); continue; }
    undoing(e, await store.remove(certificateRef(copy), ctx));
  }
  for (const e of newestFirst.filter(x => x.kind !== 'trust')) {
    // A saved copy stays while a store entry made from it stays (another sandbox, a failed removal).
    const neededBy = e.thumbprint && e.target === savedCopy(e.thumbprint)
      ? [...kept].filter(k => k.kind === 'trust' && k.thumbprint === e.thumbprint) : [];
    if (neededBy.length) { kept.add(e); continue; }
    const step = undoStep(e, `undo-${groups.length}`);
    if (step === 'changed') keep(e, `${e.target} changed since DevCert Doctor wrote it: not restored (its previous contents stay in the ledger).`);
    else if (step === 'none') keep(e, `${describe(e)}: no recorded undo: put it back by hand.`);
    else undoing(e, [step]);
  }

  const steps = contiguousElevation(mergeSteps(...groups));
  if (stale.length && steps.length) {
    const last = steps[steps.length - 1];
    steps[steps.length - 1] = { ...last, forget: [...(last.forget ?? []), ...stale] };
  } else if (stale.length) {
    notes.push(`${stale.length} ledger entr${stale.length === 1 ? 'y records a change that is' : 'ies record changes that are'} no longer on this machine.`);
  }
  if (selected.length === 0) {
    notes.push(options.only ? 'The ledger records nothing for this certificate.' : 'The ledger records nothing DevCert Doctor added.');
  }
  return { title: options.only ? `Remove what DevCert Doctor added for ${options.only}` : 'Remove everything DevCert Doctor added', platform: ctx.platform, steps, notes };
}

/**
 * The step that performs an entry's recorded undo; undefined when it is done already (the file is
 * gone or holds its previous bytes); 'changed' when the file was edited since; 'none' without an undo.
 */
function undoStep(e: LedgerEntry, id: string): PlanStep | undefined | 'changed' | 'none' {
  // Files this tool created record no undo in older ledgers: removing them is the undo.
  const undo: PlanAction | undefined = e.undo ?? (e.kind === 'file' ? { type: 'remove-file', path: e.target } : undefined);
  if (!undo || undo.type === 'manual') return 'none';
  if (undo.type === 'remove-file') {
    const now = readIfExists(undo.path);
    if (now && e.written && sha256(now) !== e.written) return 'changed';
    return removeFileStep({ id, title: `Remove ${undo.path} (written by DevCert Doctor)`, path: undo.path, elevated: !!e.elevated });
  }
  if (undo.type === 'write-file') {
    const now = readIfExists(undo.path);
    const previous = Buffer.from(undo.contents, undo.encoding === 'base64' ? 'base64' : 'utf8');
    if (now?.equals(previous)) return undefined;
    if (now && e.written && sha256(now) !== e.written) return 'changed';
    return {
      id, title: `Put back the previous contents of ${undo.path}`, action: undo, elevated: !!e.elevated,
      changes: `file ${undo.path} restored to what it was before DevCert Doctor changed it`,
      undo: now ? { type: 'write-file', path: undo.path, contents: now.toString('base64'), encoding: 'base64', mode: undo.mode } : { type: 'remove-file', path: undo.path },
    };
  }
  // A command (netsh update/delete sslcert): http.sys bindings are machine-wide, so elevated.
  return {
    id, title: `Undo ${describe(e)}`, action: undo, elevated: e.elevated ?? e.target.startsWith('httpsys:'),
    changes: e.previous && e.kind === 'binding' ? `${e.target} back to what it was (${e.previous})` : `${e.target} removed`,
  };
}

/**
 * "Remove everything DevCert Doctor added", from the ledger to one plan — the CLI's `untrust` (all, or
 * one certificate) and the extension's "Remove certificates added by DevCert Doctor" both run this.
 * Newest first: a binding goes before the certificate it serves, a store entry before the saved copy
 * it was made from.
 *   - trust entries: the store's own `remove` (only where this tool's entry is), from the saved copy;
 *     `dotnet dev-certs` trust: that tool's --clean, with the dotnet the settings name;
 *   - http.sys bindings: the previous binding put back, or ours deleted (rebuilt by bind/httpSys.ts from
 *     the recorded ip:port and previous binding, each validated);
 *   - edited config files: the previous contents put back — only over exactly what this tool wrote;
 *   - files this tool wrote: removed — only while they hold exactly what this tool wrote.
 * Every undo is rebuilt from the entry's facts by the code that made the change: the ledger holds no
 * command lines, and an entry that is not such a fact was set aside when the ledger was read (noted).
 * Each step forgets the entries it undoes when it succeeds (and records them again if it is rolled
 * back), so the ledger says what is still on the machine; entries whose change is already gone are
 * forgotten with the rest. A second clean finds nothing to do.
 */
import { BindInputError, devCertsUndo, httpSysUndoStep, type Runner } from '../bind';
import { certificateRef, type CertificateRef } from '../certs';
import { contiguousElevation, Ledger, type LedgerEntry, mergeSteps, type PlanStep, readExisting, removeFileStep, type RepairPlan, sha256, trustedCertFile } from '../plan';
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
  const setAside = ledger.rejected();
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
    if (e.target === 'dotnet-dev-certs') {
      const undo = await devCertsUndo({ ...ctx, runner }, `undo-${groups.length}`);
      notes.push(...undo.notes);
      undoing(e, undo.steps);
      continue;
    }
    if (!store || !e.thumbprint) { keep(e, `${describe(e)}: not a store on ${ctx.platform}: remove it by hand.`); continue; }
    const copy = e.certificate ? Buffer.from(e.certificate, 'base64') : readIfExists(savedCopy(e.thumbprint));
    if (!copy) { keep(e, `${e.target}: the saved copy ${savedCopy(e.thumbprint)} is missing; remove ${e.thumbprint} by hand.`); continue; }
    undoing(e, await store.remove(certificateRef(copy), ctx, e));
  }
  const done = new Set<LedgerEntry>();
  for (const e of newestFirst.filter(x => x.kind !== 'trust')) {
    if (done.has(e)) continue;
    // A saved copy stays while a store entry made from it stays (another sandbox, a failed removal).
    const neededBy = e.thumbprint && e.target === savedCopy(e.thumbprint)
      ? [...kept].filter(k => k.kind === 'trust' && k.thumbprint === e.thumbprint) : [];
    if (neededBy.length) { kept.add(e); continue; }
    // One file written more than once (Trust, then Regenerate): undone in one step, back to what was
    // there before the first write — each later write's "previous" is this tool's own earlier one.
    const chain = e.path ? newestFirst.filter(x => x.kind !== 'trust' && x.kind !== 'binding' && x.path === e.path) : [e];
    chain.forEach(x => done.add(x));
    const step = undoStep(chainAsOne(chain), `undo-${groups.length}`);
    if (step === 'changed') chain.forEach(x => keep(x, `${e.path ?? e.target} changed since DevCert Doctor wrote it: left as it is (its previous contents stay in the ledger).`));
    else if (typeof step === 'string') chain.forEach(x => keep(x, `${describe(x)}: ${step}`));
    else if (step) { undoing(chain[0], [step]); const last = groups[groups.length - 1]; last[last.length - 1].forget!.push(...chain.slice(1)); }
    else chain.forEach(x => stale.push(x));
  }
  for (const r of setAside) notes.push(`Ledger entry ${r.index + 1} was not acted on: ${r.reason}.`);

  const steps = contiguousElevation(mergeSteps(...groups));
  if (stale.length) {
    // Last, after the real undos: a crash before then leaves them in the ledger, which is harmless.
    steps.push({
      id: 'forget-gone', title: `Forget ${stale.length} ledger entr${stale.length === 1 ? 'y' : 'ies'} whose change is no longer on this machine`,
      action: { type: 'forget', count: stale.length }, elevated: false, changes: 'the ledger only', forget: stale,
    });
  }
  if (selected.length === 0) {
    notes.push(options.only ? 'The ledger records nothing for this certificate.' : 'The ledger records nothing DevCert Doctor added.');
  }
  return { title: options.only ? `Remove what DevCert Doctor added for ${options.only}` : 'Remove everything DevCert Doctor added', platform: ctx.platform, steps, notes };
}

/** A chain of writes to one file (newest first) as one fact: the newest bytes written, the oldest previous state. */
function chainAsOne(chain: LedgerEntry[]): LedgerEntry {
  if (chain.length === 1) return chain[0];
  const oldest = chain[chain.length - 1];
  const { previous, previousMode, ...newest } = chain[0];
  void previous; void previousMode;
  return { ...newest, ...(oldest.previous !== undefined ? { previous: oldest.previous, previousMode: oldest.previousMode } : {}) };
}

/**
 * The step that undoes a file or binding entry, rebuilt from its facts; undefined when it is undone
 * already (the file is gone or holds its previous bytes); 'changed' when the file holds something this
 * tool did not write (it is left alone); otherwise a reason the entry cannot be undone.
 */
function undoStep(e: LedgerEntry, id: string): PlanStep | undefined | string {
  if (e.kind === 'binding') {
    try { return httpSysUndoStep(e, id); } catch (err) {
      if (err instanceof BindInputError) return `${err.message}: put it back by hand`;
      throw err;
    }
  }
  if (!e.path || !e.written) return 'no path or written bytes recorded: put it back by hand';
  const now = readIfExists(e.path);
  if (now && e.previous !== undefined && now.equals(Buffer.from(e.previous, 'base64'))) return undefined;
  if (now && sha256(now) !== e.written) return 'changed';
  if (e.previous === undefined) {
    if (!now) return undefined;
    return removeFileStep({ id, title: `Remove ${e.path} (written by DevCert Doctor)`, path: e.path });
  }
  const previous = Buffer.from(e.previous, 'base64');
  return {
    id, title: `Put back the previous contents of ${e.path}`, elevated: false,
    action: { type: 'write-file', path: e.path, contents: e.previous, encoding: 'base64', mode: e.previousMode, ifMatch: now ? e.written : '' },
    changes: `file ${e.path} restored to what it was before DevCert Doctor changed it`,
    undo: now
      ? { type: 'write-file', path: e.path, contents: now.toString('base64'), encoding: 'base64', mode: e.previousMode, ifMatch: sha256(previous) }
      : { type: 'remove-file', path: e.path, ifMatch: sha256(previous) },
  };
}

/**
 * Running a plan: one run at a time (a lock beside the ledger), steps in order through exec.ts, each
 * contiguous run of elevated steps as one script behind one prompt. Write-ahead: every fact the plan
 * will record is in the ledger, marked intended, before the first step acts, and confirmed as its step
 * finishes — so after a crash or kill -9 at any step, `untrust --all` finds everything that may have
 * been added. When a step fails, the prompt is declined or the run is interrupted (SIGINT/SIGTERM in the
 * CLI: `signal`), the completed steps are undone in reverse and the facts of steps that did not run
 * are forgotten. File steps act only on the file they were planned against. A dry run renders only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError, isRealPath, realTarget, type ElevatedOp, type ElevatedUnit, ElevationCancelledError, type ElevationRunner, formatCommand, run, runElevated, writeFileAtomic } from '../io';
import { toPem } from '../certs';
import { buildBundle, readBundleCertificates } from './bundle';
import { faultPoint } from './faults';
import { Ledger, sameLedgerEntry } from './ledger';
import { acquireLock } from './lock';
import { sha256 } from './steps';
import type { BundleAction, LedgerEntry, PlanAction, PlanStep, RepairPlan } from './types';
import { elevatedGroups, renderPlan } from './render';

export interface PlanProgress {
  phase: 'start' | 'done' | 'failed' | 'undo' | 'undone' | 'undo-failed' | 'manual' | 'elevating';
  step?: PlanStep;
  index?: number;
  message: string;
}

export interface ExecutePlanOptions {
  /** How elevated steps get their prompt: sudo-prompt by default; a runner for tests; false = refuse. */
  elevate?: ElevationRunner | false;
  onProgress?: (p: PlanProgress) => void;
  /** Where completed steps are recorded; the user's ledger by default; null = record nothing. */
  ledger?: Ledger | null;
  /** Render only. */
  dryRun?: boolean;
  timeoutMs?: number;
  /** Stop after the current step and undo what was done (the CLI aborts it on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** How long to wait for another run holding the lock (default 10 s); what this run is, for its message. */
  lock?: { waitMs?: number; what?: string };
}

export interface StepOutcome { id: string; ok: boolean; output?: string; error?: string }

export interface PlanOutcome {
  ok: boolean;
  dryRun: boolean;
  /** The plan's text (always set: what ran or would run). */
  rendered: string;
  /** Step ids that completed and stayed (after a rollback: none of the undone ones). */
  completed: string[];
  failed?: StepOutcome;
  /** The user declined the elevation prompt. */
  cancelled?: boolean;
  /** Stopped by `signal` (Ctrl-C): what was done is undone. */
  interrupted?: boolean;
  rolledBack: string[];
  /** Steps whose undo failed or that have no undo: the user must look at these. */
  notUndone: { id: string; reason: string }[];
  /** Instructions of manual steps: things the user still has to do. */
  manual: string[];
  steps: StepOutcome[];
  /** One user-facing sentence: what happened. */
  summary: string;
}

class StepFailed extends Error {
  /** The action may have done part of its work (a command killed by a signal or a timeout). */
  constructor(message: string, readonly mayHaveActed = false) { super(message); }
}

function actionError(action: PlanAction, detail: string): string {
  return action.type === 'command' ? `${formatCommand(action.command, action.args)} failed: ${detail}` : detail;
}

/**
 * The file is where the plan said (no folder on its way became a link) and holds what the step was
 * planned against (`ifMatch`); otherwise StepFailed says which.
 */
function checkExpectation(file: string, ifMatch: string | undefined): void {
  if (!isRealPath(file)) throw new StepFailed(`${file} now leads elsewhere (a folder on its way is a link to ${realTarget(path.dirname(file))}); nothing was written`);
  if (ifMatch === undefined) return;
  let now: Buffer | undefined;
  try { now = fs.readFileSync(file); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new StepFailed(describeFsError(err as NodeJS.ErrnoException, file, 'read'));
  }
  const actual = now ? sha256(now) : '';
  if (actual !== ifMatch) {
    throw new StepFailed(`${file} ${now ? (ifMatch ? 'changed' : 'appeared') : 'disappeared'} after the plan was made (another run or an editor); nothing was written to it`);
  }
}

/** Where a bundle step reads its certificates: the ledger (when there is one) and the saved copies. */
interface RunContext { ledger: Ledger | null; timeoutMs?: number }

/**
 * Write a bundle this tool owns as it must be now: what it holds (certificates put there by hand stay),
 * every certificate the ledger records in it (so no run or step can drop another's addition), plus this
 * step's addition, minus its removal.
 */
function runBundle(action: BundleAction, ctx: RunContext): void {
  const file = action.path;
  const wanted = new Map<string, string | undefined>();
  for (const c of readBundleCertificates(file)) if (c.sha1 !== action.remove) wanted.set(c.sha1, c.pem);
  const facts = ctx.ledger?.entries().filter(e => e.kind === 'trust' && e.target === `node:${file}` && e.thumbprint) ?? [];
  for (const f of facts) {
    if (f.thumbprint === action.remove || wanted.has(f.thumbprint!)) continue;
    wanted.set(f.thumbprint!, f.certificate ? toPem(Buffer.from(f.certificate, 'base64')) : undefined);
  }
  if (action.add && !wanted.has(action.add)) wanted.set(action.add, undefined);
  const known = [...wanted].filter(([, pem]) => pem).map(([, pem]) => pem!);
  const { pem: fromCopies, missing } = buildBundle(action.certsDir, [...wanted].filter(([, pem]) => !pem).map(([t]) => t));
  if (missing.length) throw new StepFailed(`the saved cop${missing.length === 1 ? 'y' : 'ies'} of ${missing.join(', ')} for ${file} ${missing.length === 1 ? 'is' : 'are'} missing`);
  const pem = known.join('') + fromCopies;
  if (pem) writeFileAtomic(file, pem, 0o644);
  else fs.rmSync(file, { force: true });
}

/** Run one unprivileged action. Throws StepFailed with a user-facing message. */
async function runAction(action: PlanAction, ctx: RunContext): Promise<string> {
  switch (action.type) {
    case 'command': {
      const timeoutMs = action.waitsForUser ? Infinity : ctx.timeoutMs;
      let r;
      try {
        r = await run(action.command, action.args, { env: action.env ? { ...process.env, ...action.env } : undefined, timeoutMs });
      } catch (err) {
        throw new StepFailed((err as Error).message);
      }
      const ok = [0, ...(action.okExitCodes ?? [])];
      if (r.timedOut) throw new StepFailed(actionError(action, 'timed out'), true);
      // Killed by a signal (Ctrl-C in a terminal reaches the whole process group): it may have acted.
      if (r.code === null) throw new StepFailed(actionError(action, 'was interrupted'), true);
      if (r.code === null || !ok.includes(r.code)) {
        const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
        throw new StepFailed(actionError(action, `exit code ${r.code}${why ? `: ${why}` : ''}`));
      }
      return (r.stdout + r.stderr).trim();
    }
    case 'write-file':
      checkExpectation(action.path, action.ifMatch);
      try {
        writeFileAtomic(action.path, Buffer.from(action.contents, action.encoding === 'base64' ? 'base64' : 'utf8'), action.mode ?? 0o644);
      } catch (err) {
        throw new StepFailed((err as Error).message);
      }
      return '';
    case 'remove-file':
      checkExpectation(action.path, action.ifMatch);
      try { fs.rmSync(action.path, { force: true }); } catch (err) {
        throw new StepFailed(describeFsError(err as NodeJS.ErrnoException, action.path, 'remove'));
      }
      return '';
    case 'bundle':
      try { runBundle(action, ctx); } catch (err) {
        throw err instanceof StepFailed ? err : new StepFailed((err as Error).message);
      }
      return '';
    case 'forget':
    case 'manual':
      return '';
  }
}

/** Turn actions into elevated-script operations; file contents travel inside the script. */
function toElevatedOps(action: PlanAction): ElevatedOp[] {
  switch (action.type) {
    case 'command':
      return [{ kind: 'exec', command: action.command, args: action.args, env: action.env, okExitCodes: action.okExitCodes }];
    case 'write-file': {
      const bytes = Buffer.from(action.contents, action.encoding === 'base64' ? 'base64' : 'utf8');
      return [{ kind: 'write', to: action.path, contents: bytes.toString('base64'), mode: action.mode }];
    }
    case 'remove-file':
      return [{ kind: 'remove', path: action.path }];
    case 'bundle':
      // Bundles live in this user's config folder: never an administrator's job.
      throw new StepFailed(`a bundle step cannot run elevated (${action.path})`);
    case 'forget':
    case 'manual':
      return [];
  }
}

interface Unit { step: PlanStep; action: PlanAction; elevated: boolean; index?: number }

/**
 * Run units in order: unprivileged ones directly, contiguous elevated ones as one batch.
 * Returns how many completed; the first failure (if any) with its message.
 */
async function runUnits(units: Unit[], opts: ExecutePlanOptions, ctx: RunContext, report: (u: Unit, ok: boolean, out: string) => void,
  onElevating: (count: number) => void, signal?: AbortSignal): Promise<{ done: number; error?: string; cancelled?: boolean; interrupted?: boolean; mayHaveActed?: boolean }> {
  let i = 0;
  while (i < units.length) {
    if (units[i].index !== undefined) await faultPoint('before', units[i].index!);
    if (signal?.aborted) return { done: i, error: 'interrupted', interrupted: true };
    const u = units[i];
    if (!u.elevated || u.action.type === 'manual') {
      try {
        const out = await runAction(u.action, ctx);
        report(u, true, out);
        if (u.index !== undefined) await faultPoint('after', u.index);
      } catch (err) {
        report(u, false, (err as Error).message);
        return { done: i, error: (err as Error).message, mayHaveActed: err instanceof StepFailed && err.mayHaveActed };
      }
      i++;
      continue;
    }
    let j = i;
    while (j < units.length && units[j].elevated && units[j].action.type !== 'manual') j++;
    const batch = units.slice(i, j);
    if (opts.elevate === false) {
      const msg = `step "${batch[0].step.title}" needs administrator rights and elevation is disabled; nothing from it was run`;
      report(batch[0], false, msg);
      return { done: i, error: msg };
    }
    for (let k = 0; k < batch.length; k++) {
      const a = batch[k].action;
      try {
        if (a.type === 'write-file' || a.type === 'remove-file') checkExpectation(a.path, a.ifMatch);
      } catch (err) {
        report(batch[k], false, (err as Error).message);
        return { done: i + k, error: (err as Error).message };
      }
    }
    {
      let elevatedUnits: ElevatedUnit[];
      try {
        elevatedUnits = batch.map(b => ({ id: b.step.id, ops: toElevatedOps(b.action) }));
      } catch (err) {
        report(batch[0], false, (err as Error).message);
        return { done: i, error: (err as Error).message };
      }
      onElevating(batch.length);
      let result;
      try {
        result = await runElevated(elevatedUnits, { runner: opts.elevate || undefined });
      } catch (err) {
        const cancelled = err instanceof ElevationCancelledError;
        report(batch[0], false, (err as Error).message);
        return { done: i, error: (err as Error).message, cancelled };
      }
      for (let k = 0; k < result.results.length; k++) {
        const r = result.results[k];
        const out = (r.stdout + r.stderr).trim();
        if (r.code === 0) { report(batch[k], true, out); continue; }
        const msg = actionError(batch[k].action, `exit code ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
        report(batch[k], false, msg);
        return { done: i + k, error: msg };
      }
      if (result.results.length < batch.length) {
        const msg = 'the elevated script stopped before running every step';
        report(batch[result.results.length], false, msg);
        return { done: i + result.results.length, error: msg };
      }
    }
    i = j;
  }
  return { done: units.length };
}

export async function executePlan(plan: RepairPlan, opts: ExecutePlanOptions = {}): Promise<PlanOutcome> {
  const rendered = renderPlan(plan);
  const progress = opts.onProgress ?? (() => {});
  const manual = plan.steps.filter(s => s.action.type === 'manual').map(s => (s.action as { instructions: string }).instructions);
  const base: PlanOutcome = { ok: true, dryRun: !!opts.dryRun, rendered, completed: [], rolledBack: [], notUndone: [], manual, steps: [], summary: '' };
  if (opts.dryRun) return { ...base, summary: `Dry run: ${plan.steps.length} step(s) shown, nothing changed.` };
  if (plan.platform !== process.platform) {
    throw new Error(`this plan is for ${plan.platform}; it can only be shown here (--dry-run), not run on ${process.platform}`);
  }
  const ledger = opts.ledger === undefined ? Ledger.default() : opts.ledger;
  // One run at a time; the lock sits beside the ledger (a run without a ledger changes nothing shared).
  const release = ledger ? await acquireLock(path.join(path.dirname(ledger.file), 'lock'), opts.lock) : () => {};
  try {
    return await executeLocked(plan, opts, ledger, { ...base }, progress);
  } finally {
    release();
  }
}

async function executeLocked(plan: RepairPlan, opts: ExecutePlanOptions, ledger: Ledger | null, outcome: PlanOutcome,
  progress: (p: PlanProgress) => void): Promise<PlanOutcome> {
  // Read the ledger before changing anything: an unreadable ledger must stop the plan, not a half-run.
  ledger?.entries();
  const now = new Date().toISOString();
  const factOf = (s: PlanStep): LedgerEntry | undefined => s.record && { ...s.record, ...(s.elevated ? { elevated: true } : {}), addedAt: now };
  // Write-ahead: every fact this plan may leave on the machine is recorded before the first step acts.
  const intended = plan.steps.map(factOf).filter((f): f is LedgerEntry => !!f).map(f => ({ ...f, intended: true }));
  if (ledger && intended.length) ledger.add(...intended);
  const forgetIntent = (steps: PlanStep[]) => {
    const facts = steps.map(factOf).filter((f): f is LedgerEntry => !!f);
    if (ledger && facts.length) ledger.remove(e => !!e.intended && facts.some(f => sameLedgerEntry(e, f)));
  };
  const ctx: RunContext = { ledger, timeoutMs: opts.timeoutMs };
  const completed: PlanStep[] = [];
  const units: Unit[] = plan.steps.map((step, index) => ({ step, action: step.action, elevated: step.elevated, index }));
  const res = await runUnits(units, opts, ctx, (u, ok, out) => {
    const index = plan.steps.indexOf(u.step);
    outcome.steps.push(ok ? { id: u.step.id, ok, output: out } : { id: u.step.id, ok, error: out });
    if (!ok) { progress({ phase: 'failed', step: u.step, index, message: out }); return; }
    completed.push(u.step);
    const fact = factOf(u.step);
    if (fact && ledger) ledger.confirm(e => sameLedgerEntry(e, fact));
    if (u.step.forget && ledger) ledger.remove(e => u.step.forget!.some(f => sameLedgerEntry(e, f)));
    progress({ phase: u.step.action.type === 'manual' ? 'manual' : 'done', step: u.step, index, message: u.step.title });
  }, count => progress({ phase: 'elevating', message: `asking for administrator rights once for ${count} step(s)` }), opts.signal);

  outcome.completed = completed.map(s => s.id);
  if (!res.error) {
    const changed = completed.filter(s => s.action.type !== 'manual').length;
    outcome.summary = changed ? `Done: ${changed} step(s) completed.` : 'Nothing needed changing.';
    if (manual(plan).length) outcome.summary += ` ${manual(plan).length} thing(s) left for you to do.`;
    return outcome;
  }

  outcome.ok = false;
  outcome.failed = outcome.steps.find(s => !s.ok);
  outcome.cancelled = res.cancelled;
  outcome.interrupted = res.interrupted;
  // The steps that did not complete never changed anything — except a command cut short (killed by a
  // signal, timed out): it is undone with the rest, and its fact stays if that undo fails.
  const suspect = res.mayHaveActed && plan.steps[res.done] ? [plan.steps[res.done]] : [];
  forgetIntent(plan.steps.filter(s => !completed.includes(s) && !suspect.includes(s)));
  await rollback([...completed, ...suspect], opts, ctx, outcome, progress);
  outcome.completed = completed.filter(s => !outcome.rolledBack.includes(s.id)).map(s => s.id);
  const changedCompleted = completed.filter(s => s.action.type !== 'manual');
  const clean = outcome.notUndone.length === 0;
  const undoneText = changedCompleted.length === 0 ? 'Nothing was changed.'
    : clean ? `The ${changedCompleted.length} step(s) already done were undone.`
      : `${outcome.notUndone.length} completed step(s) could not be undone: ${outcome.notUndone.map(n => `${n.id} (${n.reason})`).join('; ')}.`;
  if (res.cancelled) {
    outcome.summary = clean
      ? 'Elevation was cancelled; nothing was changed'
      : `Elevation was cancelled; ${outcome.notUndone.length} earlier step(s) could not be undone (see below)`;
  } else if (res.interrupted) {
    outcome.summary = `Interrupted before step "${plan.steps[res.done]?.id}". ${undoneText}`;
  } else {
    outcome.summary = `Step "${outcome.failed?.id}" failed: ${outcome.failed?.error}. ${undoneText}`;
  }
  return outcome;
}

function manual(plan: RepairPlan): string[] {
  return plan.steps.filter(s => s.action.type === 'manual').map(s => (s.action as { instructions: string }).instructions);
}

async function rollback(completed: PlanStep[], opts: ExecutePlanOptions, ctx: RunContext, outcome: PlanOutcome,
  progress: (p: PlanProgress) => void): Promise<void> {
  const { ledger } = ctx;
  const reversed = [...completed].reverse().filter(s => s.action.type !== 'manual');
  const ordered = [...reversed.filter(s => !s.undoLast), ...reversed.filter(s => s.undoLast)];
  const units: Unit[] = [];
  for (const s of ordered) {
    if (!s.undo) { outcome.notUndone.push({ id: s.id, reason: 'this step has no undo' }); continue; }
    units.push({ step: s, action: s.undo, elevated: s.elevated });
  }
  // Undo keeps going past a failed undo (and past an interruption: a half-undone machine is worse).
  let rest = units;
  while (rest.length) {
    const res = await runUnits(rest, { ...opts }, ctx, (u, ok, out) => {
      if (ok) {
        outcome.rolledBack.push(u.step.id);
        if (u.step.record && ledger) ledger.remove(e => sameLedgerEntry(e, u.step.record!));
        if (u.step.forget && ledger) ledger.add(...u.step.forget);
        progress({ phase: 'undone', step: u.step, message: `undone: ${u.step.title}` });
      } else {
        outcome.notUndone.push({ id: u.step.id, reason: out });
        progress({ phase: 'undo-failed', step: u.step, message: `could not undo ${u.step.title}: ${out}` });
      }
    }, count => progress({ phase: 'elevating', message: `asking for administrator rights to undo ${count} step(s)` }));
    if (!res.error) break;
    // Skip the unit that failed (and, when elevation itself failed, the whole elevated group it led).
    let skip = res.done + 1;
    if (res.cancelled || rest[res.done]?.elevated) {
      while (skip < rest.length && rest[skip].elevated) {
        outcome.notUndone.push({ id: rest[skip].step.id, reason: res.error ?? 'elevation failed' });
        skip++;
      }
    }
    rest = rest.slice(skip);
  }
}

export { elevatedGroups };

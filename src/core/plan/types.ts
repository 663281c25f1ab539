/**
 * A repair is a Plan: ordered steps, each a process (argument array, never a shell string) or a file
 * change, whether it needs elevation, what it changes, and the action that undoes it. Plans are data:
 * they are rendered (`--dry-run`, the extension's consent modal) exactly as they will run.
 *
 * This file holds the shape; rendering is in render.ts (`renderPlan`), running in run.ts (`executePlan`).
 */
import type { Platform } from '../io';

export type { Platform };

export interface CommandAction {
  type: 'command';
  command: string;
  args: string[];
  /** Extra environment for this command only (e.g. a sandbox HOME). */
  env?: Record<string, string>;
  /** Exit codes that still mean success (e.g. "already absent" for a delete). */
  okExitCodes?: number[];
}

export interface WriteFileAction {
  type: 'write-file';
  path: string;
  /** UTF-8 text, or base64 when `encoding` is 'base64' (keeps plans JSON-serialisable). */
  contents: string;
  encoding?: 'utf8' | 'base64';
  /** e.g. 0o600 for private keys. */
  mode?: number;
}

export interface RemoveFileAction { type: 'remove-file'; path: string }

/** Text shown to the user, nothing run (e.g. "set NODE_EXTRA_CA_CERTS=... in your shell profile"). */
export interface ManualAction { type: 'manual'; instructions: string }

export type PlanAction = CommandAction | WriteFileAction | RemoveFileAction | ManualAction;

export interface PlanStep {
  /** Stable id within the plan, e.g. `trust-system`, `bind-44300`. */
  id: string;
  /** One line: what this step does, in the user's words. */
  title: string;
  action: PlanAction;
  elevated: boolean;
  /** What on the machine this changes (a store, a file, a binding). */
  changes: string;
  /** What the ledger records when this step succeeds (so untrust/clean can remove exactly it). */
  record?: Omit<LedgerEntry, 'addedAt'>;
  /**
   * Ledger entries this step makes untrue (a clean removing what they record): forgotten when the step
   * succeeds, recorded again when it is undone.
   */
  forget?: LedgerEntry[];
  /** How to undo it; absent when nothing needs undoing (a read, a manual note). */
  undo?: PlanAction;
  /**
   * Run this step's undo after every other undo during a rollback. For refresh commands whose undo is
   * the same refresh (`update-ca-certificates` must run after the anchor file is gone, not before).
   */
  undoLast?: boolean;
}

export interface RepairPlan {
  title: string;
  platform: Platform;
  steps: PlanStep[];
  /** Things the user should know that are not steps (why, what was skipped). */
  notes: string[];
  /**
   * Served certificates this plan does not trust because trusting them needs an explicit act (a CA, a
   * leaf for other names, an expired one: repair/trustPolicy.ts); the plan regenerates instead.
   */
  withheld?: WithheldTrust[];
}

export interface WithheldTrust { url: string; subject: string; sha1: string; reason: string }

/** One fact in the ledger: what this tool added to the machine (see ledger.ts). */
export type LedgerEntryKind = 'trust' | 'binding' | 'file' | 'config-edit';

export interface LedgerEntry {
  kind: LedgerEntryKind;
  /** The store id, binding target (`httpsys:0.0.0.0:44300`, `kestrel:<file>`), or file path. */
  target: string;
  /** SHA-1 thumbprint of the certificate concerned (upper-case hex). */
  thumbprint?: string;
  /** What was there before (a binding's cert hash + appid, a file's previous contents base64), to restore. */
  previous?: string;
  /** The plan step that undoes this entry, recorded as it was planned. */
  undo?: PlanAction;
  /** SHA-256 (hex) of the bytes this tool wrote: a file changed since is not restored over someone's edits. */
  written?: string;
  /** The change was made with administrator rights, so its undo needs them too. */
  elevated?: boolean;
  addedAt: string;
}

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
  /**
   * The command waits for a person (Windows' Root-store dialog, macOS's authorization prompt, dotnet
   * dev-certs asking to trust): it runs without the 60 s timeout, which would kill it mid-answer.
   */
  waitsForUser?: boolean;
}

/**
 * What a file must hold for a write or removal to go ahead: the SHA-256 (hex) of its bytes when the
 * plan was made, or '' for "no file". Checked when the step runs, so a file someone changed after the
 * plan was shown — another run, an editor — is never overwritten: the step fails and the plan rolls back.
 */
export type FileExpectation = string;

export interface WriteFileAction {
  type: 'write-file';
  path: string;
  /** UTF-8 text, or base64 when `encoding` is 'base64' (keeps plans JSON-serialisable). */
  contents: string;
  encoding?: 'utf8' | 'base64';
  /** e.g. 0o600 for private keys. */
  mode?: number;
  ifMatch?: FileExpectation;
}

export interface RemoveFileAction { type: 'remove-file'; path: string; ifMatch?: FileExpectation }

/**
 * A certificate bundle this tool owns (the NODE_EXTRA_CA_CERTS file), written when the step runs from
 * what it holds then and the ledger's current set for it, plus `add`, minus `remove` — never from a copy
 * read when the plan was made, so two runs (or two steps of one plan) cannot undo each other's additions.
 */
export interface BundleAction {
  type: 'bundle';
  path: string;
  /** The folder of the saved copies (`<sha1>.pem`) the bundle is made of. */
  certsDir: string;
  /** SHA-1 of the certificate this step adds (its PEM is the saved copy) or removes. */
  add?: string;
  remove?: string;
}

/** Text shown to the user, nothing run (e.g. "set NODE_EXTRA_CA_CERTS=... in your shell profile"). */
export interface ManualAction { type: 'manual'; instructions: string }

/**
 * Nothing on the machine changes: the step only forgets ledger entries (its `forget`) whose change was
 * found gone while planning — a crash before the step acted, someone undoing it by hand.
 */
export interface ForgetAction { type: 'forget'; count: number }

export type PlanAction = CommandAction | WriteFileAction | RemoveFileAction | BundleAction | ForgetAction | ManualAction;

export interface PlanStep {
  /** Stable id within the plan, e.g. `trust-system`, `bind-44300`. */
  id: string;
  /** One line: what this step does, in the user's words. */
  title: string;
  action: PlanAction;
  elevated: boolean;
  /** What on the machine this changes (a store, a file, a binding). */
  changes: string;
  /**
   * The fact the ledger records for this step (so untrust/clean can remove exactly it): written, marked
   * `intended`, before the step acts, and confirmed once it succeeded.
   */
  record?: Omit<LedgerEntry, 'addedAt'>;
  /**
   * Ledger entries this step makes untrue (a clean removing what they record): forgotten when the step
   * succeeds, recorded again when it is undone.
   */
  forget?: LedgerEntry[];
  /** How to undo it; absent when nothing needs undoing (a read, a manual note). */
  undo?: PlanAction;
  /**
   * An unprivileged step that waits for the user's own confirmation (Windows' Root-store dialog), or a
   * file such a step or an elevated step's undo needs: it runs before the plan's elevated steps, so a "No" there stops the plan before
   * the administrator prompt, and the one prompt never has elevated steps to roll back for it.
   */
  beforeElevated?: boolean;
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

/**
 * A fact, never a command: what was added where, and what was there before. The undo is rebuilt from
 * it by the same store, binding or file code that made the change (see repair/clean.ts), so a ledger
 * edited by hand can make the tool refuse an entry, never run a command or delete an unrelated file.
 */
export interface LedgerEntry {
  kind: LedgerEntryKind;
  /**
   * trust: the store and where it is (`linux-system[:<sandbox root>]`, `nss:<db dir>`, `node:<bundle>`,
   * `darwin-keychain`, `windows-root`, `windows-my`, `dotnet-dev-certs`); binding: `httpsys:<ip:port>`;
   * file: the path; config-edit: what was edited (`kestrel:<file>`, `dotenv:<file>`, `user-secrets:<id>`).
   */
  target: string;
  /** file and config-edit: the absolute path of the file written. */
  path?: string;
  /** SHA-1 thumbprint of the certificate concerned (upper-case hex). */
  thumbprint?: string;
  /**
   * trust: the certificate itself (DER, base64), so it can be found and removed even when the saved copy
   * in the config folder is gone (a crash before it was written, someone cleaning the folder).
   */
  certificate?: string;
  /** binding: the binding it replaced, JSON `{ certHash, appId, settings }` (settings: netsh's parameters, bind/sslcertSettings.ts); file/config-edit: the previous bytes, base64. */
  previous?: string;
  /** file/config-edit: the previous file's mode, when there was one. */
  previousMode?: number;
  /** SHA-256 (hex) of the bytes this tool wrote: a file changed since is not restored over someone's edits. */
  written?: string;
  /** The change was made with administrator rights, so its undo needs them too. */
  elevated?: boolean;
  /**
   * Recorded before the step acted and not yet confirmed: after a crash the change may or may not be on
   * the machine. Cleaning treats it like any entry: it removes the change where it finds it.
   */
  intended?: boolean;
  addedAt: string;
}

/**
 * What this tool added to the machine, so untrust/clean removes exactly that and restores what it
 * replaced. Types here; reading/writing (atomic JSON in the user's config dir) beside them.
 */
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
  undo?: import('./plan').PlanAction;
  addedAt: string;
}

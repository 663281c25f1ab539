/**
 * Room `plan` — a repair as data: the Plan model and its steps, rendering it exactly as it will run,
 * running it (elevation, rollback) and the ledger of what was added. Imports `io`, `certs`; never `repair`.
 */
export { Ledger } from './ledger';
export { readBundleCertificates } from './bundle';
export type { LedgerEntry, LedgerEntryKind } from './types';
export { planOutline, renderPlan } from './render';
export { planScript } from './script';
export { executePlan } from './run';
export { contiguousElevation, mergeSteps, readExisting, removeFileStep, sha256, trustedCertFile, trustedCertFileStep, trustRecord, writeFileStep } from './steps';
export type { CommandAction, PlanAction, PlanStep, RepairPlan, WithheldTrust } from './types';
export { acquireLock, LockBusyError, type LockHolder } from './lock';

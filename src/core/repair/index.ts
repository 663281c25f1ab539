/**
 * Room `repair` — from verdicts to a plan: what to regenerate, where to bind it, what to trust, the
 * strategies (IIS Express, dotnet dev-certs) and clean/untrust from the ledger. Plans only; `plan` runs.
 */
export { planClean } from './clean';
export { alternativeStrategies, planRepair, planTrust, unconstrainedCaNote } from './planRepair';
export { whyNotTrustable } from './trustPolicy';
export { REPAIR_STRATEGIES, StrategyNotApplicableError } from './strategies';
export type { RepairStrategy } from './strategies';

/**
 * Room `engine` — the extension's one seam to src/core's repairs (plan, render, run, client certificates,
 * export), loaded lazily. Imports only src/core; never the UI rooms, never probes (the server does).
 */
export { createEngine } from './lazyEngine';
export { sandboxDir, type Tools } from './trustContext';
export type { CreatedClientCertificate, Engine, ExecuteOptions, ExecuteOutcome, RepairRequest } from './types';

/**
 * Room `verdicts` — the window's one view of the verdicts: the language server (started on need) owns
 * discovery, probing and the cache; the Checker asks it, the VerdictStore mirrors it for every view.
 * Imports `output`, `settings`; never a view (status, commands, gate).
 */
export { Checker, GATE_CACHE_MS, describeVerdict, type ProbeOptions } from './checker';
export { DISCOVERY_GLOB, LanguageServerHost, ServerUnavailableError } from './languageServer';
export { registerRefreshTriggers } from './triggers';
export { VerdictStore, isListening, realProblems, summarize, type OverallState, type Summary } from './verdictStore';

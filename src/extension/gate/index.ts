/**
 * Room `gate` — the debug gate: before every launch, one question to the language server about that
 * configuration's endpoints; warn or block, and watch ports that were not listening yet. The top room.
 */
export { DebugGate, type GateAction, type GateOutcome } from './debugGate';
export { PortWatcher, SessionWatchers, WATCH_LIMIT_MS } from './portWatcher';

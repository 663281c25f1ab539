/**
 * The engine, loaded on first use: activation must not pay for parsing and evaluating the certificate,
 * trust and repair code before anyone asks for a repair. The build makes coreEngine.ts its own bundle
 * (dist/engine.js) and this `require` its only way in, so extension.js does not carry the engine at all.
 */
import type { Engine } from './types';

/** @param execLog where the engine logs every process it runs (exact arguments): the Output channel. */
export function createEngine(execLog: (line: string) => void): Engine {
  let impl: Engine | undefined;
  const load = (): Engine => impl ??= (require('./coreEngine') as typeof import('./coreEngine')).createCoreEngine(execLog);
  return new Proxy({} as Engine, { get: (_t, key: keyof Engine) => (...args: unknown[]) => (load()[key] as (...a: unknown[]) => unknown)(...args) });
}

/**
 * The engine, loaded on first use: activation must not pay for parsing and evaluating the certificate,
 * trust and repair code (node-forge among it) before anyone asks for a repair.
 */
import type { Engine } from './types';

export function createEngine(): Engine {
  let impl: Engine | undefined;
  const load = (): Engine => impl ??= (require('./coreEngine') as typeof import('./coreEngine')).createCoreEngine();
  return new Proxy({} as Engine, { get: (_t, key: keyof Engine) => (...args: unknown[]) => (load()[key] as (...a: unknown[]) => unknown)(...args) });
}

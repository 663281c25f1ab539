/**
 * Binds the Engine seam to src/core. Pieces of core that have not landed yet throw
 * EngineUnavailableError, which the UI reports as "not available in this build" instead of crashing.
 */
import { toPfx } from '../core/certs/formats';
import { generateCertificate } from '../core/certs/generate';
import { discoverEndpoints, endpointsFromLaunchConfiguration } from '../core/endpoints';
import { renderPlan } from '../core/planRender';
import { executePlan } from '../core/planRun';
import type { Engine } from './engine';
import { EngineUnavailableError } from './engine';

const missing = (what: string) => async (): Promise<never> => { throw new EngineUnavailableError(what); };

export function createEngine(): Engine {
  return {
    discover: folder => discoverEndpoints(folder),
    endpointsFromLaunchConfiguration: async (config, folder) =>
      endpointsFromLaunchConfiguration(config, { file: folder ? `${folder}/.vscode/launch.json` : undefined }),
    check: missing('The TLS probe'),
    checkDeclaredCertificate: async () => undefined,
    servedChain: missing('The TLS probe'),
    planRepair: missing('Repair planning'),
    planUntrust: missing('Untrust planning'),
    renderPlan,
    executePlan: async (plan, options) => {
      const outcome = await executePlan(plan, {
        onProgress: p => options.onProgress(p.message, p.step, p.phase === 'done' || p.phase === 'failed'),
      });
      return { ok: outcome.ok, message: outcome.summary, cancelled: outcome.cancelled, manual: outcome.manual };
    },
    createClientCertificate: async ({ cn, days, password }) => {
      const gen = await generateCertificate({ profile: 'client', cn, days });
      const pfx = toPfx({ certDer: gen.certDer, key: gen.key, password, friendlyName: cn });
      return { pfx, certPem: gen.certPem, keyPem: gen.keyPem, sha1: gen.sha1, sha256: gen.sha256 };
    },
  };
}

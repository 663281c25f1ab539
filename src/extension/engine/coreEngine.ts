/** Binds the Engine shape to src/core's repair rooms. Loaded on first use only (see lazyEngine.ts). */
import { createClientCertificateFiles } from '../../core/certs';
import { endpointFor } from '../../core/endpoints';
import { endpointUrl, fetchServedChain, type EndpointVerdict } from '../../core/check';
import { setExecLogger } from '../../core/io';
import { executePlan, planScript, renderPlan } from '../../core/plan';
import { alternativeStrategies, planClean, planRepair } from '../../core/repair';
import type { Engine, RepairRequest } from './types';
import { extensionTrustContext, sandboxDir } from './trustContext';

/** @param execLog the Output channel's line writer: this bundle's process runner logs there. */
export function createCoreEngine(execLog: (line: string) => void): Engine {
  setExecLogger(execLog);
  return {
    servedChain: async (endpoint, timeoutMs) => {
      // A wildcard or bracketed host is what the user wrote; the socket needs an address or a name.
      const host = endpointFor(endpoint.host, endpoint.port).connectHost;
      const served = await fetchServedChain({ host, port: endpoint.port }, timeoutMs);
      if (served.error && served.chain.length === 0) throw new Error(`no certificate from ${endpointUrl(host, endpoint.port)}: ${served.error}`);
      return served.chain;
    },
    planRepair: async request => planRepair(verdictsOf(request), { ctx: extensionTrustContext(request.tools), fixes: request.fixes, strategy: request.strategy, allowServedAnchors: request.allowServedAnchors }),
    alternativeStrategies: async request => alternativeStrategies(verdictsOf(request), { ctx: extensionTrustContext(request.tools), fixes: request.fixes }),
    // The same plan as `devcert-doctor untrust`: everything the ledger records, each entry forgotten once undone.
    planUntrust: async tools => planClean({ ctx: extensionTrustContext(tools) }),
    renderPlan,
    planScript,
    executePlan: async (plan, options) => {
      const outcome = await executePlan(plan, {
        // In a sandbox nothing may elevate: every store points into the sandbox folder.
        elevate: sandboxDir() ? false : undefined,
        onProgress: p => options.onProgress(p.message, p.step, p.phase === 'done' || p.phase === 'failed'),
      });
      return { ok: outcome.ok, message: outcome.summary, cancelled: outcome.cancelled, manual: outcome.manual };
    },
    createClientCertificate: async ({ cn, days, password, pfxPath }) => {
      const c = await createClientCertificateFiles({ cn, days, password, pfxPath, overwrite: true });
      return { pfx: c.pfx, cert: c.cert, key: c.key, sha1: c.sha1, sha256: c.sha256 };
    },
  };
}

function verdictsOf(request: RepairRequest): EndpointVerdict[] {
  return request.verdicts.length || !request.port ? request.verdicts : [unprobedPort(request.port)];
}

/** "Bind certificate to port…" for a port no check has seen: planned from the port alone. */
function unprobedPort(port: number): EndpointVerdict {
  const url = endpointUrl('localhost', port);
  return { url, host: 'localhost', port, source: null, trusted: false, trust: { system: false, node: false }, problems: [], certificate: null, handshakeMs: 0 };
}

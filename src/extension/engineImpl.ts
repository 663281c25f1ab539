/**
 * Binds the Engine seam to src/core. Pieces of core that have not landed yet throw
 * EngineUnavailableError, which the UI reports as "not available in this build" instead of crashing.
 */
import { readCertificateFile } from '../core/certs';
import { endpointUrl, judge } from '../core/check';
import type { HandshakeResult } from '../core/probe';
import { loadTrustAnchors } from '../core/trust';
import { createClientCertificateFiles } from '../core/certs';
import { discoverEndpoints, endpointsFromLaunchConfiguration } from '../core/endpoints';
import type { DeclaredEndpoint } from '../core/endpoints';
import type { EndpointVerdict } from '../core/check';
import { renderPlan } from '../core/plan';
import { executePlan } from '../core/plan';
import { planClean } from '../core/repair';
import { alternativeStrategies, planRepair } from '../core/repair';
import { fetchServedChain } from '../core/check';
import { checkTargets as probeTargets } from '../core/check';
import type { CheckTarget, Engine, RepairRequest } from './engine';
import { extensionTrustContext, sandboxDir } from './trustContext';

export function createEngine(): Engine {
  return {
    discover: folder => discoverEndpoints(folder),
    endpointsFromLaunchConfiguration: async (config, folder) =>
      endpointsFromLaunchConfiguration(config, { file: folder ? `${folder}/.vscode/launch.json` : undefined }),
    // Through the same seam to checkEndpoints as the language server (trust anchors kept briefly, mTLS grouping).
    check: (targets, options) => probeTargets(targets.map(t => ({
      endpoint: declaredOf(t), clientCertificate: t.clientCertificate, requestPath: t.requestPath, forwardClientCertHeader: t.forwardClientCertHeader,
    })), { timeoutMs: options.timeoutMs, expiringSoonDays: options.expiringSoonDays, concurrency: 16, reloadAnchors: options.reloadTrust }),
    checkDeclaredCertificate: async (t, options) => {
      // The server is not up yet: judge the certificate its configuration names, as if it had served it.
      const declared = t.declared?.certificates.find(c => c.path);
      if (!declared?.path) return undefined;
      let bundle;
      try { bundle = readCertificateFile(declared.path, { password: '', keyFile: declared.keyPath }); } catch { return undefined; }
      const anchors = await loadTrustAnchors({ env: process.env });
      const served: HandshakeResult = { host: t.connectHost, port: t.port, servername: 'localhost', chain: [bundle.certDer, ...bundle.chainDer], handshakeMs: 0 };
      return judge(served, { anchors, expiringSoonDays: options.expiringSoonDays, url: t.url, source: t.source });
    },
    servedChain: async (t, timeoutMs) => {
      const served = await fetchServedChain({ host: t.connectHost, port: t.port }, timeoutMs);
      if (served.error && served.chain.length === 0) throw new Error(`no certificate from ${t.url}: ${served.error}`);
      return served.chain;
    },
    planRepair: async request => planRepair(verdictsOf(request), { ctx: extensionTrustContext(request.tools), fixes: request.fixes, strategy: request.strategy }),
    alternativeStrategies: async request => alternativeStrategies(verdictsOf(request), { ctx: extensionTrustContext(request.tools), fixes: request.fixes }),
    // The same plan as `devcert-doctor untrust`: everything the ledger records, each entry forgotten once undone.
    planUntrust: async tools => planClean({ ctx: extensionTrustContext(tools) }),
    renderPlan,
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

function declaredOf(t: CheckTarget): DeclaredEndpoint {
  return t.declared ?? { url: t.url, host: t.host, port: t.port, loopback: true, sources: [], certificates: [], connectHost: t.connectHost };
}

function verdictsOf(request: RepairRequest): EndpointVerdict[] {
  return request.verdicts.length || !request.port ? request.verdicts : [unprobedPort(request.port)];
}

/** "Bind certificate to port…" for a port no check has seen: planned from the port alone. */
function unprobedPort(port: number): EndpointVerdict {
  const url = endpointUrl('localhost', port);
  return { url, host: 'localhost', port, source: null, trusted: false, trust: { system: false, node: false }, problems: [], certificate: null, handshakeMs: 0 };
}

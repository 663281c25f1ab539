/**
 * The server's seam to the probe engine (src/core/check.ts `checkEndpoints`): one call that takes the
 * endpoints to handshake with and returns a verdict per endpoint, in order. The cache, the backoff and
 * the diagnostics only know this signature.
 *
 * What the server adds: it keeps the trust anchors (system, Node, NSS) between checks for a short while,
 * because reading them (CA bundles, `certutil`) costs more than a loopback handshake; and it runs targets
 * that need a different post-handshake request (mTLS `requestPath`) in separate engine calls, since the
 * engine takes those options per call.
 */
import { checkEndpoints } from '../core/check';
import type { DeclaredEndpoint } from '../core/endpoints/types';
import { ClientCertificateUnusableError } from '../core/probe';
import type { ClientCertificateInput, EndpointVerdict } from '../core/probe/types';
import { loadTrustAnchors, type ConsumerAnchors } from '../core/trust/anchors';

export interface ProbeTarget {
  endpoint: DeclaredEndpoint;
  clientCertificate?: ClientCertificateInput;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
}

export interface CheckSettings {
  timeoutMs: number;
  expiringSoonDays: number;
  concurrency: number;
  /** Re-read the trust stores now (a repair may just have changed them). */
  reloadAnchors?: boolean;
}

export type CheckFn = (targets: ProbeTarget[], settings: CheckSettings) => Promise<EndpointVerdict[]>;

/** How long trust anchors are reused. A repair re-checks with `reloadAnchors`, so this only bounds staleness. */
const ANCHORS_TTL_MS = 30_000;
let anchors: { at: number; value: Promise<ConsumerAnchors> } | undefined;

function trustAnchors(reload: boolean): Promise<ConsumerAnchors> {
  if (reload || !anchors || Date.now() - anchors.at > ANCHORS_TTL_MS) {
    const value = loadTrustAnchors({ env: process.env });
    anchors = { at: Date.now(), value };
    value.catch(() => { if (anchors?.value === value) anchors = undefined; });
  }
  return anchors.value;
}

/** Start reading the trust stores now, so the first document opened pays only for its handshake. */
export function warmUpTrustAnchors(): void {
  trustAnchors(false).catch(() => { /* the first check reports it */ });
}

export const checkTargets: CheckFn = async (targets, settings) => {
  const loaded = await trustAnchors(!!settings.reloadAnchors);
  const verdicts = new Array<EndpointVerdict>(targets.length);
  const groups = new Map<string, number[]>();
  targets.forEach((t, i) => {
    const k = `${t.requestPath ?? ''}|${t.forwardClientCertHeader ? 1 : 0}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  await Promise.all([...groups.values()].map(async indexes => {
    const group = indexes.map(i => targets[i]);
    const run = (withClientCertificates: boolean) => checkEndpoints(group.map(t => ({
      host: t.endpoint.connectHost ?? t.endpoint.host, port: t.endpoint.port, url: t.endpoint.url, sources: t.endpoint.sources,
    })), {
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      expiringSoonDays: settings.expiringSoonDays,
      anchors: loaded,
      requestPath: group[0].requestPath,
      forwardClientCertHeader: group[0].forwardClientCertHeader,
      clientCertificateFor: withClientCertificates
        ? (host, port) => group.find(t => (t.endpoint.connectHost ?? t.endpoint.host) === host && t.endpoint.port === port)?.clientCertificate
        : undefined,
    });
    let result: EndpointVerdict[];
    try {
      result = await run(true);
    } catch (err) {
      // A client certificate that cannot be opened must not cost the other endpoints their verdict.
      if (!(err instanceof ClientCertificateUnusableError)) throw err;
      result = await run(false);
    }
    // The engine merges duplicate host:port targets; the cache never sends any, but match by port anyway.
    indexes.forEach((i, j) => { verdicts[i] = result.length === group.length ? result[j] : result.find(v => v.port === targets[i].endpoint.port)!; });
  }));
  return verdicts;
};

/**
 * The long-running hosts' seam to the probe engine (`checkEndpoints`): the language server and the
 * extension both call `checkTargets` with the endpoints to handshake with and get a verdict per endpoint,
 * in order. Their caches, backoff and diagnostics only know this signature.
 *
 * What it adds to `checkEndpoints`: the trust anchors (system, Node, NSS) are kept between checks for a
 * short while, because reading them (CA bundles, `certutil`) costs more than a loopback handshake; and
 * a configured client certificate that cannot be opened does not cost every other endpoint its verdict.
 * Per-endpoint mTLS settings (client certificate, request path, forwarding header) go to the engine
 * with each target. `judgeDeclaredCertificate` judges, with the same anchors, the certificate an
 * endpoint's configuration names while its server is not up yet.
 */
import { readCertificateFile } from '../certs';
import { checkEndpoints, type CheckTarget } from './checkEndpoints';
import { defaultServername, type DeclaredEndpoint } from '../endpoints';
import { type ClientCertificateInput, ClientCertificateUnusableError, type HandshakeResult } from '../probe';
import { judge } from './judge';
import type { EndpointVerdict } from './types';
import { loadTrustAnchors, type ConsumerAnchors } from '../trust';

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
/** Who hears what reading the stores found wrong, and what it last heard (told again only when that changes). */
let warningSink: { tell(warnings: readonly string[]): void; last: string } | undefined;
/** What the latest reading of the stores found wrong. */
let lastWarnings: readonly string[] = [];

function trustAnchors(reload: boolean): Promise<ConsumerAnchors> {
  if (reload || !anchors || Date.now() - anchors.at > ANCHORS_TTL_MS) {
    const value = loadTrustAnchors({ env: process.env });
    anchors = { at: Date.now(), value };
    value.then(a => {
      lastWarnings = a.warnings;
      const said = a.warnings.join('\n');
      if (warningSink && said !== warningSink.last) {
        warningSink.last = said;
        if (a.warnings.length) warningSink.tell(a.warnings);
      }
    }, () => { if (anchors?.value === value) anchors = undefined; });
  }
  return anchors.value;
}

/**
 * Start reading the trust stores now, so the first check pays only for its handshakes. `onWarnings` hears
 * what reading them found wrong (an unreadable NODE_EXTRA_CA_CERTS...), again whenever that changes.
 */
export function warmUpTrustAnchors(onWarnings?: (warnings: readonly string[]) => void): void {
  if (onWarnings) warningSink = { tell: onWarnings, last: '' };
  trustAnchors(false).catch(() => { /* the first check reports it */ });
}

/** What the latest reading of the trust stores found wrong (an unreadable NODE_EXTRA_CA_CERTS...); empty when nothing. */
export function trustStoreWarnings(): readonly string[] {
  return lastWarnings;
}

export const checkTargets: CheckFn = async (targets, settings) => {
  const loaded = await trustAnchors(!!settings.reloadAnchors);
  const run = (withClientCertificates: boolean) => checkEndpoints(targets.map((t): CheckTarget => ({
    host: t.endpoint.connectHost ?? t.endpoint.host, port: t.endpoint.port, url: t.endpoint.url, sources: t.endpoint.sources,
    clientCertificate: withClientCertificates ? t.clientCertificate : undefined,
    requestPath: t.requestPath, forwardClientCertHeader: t.forwardClientCertHeader,
  })), { timeoutMs: settings.timeoutMs, concurrency: settings.concurrency, expiringSoonDays: settings.expiringSoonDays, anchors: loaded });
  let verdicts: EndpointVerdict[];
  try {
    verdicts = await run(true);
  } catch (err) {
    // A client certificate that cannot be opened must not cost the other endpoints their verdict.
    if (!(err instanceof ClientCertificateUnusableError)) throw err;
    verdicts = await run(false);
  }
  // The engine merges duplicate host:port targets; callers rarely send any, but keep one verdict per target.
  return verdicts.length === targets.length ? verdicts
    : targets.map(t => verdicts.find(v => v.port === t.endpoint.port && v.host === (t.endpoint.connectHost ?? t.endpoint.host)) ?? verdicts.find(v => v.port === t.endpoint.port)!);
};

/**
 * For an endpoint whose server is not listening yet: the verdict on the certificate its configuration
 * names (a PEM/DER file, or a PFX without a password), as if the server had sent it. Undefined when the
 * configuration names none or the file cannot be read: the launch is not held up for a guess.
 */
export async function judgeDeclaredCertificate(endpoint: DeclaredEndpoint, settings: Pick<CheckSettings, 'expiringSoonDays'>): Promise<EndpointVerdict | undefined> {
  const declared = endpoint.certificates.find(c => c.path);
  if (!declared?.path) return undefined;
  let bundle;
  try { bundle = readCertificateFile(declared.path, { password: '', keyFile: declared.keyPath }); } catch { return undefined; }
  const first = endpoint.sources.find(s => s.file);
  const served: HandshakeResult = {
    host: endpoint.connectHost ?? endpoint.host, port: endpoint.port, servername: defaultServername(endpoint.host),
    chain: [bundle.certDer, ...bundle.chainDer], handshakeMs: 0,
  };
  return judge(served, {
    anchors: await trustAnchors(false), expiringSoonDays: settings.expiringSoonDays, url: endpoint.url,
    source: first ? { file: first.file, line: first.line } : null,
  });
}

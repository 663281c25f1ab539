/**
 * The check the CLI, the extension and the language server all run: probe many endpoints at once,
 * load what each consumer trusts meanwhile, and judge every handshake. The whole run is bounded by the
 * timeout, not by the number of endpoints: a probe holds a concurrency slot only while it is busy
 * (a peer that accepts and never answers does not keep the rest waiting).
 */
import { type DeclaredEndpoint, type DiscoveryResult, type EndpointSource, isLoopbackHost } from '../endpoints';
import { type ClientCertificateInput, type LoadedClientCertificate, openClientCertificate, probeEndpoint } from '../probe';
import { clientPolicies } from './clientPolicy';
import { judge, endpointUrl } from './judge';
import { loadTrustAnchors, type ConsumerAnchors } from '../trust';
import type { EndpointVerdict } from './types';
import { DEFAULT_TIMEOUT_MS } from './defaults';

export { DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS } from './defaults';

export interface CheckTarget {
  host: string;
  port: number;
  servername?: string;
  sources?: EndpointSource[];
  url?: string;
  /** Per-endpoint mTLS settings (the language server's `devcertDoctor.clientCertificates`); override the options. */
  clientCertificate?: ClientCertificateInput;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
}

/**
 * A verdict as checkEndpoints returns it: the `check --json` object, plus where the endpoint was
 * declared (every file source; repairs choose how to bind a new certificate from their kinds) and
 * the SNI name when one was given.
 */
export type CheckedVerdict = EndpointVerdict & { sources?: EndpointSource[]; servername?: string };

// The exact DER chain each verdict's handshake saw, for a repair that must trust or replace it. Kept
// beside the verdict, not in it: the JSON contract stays as documented, and a verdict that crossed a
// process boundary (the language server) simply has none, so the repair probes again.
const servedChains = new WeakMap<EndpointVerdict, Buffer[]>();

/** The chain (leaf first, DER, as sent) behind a verdict from checkEndpoints in this process. */
export function servedChainOf(verdict: EndpointVerdict): Buffer[] | undefined {
  return servedChains.get(verdict);
}

/**
 * The chain a server sends, from one probe (`probeEndpoint`, nothing verified): for exporting a
 * certificate, or trusting one when the verdict came without its chain.
 */
export async function fetchServedChain(target: Pick<CheckTarget, 'host' | 'port' | 'servername'>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<{ chain: Buffer[]; error?: string }> {
  const r = await probeEndpoint({ host: target.host, port: target.port, servername: target.servername, timeoutMs });
  return r.failure && r.chain.length === 0 ? { chain: [], error: `${r.failure.kind}: ${r.failure.detail}` } : { chain: r.chain };
}

export interface CheckOptions {
  timeoutMs: number;
  /** How many handshakes run at once; default 16. */
  concurrency?: number;
  expiringSoonDays?: number;
  /** Environment the trust stores are read from (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS...); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Home whose NSS database is read; default env.HOME. */
  homeDir?: string;
  platform?: NodeJS.Platform;
  /** certutil executable for reading NSS (machine-scoped setting); default `certutil` on PATH. */
  certutil?: string;
  clientCertificateFor?(host: string, port: number): ClientCertificateInput | undefined;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
  /** Anchors already loaded (the language server keeps them); otherwise loaded during the probes. */
  anchors?: ConsumerAnchors;
  /** Told what reading the trust stores found wrong (an unreadable NODE_EXTRA_CA_CERTS, a broken bundle), when anything. */
  onTrustStoreWarnings?(warnings: readonly string[]): void;
  now?: Date;
}

export const DEFAULT_CONCURRENCY = 16;
/** After this long a probe is only waiting on the network and gives its slot to the next one. */
const SLOT_HOLD_MS = 50;

/**
 * Probe and judge every target. Verdicts come back in the order of `targets` (duplicates of the same
 * host:port are probed once). Throws ClientCertificateUnusableError, before any probe, when a configured client
 * certificate cannot be opened.
 */
export async function checkEndpoints(targets: CheckTarget[], options: CheckOptions): Promise<CheckedVerdict[]> {
  const unique = mergeTargets(targets);
  const clients = new Map<CheckTarget, { input: ClientCertificateInput; loaded: LoadedClientCertificate }>();
  for (const t of unique) {
    const input = t.clientCertificate ?? options.clientCertificateFor?.(t.host, t.port);
    if (input) clients.set(t, { input, loaded: openClientCertificate(input) });
  }
  // The probes start first: their connects are in flight while the trust stores are read (reading them
  // is synchronous file work), so a one-endpoint check costs little more than its handshake.
  const probing = runBounded(unique, options.concurrency ?? DEFAULT_CONCURRENCY, t => probeEndpoint({
    host: t.host, port: t.port, servername: t.servername, timeoutMs: options.timeoutMs,
    clientCertificate: clients.get(t)?.input,
    requestPath: t.requestPath ?? options.requestPath,
    forwardClientCertHeader: t.forwardClientCertHeader ?? options.forwardClientCertHeader,
  }));
  // Keep a failed probe run from being an unhandled rejection while the anchors load.
  probing.catch(() => undefined);
  // The trust stores and the clients' policies (an openssl.cnf read), while the servers answer.
  const readStores = async () => ({
    policies: clientPolicies(options.env, options.platform),
    anchors: options.anchors
      ?? await loadTrustAnchors({ env: options.env, homeDir: options.homeDir, platform: options.platform, certutil: options.certutil }),
  });
  // Reading the stores is synchronous file work: one turn of the event loop first, so connections that
  // are up send their first flight and the reading runs while the servers answer instead of before they are asked.
  const storesRead = options.anchors ? readStores() : new Promise(resolve => setImmediate(resolve)).then(readStores);
  // And a failed load while the probes run.
  storesRead.catch(() => undefined);
  const results = await probing;
  const { anchors, policies } = await storesRead;
  if (anchors.warnings.length) options.onTrustStoreWarnings?.(anchors.warnings);
  const byKey = new Map<string, CheckedVerdict>();
  unique.forEach((t, i) => {
    const source = t.sources?.find(s => s.file);
    const verdict: CheckedVerdict = judge(results[i], {
      anchors, policies, now: options.now, expiringSoonDays: options.expiringSoonDays, platform: options.platform,
      url: t.url ?? endpointUrl(t.host, t.port),
      source: source ? { file: source.file, line: source.line } : null,
      clientCertificate: clients.get(t)?.loaded,
    });
    const fileSources = t.sources?.filter(s => s.file) ?? [];
    if (fileSources.length) verdict.sources = fileSources;
    if (t.servername) verdict.servername = t.servername;
    servedChains.set(verdict, results[i].chain);
    byKey.set(targetKey(t), verdict);
  });
  return unique.map(t => byKey.get(targetKey(t))!);
}

const targetKey = (t: CheckTarget) => `${t.host.toLowerCase()}|${t.port}|${t.servername ?? ''}`;

function mergeTargets(targets: CheckTarget[]): CheckTarget[] {
  const out = new Map<string, CheckTarget>();
  for (const t of targets) {
    const k = targetKey(t);
    const prev = out.get(k);
    if (!prev) { out.set(k, { ...t, sources: [...(t.sources ?? [])] }); continue; }
    prev.sources!.push(...(t.sources ?? []));
    prev.url ??= t.url;
  }
  return [...out.values()];
}

/** Run `fn` over `items` with at most `limit` busy at once; a call stalled past SLOT_HOLD_MS frees its slot. */
function runBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const results = new Array<R>(items.length);
    if (items.length === 0) { resolve(results); return; }
    let next = 0;
    let busy = 0;
    let done = 0;
    const launch = () => {
      while (busy < Math.max(1, limit) && next < items.length) {
        const i = next++;
        busy++;
        let released = false;
        const release = () => { if (!released) { released = true; busy--; launch(); } };
        const hold = setTimeout(release, SLOT_HOLD_MS);
        fn(items[i]).then(r => {
          results[i] = r;
          clearTimeout(hold);
          release();
          if (++done === items.length) resolve(results);
        }, err => { clearTimeout(hold); reject(err); });
      }
    };
    launch();
  });
}

export interface ExplicitTargets {
  /** Hosts given with --host; default localhost when ports are given. */
  hosts?: string[];
  ports?: number[];
  servername?: string;
}

export interface PlannedTargets {
  targets: CheckTarget[];
  /** Declared endpoints on other hosts: listed, never probed unless passed explicitly. */
  notProbed: DeclaredEndpoint[];
}

/**
 * Which endpoints to probe: every loopback endpoint the discovery found, plus every explicit host ×
 * port. Loopback hosts (`localhost 127.0.0.1 [::1] 0.0.0.0 * +`) are probed on this machine with SNI
 * `localhost`; other declared hosts are reported in `notProbed`.
 */
export function targetsFrom(discovery: DiscoveryResult | undefined, explicit: ExplicitTargets = {}): PlannedTargets {
  const targets: CheckTarget[] = [];
  const notProbed: DeclaredEndpoint[] = [];
  for (const ep of discovery?.endpoints ?? []) {
    if (!(ep.loopback || isLoopbackHost(ep.host))) { notProbed.push(ep); continue; }
    targets.push({
      host: ep.host, port: ep.port, url: ep.url, sources: ep.sources,
      ...(explicit.servername ? { servername: explicit.servername } : {}),
    });
  }
  const ports = explicit.ports ?? [];
  const hosts = explicit.hosts?.length ? explicit.hosts : ports.length ? ['localhost'] : [];
  for (const host of hosts) {
    for (const port of ports) {
      targets.push({
        host, port, url: endpointUrl(host, port),
        sources: [{ kind: 'command-line', file: '', line: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
        ...(explicit.servername ? { servername: explicit.servername } : {}),
      });
    }
  }
  return { targets: dedupeLoopback(targets), notProbed };
}

/** `*`, `0.0.0.0`, `+` and `localhost` on the same port are one listener on this machine. */
function dedupeLoopback(targets: CheckTarget[]): CheckTarget[] {
  const wildcard = new Set(['*', '+', '0.0.0.0', '::', '[::]']);
  const out: CheckTarget[] = [];
  for (const t of targets) {
    const host = wildcard.has(t.host) ? 'localhost' : t.host;
    const same = out.find(o => o.port === t.port && o.host.toLowerCase() === host.toLowerCase() && o.servername === t.servername);
    if (same) { same.sources = [...(same.sources ?? []), ...(t.sources ?? [])]; continue; }
    out.push({ ...t, host, sources: [...(t.sources ?? [])] });
  }
  return out;
}

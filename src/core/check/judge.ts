/**
 * From what one handshake saw to the verdict a user reads: every problem that applies, not just the
 * first. Trust is decided per consumer (system, Node, browsers' NSS) by building a path from the served
 * chain to that consumer's anchors; `trusted` in the verdict is the system's answer.
 */
import { type AnchorSet, buildPath, findIncompleteChain, inspectCertificate, isWeakSignatureAlgorithm, type ParsedCertificate, type PathResult } from '../certs';
import * as os from 'node:os';
import { dotnetTrustFolderLine, type ConsumerAnchors } from '../trust';
import { diagnoseClientCertificate } from './clientCertificateFindings';
import type { HandshakeResult, LoadedClientCertificate, TransportFailure } from '../probe';
import { clientCertificateMessages, clientNames, consumerList, phrases, problemMessages as P, type Consumer } from './messages';
import { canonicalIp, dnsNameMatches, matchHostName } from './names';
import { type Problem, settleFixes } from './problems';
import type { EndpointVerdict } from './types';
import { type ClientId, type ClientPolicies, clientPolicies, PROTOCOL_VERSIONS, tlsServerRuleBreaks } from './clientPolicy';
import { DEFAULT_EXPIRING_SOON_DAYS } from './defaults';

export interface JudgeContext {
  anchors: ConsumerAnchors;
  /** Default: now. */
  now?: Date;
  /** `expiring-soon` threshold; default 14 days. */
  expiringSoonDays?: number;
  /** Default `https://host:port`. */
  url?: string;
  source?: { file: string; line: number } | null;
  /** For the consumer names in messages; default process.platform. */
  platform?: NodeJS.Platform;
  /** The client certificate that was presented, for its diagnosis. */
  clientCertificate?: LoadedClientCertificate;
  /** Each client's policy; default read from `env` (default process.env) and the platform. */
  policies?: ClientPolicies;
  env?: NodeJS.ProcessEnv;
}

/** The clients a verdict speaks for: the browsers only where their trust is known (an NSS database on Linux). */
function evaluatedClients(ctx: JudgeContext, platform: NodeJS.Platform): ClientId[] {
  return platform === 'linux' && !ctx.anchors.nss ? ['system', 'node'] : ['system', 'node', 'browsers'];
}

const DAY_MS = 86_400_000;
const MIN_RSA_BITS = 2048;

export function endpointUrl(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `https://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

function transportProblem(f: TransportFailure, r: HandshakeResult, timeoutHint: number, reasons: string[], label: string, clients: ClientId[], platform: NodeJS.Platform): Problem {
  switch (f.kind) {
    case 'oversized': return P.oversizedChain(f.detail, clientNames(clients, platform));
    case 'not-listening': return P.notListening(r.host, r.port, f.detail);
    case 'not-tls': return P.notTls(r.host, r.port, f.detail);
    case 'reset': return P.reset(r.host, r.port, f.detail);
    case 'timeout': return P.timeout(r.host, r.port, timeoutHint, f.detail);
    case 'client-cert-required': return P.clientCertRequired(r.acceptableIssuers);
    case 'client-cert-rejected': return P.clientCertRejected(label, f.detail, reasons);
    case 'handshake-failed': return P.handshakeFailed(r.host, r.port, f.detail);
  }
}

const ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

export function judge(result: HandshakeResult, ctx: JudgeContext): EndpointVerdict {
  const now = ctx.now ?? new Date();
  const platform = ctx.platform ?? process.platform;
  const clients = evaluatedClients(ctx, platform);
  const policies = ctx.policies ?? clientPolicies(ctx.env, platform);
  const applicationLevel = new Set<Problem>();
  const verdict: EndpointVerdict = {
    url: ctx.url ?? endpointUrl(result.host, result.port),
    host: result.host,
    port: result.port,
    source: ctx.source ?? null,
    trusted: false,
    trust: { system: false, node: false, ...(ctx.anchors.nss ? { nss: false } : {}) },
    problems: [],
    certificate: null,
    handshakeMs: result.handshakeMs,
    ...(result.protocol ? { protocol: result.protocol } : {}),
    ...(result.cipher ? { cipher: result.cipher } : {}),
    ...(result.alpn ? { alpn: result.alpn } : {}),
    ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    ...(result.failure ? { failure: result.failure } : {}),
    trustSources: ctx.anchors.sources,
  };
  const notes: string[] = [];

  // The client certificate first: its findings explain a rejection.
  let reasons: string[] = [];
  if (ctx.clientCertificate) {
    const report = diagnoseClientCertificate(ctx.clientCertificate, result, now);
    verdict.clientCertificate = report;
    reasons = report.findings.filter(f => f.code !== 'chain-not-sent' || result.failure?.kind === 'client-cert-rejected').map(f => f.message);
  }
  if (result.failure) {
    const timeout = result.failure.kind === 'timeout' ? Math.round(result.handshakeMs) : 0;
    verdict.problems.push({ ...transportProblem(result.failure, result, timeout, reasons, ctx.clientCertificate?.label ?? '', clients, platform), affects: clients });
  } else if (result.clientCertificateRequested && !ctx.clientCertificate && (result.httpStatus === 401 || result.httpStatus === 403)) {
    // Every client completes TLS (so each still `accepts`), then gets the refusal.
    const p = { ...P.clientCertRequiredByApplication(result.httpStatus, result.acceptableIssuers), affects: clients };
    applicationLevel.add(p);
    verdict.problems.push(p);
  } else if (result.clientCertificateRequested && !ctx.clientCertificate) {
    notes.push(result.httpStatus !== undefined
      ? `The server asks for a client certificate, optional: without one it answered HTTP ${result.httpStatus}.`
      : 'The server asks for a client certificate but does not require one at the TLS level; the application may still refuse requests without one.');
  }
  if (result.httpStatus !== undefined && ctx.clientCertificate) notes.push(clientCertificateMessages.http(result.httpStatus));
  if (result.httpError) notes.push(`HTTP request: ${result.httpError}`);

  const parsed: ParsedCertificate[] = [];
  let unreadable = false;
  for (const der of result.chain) {
    try { parsed.push(inspectCertificate(der)); } catch (err) {
      unreadable = true;
      notes.push(`The server sent a certificate that could not be read (${(err as Error).message}).`);
    }
  }
  if (!result.failure) judgeConnection(verdict, result, policies, clients, platform);
  if (unreadable && !result.failure) verdict.problems.push({ ...P.malformedCertificate('certificate', 'DER encoding'), affects: clients });
  if (parsed.length > 0) {
    const [leaf, ...rest] = parsed;
    verdict.certificate = leaf.summary;
    if (rest.length) verdict.chain = rest.map(c => c.summary);
    judgeCertificates(verdict, leaf, rest, result.servername, ctx, now, platform, policies, clients);
  }
  for (const p of verdict.problems) p.affects ??= [];
  const refusedBy = new Set(verdict.problems.filter(p => !applicationLevel.has(p)).flatMap(p => p.affects!));
  verdict.accepts = { system: !refusedBy.has('system'), node: !refusedBy.has('node'), ...(clients.includes('browsers') ? { browsers: !refusedBy.has('browsers') } : {}) };
  if (notes.length) verdict.notes = notes;
  verdict.problems.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  settleFixes(verdict.problems, verdict.certificate?.isCa === true);
  verdict.severity = verdict.problems.length === 0 ? 'ok' : verdict.problems[0].severity;
  return verdict;
}

/** Protocol and key exchange, per client: what the handshake negotiated against each client's minimums. */
function judgeConnection(verdict: EndpointVerdict, r: HandshakeResult, policies: ClientPolicies, clients: ClientId[], platform: NodeJS.Platform): void {
  const version = r.protocol ? PROTOCOL_VERSIONS[r.protocol] : undefined;
  const split = (refuses: (c: ClientId) => boolean) => ({ refusing: clients.filter(refuses), accepting: clients.filter(c => !refuses(c)) });
  if (version !== undefined) {
    // The probe offers every version up to TLS 1.3: the server chose its highest.
    const { refusing } = split(c => version < policies[c].minProtocol);
    if (refusing.length) verdict.problems.push({ ...P.legacyProtocol(r.protocol!, clientNames(refusing, platform)), affects: refusing });
  }
  // Suites no client enables by default: no encryption, no authentication, RC4, export grade.
  if (r.cipher && /(^|[-_])(NULL|ADH|AECDH|RC4|EXP)([-_]|$)/.test(r.cipher)) {
    verdict.problems.push({ ...P.weakKeyExchange(`only cipher suites no client enables (${r.cipher})`, clientNames(clients, platform), ''), affects: [...clients] });
    return;
  }
  const dhe = /(^|_)DHE_|^DHE-|^EDH-/.test(r.cipher ?? '') || r.keyExchange?.type === 'DH';
  if (dhe && version !== undefined && version < 0x0304) {
    const bits = r.keyExchange?.bits;
    const { refusing, accepting } = split(c => policies[c].minDhBits === 0 || (bits !== undefined && bits < policies[c].minDhBits));
    if (refusing.length) {
      const what = `only DHE key exchange (${r.cipher}${bits ? `, a ${bits}-bit DH group` : ''})`;
      verdict.problems.push({ ...P.weakKeyExchange(what, clientNames(refusing, platform), clientNames(accepting, platform)), affects: refusing });
    }
  }
}

function judgeCertificates(
  verdict: EndpointVerdict, leaf: ParsedCertificate, sent: ParsedCertificate[], servername: string,
  ctx: JudgeContext, now: Date, platform: NodeJS.Platform, policies: ClientPolicies, clients: ClientId[],
): void {
  const { anchors } = ctx;
  const problems = verdict.problems;
  const evaluate = (set: AnchorSet) => buildPath(leaf, sent, set, set.pool);
  const paths: Partial<Record<Consumer, PathResult>> = { system: evaluate(anchors.system), node: evaluate(anchors.node) };
  // The browsers trust the chain only if every database does; the first that does not speaks for them.
  const nssPaths = (anchors.nss ?? []).map(db => ({ db, path: evaluate(db.set) }));
  const nssFailing = nssPaths.filter(p => !p.path.trusted);
  if (nssPaths.length) paths.nss = (nssFailing[0] ?? nssPaths[0]).path;
  verdict.trust = { system: paths.system!.trusted, node: paths.node!.trusted, ...(paths.nss ? { nss: paths.nss.trusted } : {}) };
  verdict.trusted = verdict.trust.system;

  const consumers = Object.keys(paths) as Consumer[];
  const failing = consumerList(consumers.filter(c => !paths[c]!.trusted), platform);
  const trustOf = (c: ClientId) => c === 'browsers' ? (paths.nss ?? paths.system)!.trusted : paths[c]!.trusted;
  const untrusting = clients.filter(c => !trustOf(c));
  const all = clients;
  const push = (p: Problem, affects: ClientId[]) => { problems.push({ ...p, affects }); };
  const trustedBy = consumerList(consumers.filter(c => paths[c]!.trusted), platform);
  const system = paths.system!;

  // -- trust (not for a certificate clients cannot parse: that is its one problem) ------------------
  const unreadableLeaf = (leaf.malformedExtensions?.length ?? 0) > 0;
  if (unreadableLeaf) { /* malformed-certificate below */ } else if (!system.trusted) {
    const evidence = findIncompleteChain(system, sent, anchors.system, anchors.knownIntermediates);
    // dotnet dev-certs trusted it for OpenSSL already; only SSL_CERT_DIR is missing (Linux).
    const dotnetLine = platform === 'linux' && leaf.summary.isAspNetCoreDevCert
      ? dotnetTrustFolderLine(leaf.summary.sha1, ctx.env ?? process.env, (ctx.env ?? process.env).HOME ?? os.homedir()) : undefined;
    if (dotnetLine) verdict.sslCertDirFix = dotnetLine;
    if (leaf.summary.selfSigned) {
      const p = P.selfSigned(leaf.summary.subject, failing, trustedBy);
      push(dotnetLine ? { ...p, message: `${p.message} ${P.dotnetTrustFolder(dotnetLine)}` } : p, untrusting);
    } else if (evidence) {
      const missing = evidence.kind === 'pool' ? evidence.missing.map(c => c.summary.subject).join(', ') : evidence.missingIssuer;
      const why = evidence.kind === 'gap' ? phrases.incompleteGap(evidence.trustedFrom.summary.subject)
        : phrases.incompletePool('the system store or the NSS database');
      push(P.incompleteChain(missing, sent.length + 1, why, failing, false), untrusting);
    } else {
      const root = system.end === 'untrusted-root' ? system.path[system.path.length - 1].summary.subject
        : system.path[system.path.length - 1].summary.issuer;
      push(P.unknownIssuer(root, failing, trustedBy, system.end === 'untrusted-root'), untrusting);
    }
  } else {
    if (system.fromPool.length > 0) {
      // Works here only: OpenSSL completes the chain from the local store; Node (which does not read it) fails.
      push(P.incompleteChain(system.fromPool.map(c => c.summary.subject).join(', '), sent.length + 1,
        phrases.incompletePool('the system store'), failing, true), untrusting);
    }
    if (!paths.node!.trusted) push(P.untrustedByNode(), ['node']);
    if (nssFailing.length) push(P.untrustedByBrowsers(nssFailing.map(p => p.db.label)), clients.includes('browsers') ? ['browsers'] : []);
  }

  // -- dates: the leaf, and intermediates the server sent --------------------------------------
  const dated = [leaf, ...sent.filter(c => !c.summary.selfSigned)];
  const expired = dated.find(c => c.notAfter.getTime() < now.getTime());
  if (expired) {
    push(P.expired(expired.summary.notAfter, Math.max(1, Math.floor((now.getTime() - expired.notAfter.getTime()) / DAY_MS)), which(expired, leaf)), all);
  }
  const early = dated.find(c => c.notBefore.getTime() > now.getTime());
  if (early) push(P.notYetValid(early.summary.notBefore, which(early, leaf)), all);
  const soonDays = ctx.expiringSoonDays ?? DEFAULT_EXPIRING_SOON_DAYS;
  const left = leaf.notAfter.getTime() - now.getTime();
  if (!expired && left >= 0 && left < soonDays * DAY_MS) push(P.expiringSoon(leaf.summary.notAfter, Math.floor(left / DAY_MS)), []);

  // -- encoding: an extension clients cannot parse makes them refuse the certificate ----------------
  const malformed = [leaf, ...sent].find(c => c.malformedExtensions?.length);
  if (malformed) push(P.malformedCertificate(which(malformed, leaf), malformed.malformedExtensions!.join(', ')), all);

  // -- name: browsers read only the SAN; the others fall back to the CN when there is no DNS SAN ------
  const cns = leaf.subjectAttributes.filter(a => a.type === 'CN').map(a => a.value);
  const match = matchHostName(servername, leaf, cns);
  if (!match.matches && !leaf.malformedExtensions?.includes('subjectAltName')) {
    const byCn = leaf.dnsNames.length === 0 && canonicalIp(servername) === undefined && cns.some(cn => dnsNameMatches(cn, servername));
    const refusing = clients.filter(c => !(byCn && policies[c].cnFallback));
    const accepting = clients.filter(c => !refusing.includes(c));
    if (byCn) push(P.nameOnlyInCommonName(servername, cns.find(cn => dnsNameMatches(cn, servername))!, clientNames(refusing, platform), clientNames(accepting, platform)), refusing);
    else push(P.nameMismatch(servername, leaf.summary.san, match.onlyInCommonName, cns[0]), all);
  }

  // -- algorithms: the leaf and intermediates; a self-signed root's own signature is never checked ---
  const checked = [leaf, ...sent.filter(c => !c.summary.selfSigned)];
  for (const path of Object.values(paths)) for (const c of path!.path) if (!c.summary.selfSigned && !checked.includes(c)) checked.push(c);
  const weakSig = checked.find(c => isWeakSignatureAlgorithm(c.summary.signatureAlgorithm));
  if (weakSig) push(P.weakSignature(which(weakSig, leaf), weakSig.summary.signatureAlgorithm), all);
  const weakKey = checked.find(c => /^rsa/.test(c.summary.keyType) && (c.summary.keySize ?? MIN_RSA_BITS) < MIN_RSA_BITS);
  if (weakKey) {
    const bits = weakKey.summary.keySize!;
    const refusing = clients.filter(c => bits < policies[c].minRsaBits);
    push(P.weakKey(which(weakKey, leaf), bits, clientNames(refusing, platform), clientNames(clients.filter(c => !refusing.includes(c)), platform)), refusing);
  }

  // -- the platform verifier's own rules for server certificates (Apple's on macOS): no trust lifts them ------
  const ruleBreaks = (c: ClientId) => tlsServerRuleBreaks(leaf.summary, policies[c].tlsServerRules);
  const refusedByRules = clients.filter(c => ruleBreaks(c).length > 0);
  if (refusedByRules.length) push(P.platformRules(ruleBreaks(refusedByRules[0]), clientNames(refusedByRules, platform)), refusedByRules);
}

function which(c: ParsedCertificate, leaf: ParsedCertificate): string {
  return c === leaf ? 'certificate' : `intermediate certificate ${c.summary.subject}`;
}

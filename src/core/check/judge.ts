/**
 * From what one handshake saw to the verdict a user reads: every problem that applies, not just the
 * first. Trust is decided per consumer (system, Node, browsers' NSS) by building a path from the served
 * chain to that consumer's anchors; `trusted` in the verdict is the system's answer.
 */
import { type AnchorSet, buildPath, findIncompleteChain, inspectCertificate, isWeakSignatureAlgorithm, type ParsedCertificate, type PathResult } from '../certs';
import type { ConsumerAnchors } from '../trust';
import { diagnoseClientCertificate } from './clientCertificateFindings';
import type { HandshakeResult, LoadedClientCertificate, TransportFailure } from '../probe';
import { clientCertificateMessages, consumerList, phrases, problemMessages as P, type Consumer } from './messages';
import { matchHostName } from './names';
import { type Problem, settleFixes } from './problems';
import type { EndpointVerdict } from './types';
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
}

const DAY_MS = 86_400_000;
const MIN_RSA_BITS = 2048;

export function endpointUrl(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `https://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

function transportProblem(f: TransportFailure, r: HandshakeResult, timeoutHint: number, reasons: string[], label: string): Problem {
  switch (f.kind) {
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
    verdict.problems.push(transportProblem(result.failure, result, timeout, reasons, ctx.clientCertificate?.label ?? ''));
  } else if (result.clientCertificateRequested && !ctx.clientCertificate && (result.httpStatus === 401 || result.httpStatus === 403)) {
    verdict.problems.push(P.clientCertRequiredByApplication(result.httpStatus, result.acceptableIssuers));
  } else if (result.clientCertificateRequested && !ctx.clientCertificate) {
    notes.push('The server asks for a client certificate but does not require one at the TLS level; the application may still refuse requests without one.');
  }
  if (result.httpStatus !== undefined && ctx.clientCertificate) notes.push(clientCertificateMessages.http(result.httpStatus));
  if (result.httpError) notes.push(`HTTP request: ${result.httpError}`);

  const parsed: ParsedCertificate[] = [];
  for (const der of result.chain) {
    try { parsed.push(inspectCertificate(der)); } catch (err) {
      notes.push(`The server sent a certificate that could not be read (${(err as Error).message}).`);
    }
  }
  if (parsed.length > 0) {
    const [leaf, ...rest] = parsed;
    verdict.certificate = leaf.summary;
    if (rest.length) verdict.chain = rest.map(c => c.summary);
    judgeCertificates(verdict, leaf, rest, result.servername, ctx, now, platform);
  }
  if (notes.length) verdict.notes = notes;
  verdict.problems.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  settleFixes(verdict.problems, verdict.certificate?.isCa === true);
  verdict.severity = verdict.problems.length === 0 ? 'ok' : verdict.problems[0].severity;
  return verdict;
}

function judgeCertificates(
  verdict: EndpointVerdict, leaf: ParsedCertificate, sent: ParsedCertificate[], servername: string,
  ctx: JudgeContext, now: Date, platform: NodeJS.Platform,
): void {
  const { anchors } = ctx;
  const problems = verdict.problems;
  const evaluate = (set: AnchorSet) => buildPath(leaf, sent, set, set.intermediates);
  const paths: Partial<Record<Consumer, PathResult>> = { system: evaluate(anchors.system), node: evaluate(anchors.node) };
  // The browsers trust the chain only if every database does; the first that does not speaks for them.
  const nssPaths = (anchors.nss ?? []).map(db => ({ db, path: evaluate(db.set) }));
  const nssFailing = nssPaths.filter(p => !p.path.trusted);
  if (nssPaths.length) paths.nss = (nssFailing[0] ?? nssPaths[0]).path;
  verdict.trust = { system: paths.system!.trusted, node: paths.node!.trusted, ...(paths.nss ? { nss: paths.nss.trusted } : {}) };
  verdict.trusted = verdict.trust.system;

  const consumers = Object.keys(paths) as Consumer[];
  const failing = consumerList(consumers.filter(c => !paths[c]!.trusted), platform);
  const trustedBy = consumerList(consumers.filter(c => paths[c]!.trusted), platform);
  const system = paths.system!;

  // -- trust ----------------------------------------------------------------------------------
  if (!system.trusted) {
    const evidence = findIncompleteChain(system, sent, anchors.system, anchors.knownIntermediates, anchors.isPublicRoot);
    if (leaf.summary.selfSigned) {
      problems.push(P.selfSigned(leaf.summary.subject, failing, trustedBy));
    } else if (evidence) {
      const last = system.path[system.path.length - 1];
      const missing = evidence.kind === 'pool' ? evidence.missing.map(c => c.summary.subject).join(', ') : last.summary.issuer;
      const why = evidence.kind === 'gap' ? phrases.incompleteGap(evidence.trustedFrom.summary.subject)
        : evidence.kind === 'pool' ? phrases.incompletePool('the system store or the NSS database')
          : phrases.incompleteOrganisation(evidence.anchor.summary.subject);
      problems.push(P.incompleteChain(missing, sent.length + 1, why, failing, evidence.kind === 'organisation', false));
    } else {
      const root = system.end === 'untrusted-root' ? system.path[system.path.length - 1].summary.subject
        : system.path[system.path.length - 1].summary.issuer;
      problems.push(P.unknownIssuer(root, failing, trustedBy, system.end === 'untrusted-root'));
    }
  } else {
    if (system.fromPool.length > 0) {
      problems.push(P.incompleteChain(system.fromPool.map(c => c.summary.subject).join(', '), sent.length + 1,
        phrases.incompletePool('the system store'), failing, false, true));
    }
    if (!paths.node!.trusted) problems.push(P.untrustedByNode());
    if (nssFailing.length) problems.push(P.untrustedByBrowsers(nssFailing.map(p => p.db.label)));
  }

  // -- dates: the leaf, and intermediates the server sent --------------------------------------
  const dated = [leaf, ...sent.filter(c => !c.summary.selfSigned)];
  const expired = dated.find(c => c.notAfter.getTime() < now.getTime());
  if (expired) {
    problems.push(P.expired(expired.summary.notAfter, Math.max(1, Math.floor((now.getTime() - expired.notAfter.getTime()) / DAY_MS)), which(expired, leaf)));
  }
  const early = dated.find(c => c.notBefore.getTime() > now.getTime());
  if (early) problems.push(P.notYetValid(early.summary.notBefore, which(early, leaf)));
  const soonDays = ctx.expiringSoonDays ?? DEFAULT_EXPIRING_SOON_DAYS;
  const left = leaf.notAfter.getTime() - now.getTime();
  if (!expired && left >= 0 && left < soonDays * DAY_MS) problems.push(P.expiringSoon(leaf.summary.notAfter, Math.floor(left / DAY_MS)));

  // -- name -----------------------------------------------------------------------------------
  const cns = leaf.subjectAttributes.filter(a => a.type === 'CN').map(a => a.value);
  const match = matchHostName(servername, leaf, cns);
  if (!match.matches) problems.push(P.nameMismatch(servername, leaf.summary.san, match.onlyInCommonName, cns[0]));

  // -- algorithms: the leaf and intermediates; a self-signed root's own signature is never checked ---
  const checked = [leaf, ...sent.filter(c => !c.summary.selfSigned)];
  for (const path of Object.values(paths)) for (const c of path!.path) if (!c.summary.selfSigned && !checked.includes(c)) checked.push(c);
  const weakSig = checked.find(c => isWeakSignatureAlgorithm(c.summary.signatureAlgorithm));
  if (weakSig) problems.push(P.weakSignature(which(weakSig, leaf), weakSig.summary.signatureAlgorithm));
  const weakKey = checked.find(c => /^rsa/.test(c.summary.keyType) && (c.summary.keySize ?? MIN_RSA_BITS) < MIN_RSA_BITS);
  if (weakKey) problems.push(P.weakKey(which(weakKey, leaf), weakKey.summary.keySize!));
}

function which(c: ParsedCertificate, leaf: ParsedCertificate): string {
  return c === leaf ? 'certificate' : `intermediate certificate ${c.summary.subject}`;
}

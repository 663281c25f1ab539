/**
 * Path building, done here rather than inside the handshake: the probe must see every certificate,
 * and each consumer (system, Node, browsers) trusts a different set of anchors, so one served chain
 * is evaluated once per anchor set. A link holds when the names match, OpenSSL's issuer check passes
 * (names, key identifiers, key usage) and the issuer's key verifies the signature. A certificate is
 * an anchor when an anchor with the same subject and the same public key is in the set (a re-issued
 * root with the same key is the same anchor).
 */
import { CertificateIndex, type CertificateSource } from './certificateIndex';
import type { ParsedCertificate, PeekedCertificate } from './parse';

const MAX_DEPTH = 8;

const nameKey = (c: ParsedCertificate, which: 'subject' | 'issuer') => c.summary[which].toLowerCase();

/** Known CA certificates path building may take an issuer from: a list, or an index parsed on demand. */
export type CertificatePool = readonly ParsedCertificate[] | CertificateIndex;

/** The pool's certificates that may have issued `cert` (by name; issuedBy decides). */
function poolCandidates(pool: CertificatePool, cert: ParsedCertificate): readonly ParsedCertificate[] {
  return pool instanceof CertificateIndex ? pool.withSubject(nameKey(cert, 'issuer'), cert.issuerDer) : pool;
}

/** A set of trusted certificates, indexed for issuer lookup; only the certificates a lookup names are parsed. */
export class AnchorSet {
  private readonly anchors: CertificateIndex;
  /**
   * CA certificates the consumer holds but does not trust on their own: OpenSSL, NSS and Windows all
   * use them to complete a chain a server sent without its intermediate.
   */
  readonly pool: CertificateIndex;

  /** @param sources hashed directories: their self-signed certificates are anchors, the others the pool. */
  constructor(
    certificates: readonly (ParsedCertificate | PeekedCertificate)[], readonly label = 'anchors',
    intermediates: readonly (ParsedCertificate | PeekedCertificate)[] = [], sources: readonly CertificateSource[] = [],
  ) {
    this.anchors = new CertificateIndex(certificates, sources, c => c.selfSigned);
    this.pool = new CertificateIndex(intermediates, sources, c => !c.selfSigned);
  }

  /** Anchors known without a lookup by name (a hashed directory's join when a chain names them). */
  get size(): number { return this.anchors.size; }

  /** Every anchor, parsed (for listing and tests; path building never needs all of them). */
  get certificates(): ParsedCertificate[] { return this.anchors.list(); }

  /** Every intermediate of the pool, parsed (for listing and tests). */
  get intermediates(): ParsedCertificate[] { return this.pool.list(); }

  /** Is `cert` itself in the set (same subject and key)? */
  contains(cert: ParsedCertificate): boolean {
    return this.anchors.hasSubjectKey(nameKey(cert, 'subject'), cert.subjectDer, cert.spki);
  }

  /** Anchors that issued `cert`. */
  issuersOf(cert: ParsedCertificate): ParsedCertificate[] {
    return this.anchors.withSubject(nameKey(cert, 'issuer'), cert.issuerDer).filter(a => issuedBy(cert, a));
  }
}

/**
 * Answers already found, by certificate object (parse.ts hands out one object per DER): each client's
 * path is built over the same certificates, and the language server re-checks the same endpoints, so a
 * signature is verified once rather than once per client and check.
 */
const issuedByAnswers = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, boolean>>();

/** Did `issuer` sign `child`? */
export function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (nameKey(child, 'issuer') !== nameKey(issuer, 'subject')) return false;
  let answers = issuedByAnswers.get(child);
  let answer = answers?.get(issuer);
  if (answer === undefined) {
    try { answer = child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey); } catch { answer = false; }
    if (!answers) issuedByAnswers.set(child, answers = new WeakMap());
    answers.set(issuer, answer);
  }
  return answer;
}

export type PathEnd =
  /** Reached a trusted anchor. */
  | 'anchor'
  /** Ended at a self-signed certificate that is not trusted. */
  | 'untrusted-root'
  /** The last certificate's issuer is nowhere: not sent, not in the pool, not an anchor. */
  | 'issuer-not-found';

export interface PathResult {
  trusted: boolean;
  end: PathEnd;
  /** Leaf first; includes the anchor when trusted (the anchor may be the last certificate sent). */
  path: ParsedCertificate[];
  anchor?: ParsedCertificate;
  /** Intermediates that the server did not send but were taken from the local pool. */
  fromPool: ParsedCertificate[];
}

/**
 * Build the best path from `leaf` through `sent` (and `pool`, known intermediates the server may have
 * omitted) to an anchor in `anchors`. Prefers a trusted path; otherwise reports the longest one.
 */
export function buildPath(
  leaf: ParsedCertificate, sent: readonly ParsedCertificate[], anchors: AnchorSet,
  pool: CertificatePool = [],
): PathResult {
  let best: PathResult | undefined;
  const visit = (path: ParsedCertificate[], fromPool: ParsedCertificate[]): PathResult | undefined => {
    const cert = path[path.length - 1];
    if (anchors.contains(cert)) return { trusted: true, end: 'anchor', path, anchor: cert, fromPool };
    const anchor = anchors.issuersOf(cert)[0];
    if (anchor) return { trusted: true, end: 'anchor', path: [...path, anchor], anchor, fromPool };
    const selfSigned = cert.summary.selfSigned;
    const consider = (r: PathResult) => {
      if (!best || r.path.length > best.path.length || (r.end === 'untrusted-root' && best.end !== 'untrusted-root')) best = r;
    };
    if (selfSigned || path.length >= MAX_DEPTH) {
      consider({ trusted: false, end: selfSigned ? 'untrusted-root' : 'issuer-not-found', path, fromPool });
      return undefined;
    }
    const inPath = (c: ParsedCertificate) => path.some(p => p.summary.sha256 === c.summary.sha256);
    const candidates: [ParsedCertificate, boolean][] = [
      ...sent.filter(c => !inPath(c) && issuedBy(cert, c)).map(c => [c, false] as [ParsedCertificate, boolean]),
      ...poolCandidates(pool, cert).filter(c => !inPath(c) && !sent.some(s => s.summary.sha256 === c.summary.sha256) && issuedBy(cert, c))
        .map(c => [c, true] as [ParsedCertificate, boolean]),
    ];
    for (const [next, isPool] of candidates) {
      const r = visit([...path, next], isPool ? [...fromPool, next] : fromPool);
      if (r) return r;
    }
    if (candidates.length === 0) consider({ trusted: false, end: 'issuer-not-found', path, fromPool });
    return undefined;
  };
  return visit([leaf], []) ?? best ?? { trusted: false, end: 'issuer-not-found', path: [leaf], fromPool: [] };
}

/**
 * Why the chain a server sent is not enough, when a trusted path exists with help — only evidence that
 * was actually found (never a guess from names: an unknown root may share an organisation with a trusted one).
 */
export type IncompleteChainEvidence =
  /** A later certificate the server sent chains to an anchor, but the one in between is missing. */
  | { kind: 'gap'; missingIssuer: string; trustedFrom: ParsedCertificate }
  /** The missing intermediate is known locally (system bundle / NSS) and completes a trusted path. */
  | { kind: 'pool'; missing: ParsedCertificate[] };

/** The server's chain failed against `anchors` with 'issuer-not-found': is it because an intermediate was not sent? */
export function findIncompleteChain(
  failed: PathResult, sent: readonly ParsedCertificate[], anchors: AnchorSet, pool: CertificatePool,
): IncompleteChainEvidence | undefined {
  if (failed.trusted || failed.end !== 'issuer-not-found') return undefined;
  const last = failed.path[failed.path.length - 1];
  const onPath = new Set(failed.path.map(c => c.summary.sha256));
  for (const other of sent) {
    if (onPath.has(other.summary.sha256)) continue;
    if (buildPath(other, sent, anchors).trusted) return { kind: 'gap', missingIssuer: last.summary.issuer, trustedFrom: other };
  }
  const withPool = buildPath(failed.path[0], sent, anchors, pool);
  if (withPool.trusted && withPool.fromPool.length > 0) return { kind: 'pool', missing: withPool.fromPool };
  return undefined;
}

/**
 * Certificates by subject, parsed only when asked for. A trust store holds hundreds of certificates
 * and a chain needs the one or two whose subject is its issuer's name: building X509Certificate
 * objects for all of them was most of a one-endpoint check. Entries come in peeked (peekCertificate:
 * subject, self-signed, key, no X509Certificate) or already parsed, or from sources asked per name
 * (a hashed directory, which OpenSSL too reads only under the name it looks for).
 */
import { inspectCertificate, type ParsedCertificate, type PeekedCertificate } from './parse';

/** Certificates found by name on demand: `find` those filed under a DER Name, `all` for listing. */
export interface CertificateSource {
  find(nameDer: Buffer): PeekedCertificate[];
  all(): PeekedCertificate[];
}

interface Entry { peeked: PeekedCertificate; parsed?: ParsedCertificate | null }

const isParsed = (c: PeekedCertificate | ParsedCertificate): c is ParsedCertificate => 'x509' in c;

function entryOf(c: PeekedCertificate | ParsedCertificate): Entry {
  if (!isParsed(c)) return { peeked: c };
  const peeked = { der: c.der, sha256: c.summary.sha256, subjectKey: c.summary.subject.toLowerCase(), selfSigned: c.summary.selfSigned, spki: c.spki };
  return { peeked, parsed: c };
}

export class CertificateIndex {
  private readonly bySubject = new Map<string, Entry[]>();
  private readonly entries: Entry[] = [];
  private readonly seen = new Set<string>();
  /** Names already asked of the sources: each is asked once per index. */
  private readonly asked = new Set<string>();

  /**
   * Duplicates (same DER) are kept once. `sources` are asked when a name is looked up; `keep` says
   * which of their certificates belong here (a store's directory holds anchors and intermediates).
   */
  constructor(
    certificates: readonly (PeekedCertificate | ParsedCertificate)[] = [],
    private readonly sources: readonly CertificateSource[] = [],
    private readonly keep: (c: PeekedCertificate) => boolean = () => true,
  ) {
    for (const c of certificates) this.add(entryOf(c));
  }

  private add(e: Entry): void {
    if (this.seen.has(e.peeked.sha256)) return;
    this.seen.add(e.peeked.sha256);
    this.entries.push(e);
    const list = this.bySubject.get(e.peeked.subjectKey);
    if (list) list.push(e); else this.bySubject.set(e.peeked.subjectKey, [e]);
  }

  /** How many are known without asking the sources by name (those given, plus those found so far). */
  get size(): number { return this.entries.length; }

  /** Certificates whose subject is `name` (its lower-cased one-line form; `nameDer` for the sources), parsed now if not yet. */
  withSubject(name: string, nameDer?: Buffer): ParsedCertificate[] {
    return parsedOf(this.filedUnder(name, nameDer));
  }

  /** Is a certificate with subject `name` and this public key here? Answered from what peeking read: nothing is parsed. */
  hasSubjectKey(name: string, nameDer: Buffer | undefined, spki: Buffer): boolean {
    return this.filedUnder(name, nameDer).some(e => e.peeked.spki.equals(spki));
  }

  private filedUnder(name: string, nameDer: Buffer | undefined): Entry[] {
    if (nameDer && this.sources.length && !this.asked.has(name)) {
      this.asked.add(name);
      for (const s of this.sources) for (const c of s.find(nameDer)) if (this.keep(c)) this.add({ peeked: c });
    }
    return this.bySubject.get(name) ?? [];
  }

  /** Every certificate, the sources' too, parsed: for listing, never on a check's path. */
  list(): ParsedCertificate[] {
    for (const s of this.sources) for (const c of s.all()) if (this.keep(c)) this.add({ peeked: c });
    return parsedOf(this.entries);
  }
}

/** Parsed as a store's certificates are ('key-id'); one that Node cannot read is left out, as before. */
function parsedOf(entries: Entry[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const e of entries) {
    if (e.parsed === undefined) {
      try { e.parsed = inspectCertificate(e.peeked.der, { selfSigned: 'key-id' }); } catch { e.parsed = null; }
    }
    if (e.parsed) out.push(e.parsed);
  }
  return out;
}

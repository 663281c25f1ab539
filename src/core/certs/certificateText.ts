/**
 * A certificate file (a PEM bundle, or one DER certificate) whose certificates are found by the bytes
 * they contain, without decoding the others. A trust store's bundle holds ~150 certificates and a check
 * needs the one or two whose subject is its chain's issuer name: decoding and peeking every block was
 * most of a one-endpoint check's own time.
 *
 * Base64 turns every 3 bytes into 4 characters regardless of the bytes around them, so a DER name inside
 * a certificate shows in the PEM text as the base64 of that name read from one of three starting
 * offsets. Those three strings are searched for in the text with its line breaks removed; each block
 * that contains one is decoded and peeked, and the caller keeps the ones whose subject it asked for
 * (a hit may be the name as an issuer, or a coincidence). Names are compared as DER bytes, as RFC 5280
 * asks CAs to encode them; an issuer name written differently from its CA's subject is not found here.
 */
import { CertParseError, certificatesIn, peekCertificate, type PeekedCertificate } from './parse';
import type { CertificateSource } from './certificateIndex';

/** The labels OpenSSL reads as certificates (the same set `pemToDer` accepts). */
const CERTIFICATE_LABEL = /^-----BEGIN(?:TRUSTED|X509)?CERTIFICATE-----$/;
const BEGIN = '-----BEGIN';
const END = '-----END';
/** Shorter needles would match by chance too often to be worth searching: such names are looked up in every block. */
const MIN_NEEDLE = 8;
/** Distinct names remembered per file; a long-running server meets few, the cap only bounds memory. */
const MAX_ANSWERS = 1000;

export class CertificateText implements CertificateSource {
  /** The PEM text with every whitespace character removed (built on the first search). */
  private flat?: string;
  /** Blocks already decoded, by the offset of their BEGIN line in `flat` (null: not a certificate we can read). */
  private readonly decoded = new Map<number, PeekedCertificate | null>();
  private everything?: PeekedCertificate[];
  /** Answers already given, by the bytes searched for: a store file is kept across checks, and its issuers repeat. */
  private readonly answers = new Map<string, PeekedCertificate[]>();

  /**
   * @param data the file's bytes, or PEM text already in memory (Node's bundled roots)
   * @param onUnreadable told about a certificate block that cannot be read, once per block
   */
  constructor(private readonly data: Buffer | string, private readonly onUnreadable: (message: string) => void = () => undefined) {}

  /**
   * Make the searchable text now rather than on the first search: a check reads the stores while its
   * connections wait for the servers, so this work is done while it would otherwise wait.
   */
  prepare(): this {
    this.flatText();
    return this;
  }


  /** Every certificate, peeked: for listing, never on a check's path. */
  all(): PeekedCertificate[] {
    if (!this.everything) {
      this.everything = [];
      let ders: Buffer[];
      try { ders = certificatesIn(this.data); } catch { ders = []; }
      for (const der of ders) {
        const c = this.peek(der);
        if (c) this.everything.push(c);
      }
    }
    return this.everything;
  }

  /** Certificates whose DER contains `bytes`: for a DER name, a superset of those with that subject. */
  find(bytes: Buffer): PeekedCertificate[] {
    const key = bytes.toString('latin1');
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.search(bytes);
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(key, answer);
    }
    return answer;
  }

  /** One DER certificate (a SEQUENCE), not PEM text. */
  private get isDer(): boolean { return typeof this.data !== 'string' && this.data.length > 0 && this.data[0] === 0x30; }

  private search(bytes: Buffer): PeekedCertificate[] {
    if (this.isDer) return this.all().filter(c => c.der.includes(bytes));
    const needles = [0, 1, 2].map(shift => {
      const usable = bytes.length - shift - ((bytes.length - shift) % 3);
      return usable > 0 ? bytes.subarray(shift, shift + usable).toString('base64') : '';
    });
    if (needles.some(n => n.length < MIN_NEEDLE)) return this.all().filter(c => c.der.includes(bytes));
    const flat = this.flatText();
    const blocks = new Set<number>();
    for (const needle of needles) {
      for (let at = flat.indexOf(needle); at >= 0; at = flat.indexOf(needle, at + 1)) {
        const begin = flat.lastIndexOf(BEGIN, at);
        if (begin >= 0) blocks.add(begin);
      }
    }
    const out: PeekedCertificate[] = [];
    for (const begin of blocks) {
      const c = this.blockAt(begin);
      if (c && c.der.includes(bytes)) out.push(c);
    }
    return out;
  }

  /** The PEM text with its whitespace removed ('' for a DER file, which is never searched as text). */
  private flatText(): string {
    this.flat ??= this.isDer ? '' : withoutWhitespace(typeof this.data === 'string' ? this.data : this.data.toString('latin1'));
    return this.flat;
  }

  private blockAt(begin: number): PeekedCertificate | null {
    const known = this.decoded.get(begin);
    if (known !== undefined) return known;
    let got: PeekedCertificate | null = null;
    const flat = this.flat!;
    const headerEnd = flat.indexOf('-----', begin + BEGIN.length);
    const end = flat.indexOf(END, headerEnd + 5);
    if (headerEnd >= 0 && end >= 0 && CERTIFICATE_LABEL.test(flat.slice(begin, headerEnd + 5))) {
      got = this.peek(Buffer.from(flat.slice(headerEnd + 5, end), 'base64'));
    }
    this.decoded.set(begin, got);
    return got;
  }

  private peek(der: Buffer): PeekedCertificate | null {
    try { return peekCertificate(der); } catch (err) {
      if (!(err instanceof CertParseError)) throw err;
      this.onUnreadable(`skipped a certificate that could not be read (${err.message})`);
      return null;
    }
  }
}

/**
 * `text` without whitespace. A PEM bundle's whitespace is line breaks and the spaces of its BEGIN/END
 * lines: removing those characters one by one is a plain string search, ~8× faster than `/\s+/g` on a
 * 200 KB bundle (a millisecond of a one-endpoint check); any other whitespace takes the regular expression.
 */
function withoutWhitespace(text: string): string {
  const common = text.replaceAll('\n', '').replaceAll(' ', '').replaceAll('\r', '');
  return /\s/.test(common) ? common.replace(/\s+/g, '') : common;
}

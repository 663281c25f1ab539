/**
 * X.509 certificates as this project sees them: DER/PEM in, `CertificateSummary` out. Node's
 * X509Certificate does the cryptography (issuer checks, signatures, key details); a small DER reader
 * here covers what Node does not expose (the signature algorithm, SANs as raw names, the ASP.NET Core
 * marker extension, names in a stable one-line form).
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateSummary } from './types';
import { thumbprint } from './encoding';
import { CertParseError, children, readTlv, valueOf as value, wholeOf as whole, type Tlv } from './der';

// The DER reader lives in der.ts; CertParseError is re-exported because callers know it from here.
export { CertParseError };

/** An OBJECT IDENTIFIER's content bytes (no tag, no length) in dotted form. */
export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new CertParseError('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (const b of bytes) {
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) { parts.push(acc); acc = 0; }
  }
  const first = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

function decodeString(tag: number, bytes: Buffer): string {
  if (tag === 30) { // BMPString: UCS-2 big-endian
    const swapped = Buffer.from(bytes);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return tag === 12 ? bytes.toString('utf8') : bytes.toString('latin1');
}

function decodeTime(tag: number, bytes: Buffer): Date {
  const s = bytes.toString('latin1');
  // UTCTime YYMMDDHHMMSSZ (years 50-99 are 19xx), GeneralizedTime YYYYMMDDHHMMSSZ.
  const m = tag === 23 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
  if (!m) throw new CertParseError(`unsupported time ${s}`);
  let year = Number(m[1]);
  if (tag === 23) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}

// ---------------------------------------------------------------------------------------------
// Names

const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER', '2.5.4.9': 'STREET', '2.5.4.17': 'PostalCode', '2.5.4.4': 'SN',
  '2.5.4.42': 'G', '2.5.4.12': 'T', '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
};

export interface NameAttribute { type: string; value: string }

/** The attributes of a DER Name, in DER order (most general first). */
export function nameAttributes(nameDer: Buffer): NameAttribute[] {
  const top = readTlv(nameDer, 0);
  const out: NameAttribute[] = [];
  for (const rdn of children(nameDer, top)) {
    for (const atv of children(nameDer, rdn)) {
      const [oidT, valT] = children(nameDer, atv);
      if (!oidT || !valT) throw new CertParseError('bad name attribute');
      const oid = decodeOid(value(nameDer, oidT));
      out.push({ type: NAME_ATTRIBUTES[oid] ?? oid, value: decodeString(valT.tag, value(nameDer, valT)) });
    }
  }
  return out;
}

/**
 * A DER Name as one line, most specific first (`CN=localhost, O=Example`), the way Windows and .NET
 * print it. The same function formats certificate names and a CertificateRequest's issuer list, so
 * the two compare as strings.
 */
export function formatName(nameDer: Buffer): string {
  return formatAttributes(nameAttributes(nameDer));
}

function formatAttributes(attrs: NameAttribute[]): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;])/g, '\\$1');
  return [...attrs].reverse().map(a => `${a.type}=${escape(a.value)}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Algorithms and extensions

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA1', '2.16.840.1.101.3.4.2.1': 'SHA256', '2.16.840.1.101.3.4.2.2': 'SHA384',
  '2.16.840.1.101.3.4.2.3': 'SHA512', '2.16.840.1.101.3.4.2.4': 'SHA224',
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';

function signatureAlgorithmName(buf: Buffer, algId: Tlv): string {
  const [oidT, paramsT] = children(buf, algId);
  const oid = decodeOid(value(buf, oidT));
  if (oid !== RSASSA_PSS) return SIGNATURE_ALGORITHMS[oid] ?? oid;
  // RSASSA-PSS names its hash in the parameters; absent means SHA-1 (RFC 4055).
  let hash = 'SHA1';
  if (paramsT && paramsT.tag === 16) {
    const hashParam = children(buf, paramsT).find(c => c.cls === 2 && c.tag === 0);
    if (hashParam) {
      const algo = children(buf, hashParam)[0];
      const hashOid = decodeOid(value(buf, children(buf, algo)[0]));
      hash = HASHES[hashOid] ?? hashOid;
    }
  }
  return `rsassa-pss-${hash}`;
}

/** SHA-1 and MD5 (and MD2) signatures are refused by browsers and modern TLS stacks. */
export function isWeakSignatureAlgorithm(name: string): boolean {
  return /md2|md5|sha1(?![0-9])/i.test(name);
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** The ASP.NET Core HTTPS development certificate is identified by this extension, not by its name. */
export const ASPNETCORE_DEV_CERT_OID = '1.3.6.1.4.1.311.84.1.1';
// Version 0 of the marker (ASP.NET Core 2.x) held this ASCII text instead of a version byte.
const ASPNETCORE_V0_VALUE = 'ASP.NET Core HTTPS development certificate';

function ipFromBytes(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    // The URL parser compresses an IPv6 address to its canonical short form.
    return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
  }
  return bytes.toString('hex');
}

/** NameConstraints' permittedSubtrees [0]: dNSName as is, iPAddress (address + mask) as address/prefix. */
function permittedSubtrees(octets: Buffer): string[] {
  const out: string[] = [];
  const permitted = children(octets, readTlv(octets, 0)).find(t => t.cls === 2 && t.tag === 0);
  for (const subtree of permitted ? children(octets, permitted) : []) {
    const base = children(octets, subtree)[0];
    if (base?.cls !== 2) continue;
    const bytes = value(octets, base);
    if (base.tag === 2) out.push(bytes.toString('latin1'));
    if (base.tag === 7 && (bytes.length === 8 || bytes.length === 32)) {
      const half = bytes.length / 2;
      const prefix = [...bytes.subarray(half)].reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0);
      out.push(`${ipFromBytes(bytes.subarray(0, half))}/${prefix}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The certificate

/** The TBSCertificate fields this file reads, located without decoding them. */
function tbsFields(der: Buffer) {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg] = children(der, cert);
  if (!tbs || !sigAlg) throw new CertParseError('not a certificate');
  const fields = children(der, tbs);
  let i = 0;
  if (fields[i]?.cls === 2 && fields[i].tag === 0) i++; // [0] version
  i += 2; // serialNumber, signature (repeated inside tbs)
  const [issuerT, validityT, subjectT, spkiT] = fields.slice(i, i + 4);
  if (!spkiT) throw new CertParseError('not a certificate');
  return { sigAlg, issuerT, validityT, subjectT, spkiT, extensionsT: fields.slice(i + 4).find(f => f.cls === 2 && f.tag === 3) };
}

// The two extensions' OIDs (2.5.29.14, 2.5.29.35) as DER contents: compared as bytes, not decoded,
// because every certificate of a store bundle goes through here.
const SKI_OID = Buffer.from([0x55, 0x1d, 0x0e]);
const AKI_OID = Buffer.from([0x55, 0x1d, 0x23]);

/** The subject and authority key identifiers, when the certificate has them. */
function keyIdentifiers(der: Buffer, extensionsT: Tlv | undefined): { subjectKeyId?: Buffer; authorityKeyId?: Buffer } {
  const out: { subjectKeyId?: Buffer; authorityKeyId?: Buffer } = {};
  if (!extensionsT) return out;
  for (const ext of children(der, children(der, extensionsT)[0])) {
    const parts = children(der, ext);
    const oid = value(der, parts[0]);
    const isSki = oid.equals(SKI_OID);
    if (!isSki && !oid.equals(AKI_OID)) continue;
    const octets = value(der, parts[parts.length - 1]);
    if (isSki) out.subjectKeyId = value(octets, readTlv(octets, 0));
    else {
      const keyId = children(octets, readTlv(octets, 0)).find(c => c.cls === 2 && c.tag === 0);
      if (keyId) out.authorityKeyId = value(octets, keyId);
    }
  }
  return out;
}

/** The store's answer to "self-signed?": same name, and key identifiers that do not say otherwise. */
function selfSignedByKeyId(subjectDer: Buffer, issuerDer: Buffer, subjectKeyId?: Buffer, authorityKeyId?: Buffer): boolean {
  return subjectDer.equals(issuerDer) && (!subjectKeyId || !authorityKeyId || subjectKeyId.equals(authorityKeyId));
}

/**
 * What a trust store's certificate must show before anyone asks for it: enough to index it by subject,
 * sort it into anchors and intermediates (self-signed as `key-id` decides it) and recognise its key.
 * No X509Certificate, no name decoding beyond the subject: a bundle holds hundreds of these and a
 * check needs one or two (see CertificateIndex).
 */
export interface PeekedCertificate {
  der: Buffer;
  sha256: string;
  /** The subject's one-line form, lower-cased: what path building compares names by. */
  subjectKey: string;
  selfSigned: boolean;
  spki: Buffer;
}

// The system bundle and Node's own roots are mostly the same Mozilla list: each is peeked once.
const peekMemo = new Map<string, PeekedCertificate>();

/** Throws CertParseError when the DER is not shaped like a certificate. */
export function peekCertificate(der: Buffer): PeekedCertificate {
  const sha256 = thumbprint(der, 'sha256');
  const hit = peekMemo.get(sha256);
  if (hit) return hit;
  const { issuerT, subjectT, spkiT, extensionsT } = tbsFields(der);
  const { subjectKeyId, authorityKeyId } = keyIdentifiers(der, extensionsT);
  const subjectDer = whole(der, subjectT);
  const peeked = {
    der, sha256, subjectKey: formatName(subjectDer).toLowerCase(),
    selfSigned: selfSignedByKeyId(subjectDer, whole(der, issuerT), subjectKeyId, authorityKeyId), spki: whole(der, spkiT),
  };
  if (peekMemo.size >= MEMO_LIMIT) peekMemo.clear();
  peekMemo.set(sha256, peeked);
  return peeked;
}

/** A parsed certificate: Node's object for crypto plus the fields the probe and the UI read. */
export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  summary: CertificateSummary;
  subjectDer: Buffer;
  issuerDer: Buffer;
  /** DER SubjectPublicKeyInfo: two certificates with the same subject and this are the same anchor. */
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  subjectAttributes: NameAttribute[];
  issuerAttributes: NameAttribute[];
  /** The NameConstraints extension's permitted DNS names and IP ranges (`127.0.0.0/8`), when it has one. */
  nameConstraints?: { critical: boolean; permitted: string[] };
  /**
   * Extensions present but not valid DER (e.g. a subjectAltName whose lengths do not add up): clients
   * refuse such a certificate, so it is reported rather than read as "no such extension".
   */
  malformedExtensions?: string[];
}

interface MemoEntry { parsed: ParsedCertificate; signatureChecked: boolean }
const memo = new Map<string, MemoEntry>();
const MEMO_LIMIT = 2000;

export interface InspectOptions {
  /**
   * How `selfSigned` is decided. 'verify' (default) checks the signature with the certificate's own
   * key — right for what a server sends. 'key-id' trusts the names and key identifiers instead, which
   * is what store certificates need: a system bundle holds hundreds of roots, and verifying each
   * (ECDSA P-384 roots especially) costs ~0.5 ms apiece for an answer the identifiers already give.
   */
  selfSigned?: 'verify' | 'key-id';
}

/** Parse one DER certificate. Throws CertParseError (a message fit for users) when it is not one. */
export function inspectCertificate(der: Buffer, options: InspectOptions = {}): ParsedCertificate {
  const sha256 = thumbprint(der, 'sha256');
  const verify = options.selfSigned !== 'key-id';
  const cached = memo.get(sha256);
  if (cached) {
    if (verify && !cached.signatureChecked) {
      const p = cached.parsed;
      p.summary.selfSigned = isSelfSigned(p.x509, p.subjectDer, p.issuerDer);
      cached.signatureChecked = true;
    }
    return cached.parsed;
  }
  let x509: X509Certificate;
  try { x509 = new X509Certificate(der); } catch (err) {
    throw new CertParseError(`not a valid X.509 certificate (${(err as Error).message})`);
  }
  const { sigAlg, issuerT, validityT, subjectT, spkiT, extensionsT } = tbsFields(der);
  const [nbT, naT] = children(der, validityT);

  const { subjectKeyId, authorityKeyId } = keyIdentifiers(der, extensionsT);
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const eku: string[] = [];
  let devCertVersion: number | undefined;
  let nameConstraints: ParsedCertificate['nameConstraints'];
  const malformedExtensions: string[] = [];
  if (extensionsT) {
    for (const ext of children(der, children(der, extensionsT)[0])) {
      const parts = children(der, ext);
      const oid = decodeOid(value(der, parts[0]));
      const octets = value(der, parts[parts.length - 1]);
      if (oid === '2.5.29.17') {
        try {
          const outer = readTlv(octets, 0);
          if (outer.end !== octets.length) throw new CertParseError('trailing bytes');
          for (const gn of children(octets, outer)) {
            if (gn.cls !== 2) continue;
            if (gn.tag === 2) dnsNames.push(value(octets, gn).toString('latin1'));
            if (gn.tag === 7) ipAddresses.push(ipFromBytes(value(octets, gn)));
          }
        } catch (err) {
          if (!(err instanceof CertParseError)) throw err;
          dnsNames.length = 0;
          ipAddresses.length = 0;
          malformedExtensions.push('subjectAltName');
        }
      } else if (oid === '2.5.29.37') {
        for (const k of children(octets, readTlv(octets, 0))) {
          const o = decodeOid(value(octets, k));
          eku.push(EKU_NAMES[o] ?? o);
        }
      } else if (oid === '2.5.29.30') {
        const critical = parts.length === 3 && value(der, parts[1])[0] !== 0;
        nameConstraints = { critical, permitted: permittedSubtrees(octets) };
      } else if (oid === ASPNETCORE_DEV_CERT_OID) {
        devCertVersion = octets.toString('latin1') === ASPNETCORE_V0_VALUE ? 0 : octets.length > 0 ? octets[0] : 0;
      }
    }
  }

  const notBefore = decodeTime(nbT.tag, value(der, nbT));
  const notAfter = decodeTime(naT.tag, value(der, naT));
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const keySize = details.modulusLength ?? curveBits(details.namedCurve) ?? (keyType === 'ed25519' ? 256 : keyType === 'ed448' ? 456 : undefined);
  const subjectDer = whole(der, subjectT);
  const issuerDer = whole(der, issuerT);
  const selfSigned = verify ? isSelfSigned(x509, subjectDer, issuerDer) : selfSignedByKeyId(subjectDer, issuerDer, subjectKeyId, authorityKeyId);

  const subjectAttributes = nameAttributes(subjectDer);
  const issuerAttributes = nameAttributes(issuerDer);
  const summary: CertificateSummary = {
    subject: formatAttributes(subjectAttributes),
    issuer: formatAttributes(issuerAttributes),
    sha1: thumbprint(der, 'sha1'),
    sha256,
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    san: [...dnsNames, ...ipAddresses],
    selfSigned,
    keyType,
    ...(keySize !== undefined ? { keySize } : {}),
    signatureAlgorithm: signatureAlgorithmName(der, sigAlg),
    isCa: x509.ca,
    isAspNetCoreDevCert: devCertVersion !== undefined,
    ...(devCertVersion !== undefined ? { aspNetCoreDevCertVersion: devCertVersion } : {}),
    extendedKeyUsage: eku,
  };
  const parsed: ParsedCertificate = {
    der, x509, summary, subjectDer, issuerDer, spki: whole(der, spkiT), notBefore, notAfter, dnsNames, ipAddresses,
    subjectAttributes, issuerAttributes, ...(nameConstraints ? { nameConstraints } : {}),
    ...(malformedExtensions.length ? { malformedExtensions } : {}),
  };
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(sha256, { parsed, signatureChecked: verify });
  return parsed;
}

function curveBits(curve: string | undefined): number | undefined {
  if (!curve) return undefined;
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : undefined;
}

/**
 * Signed by itself: same name and its own key verifies the signature. Not X509Certificate.checkIssued:
 * that also demands keyCertSign, which a self-signed leaf (dotnet dev-certs, IIS Express) does not have.
 */
function isSelfSigned(x: X509Certificate, subjectDer: Buffer, issuerDer: Buffer): boolean {
  if (!subjectDer.equals(issuerDer)) return false;
  try { return x.verify(x.publicKey); } catch { return false; }
}

/** Every certificate in a PEM text, as DER. Non-certificate blocks (keys) are skipped. */
export function pemToDer(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:TRUSTED |X509 )?CERTIFICATE-----/g;
  for (let m; (m = re.exec(pem));) out.push(Buffer.from(m[1].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
  return out;
}


/** PEM text or a DER buffer → the certificates in it, DER. */
export function certificatesIn(input: Buffer | string): Buffer[] {
  if (typeof input !== 'string') {
    if (input.length > 0 && input[0] === 0x30) return [input];
    input = input.toString('latin1');
  }
  return pemToDer(input);
}

/** Parse a DER or PEM certificate (the first one in a PEM) into the summary the JSON and UI show. */
export function parseCertificate(input: Buffer | string): CertificateSummary {
  const [der] = certificatesIn(input);
  if (!der) throw new CertParseError('no certificate found');
  return inspectCertificate(der).summary;
}


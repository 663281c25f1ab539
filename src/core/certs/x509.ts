/**
 * Building and signing an X.509 v3 certificate: the TBSCertificate is encoded with der.ts and its DER
 * signed with `crypto.sign`, which covers RSA and ECDSA alike and is what makes generation fast.
 */
import * as crypto from 'node:crypto';
import { ipVersion } from './ipAddress';
import { bitString, children, context, derNull, derTrue, integer, octets, oid, readTlv, seq, set, time, utf8, valueOf } from './der';

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  nameConstraints: '2.5.29.30',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  /** ASP.NET Core's dev-cert marker: its value is one byte, the dev-cert version. */
  aspNetCoreHttps: '1.3.6.1.4.1.311.84.1.1',
} as const;

/** keyUsage bits, numbered as in RFC 5280 (bit 0 = digitalSignature). */
export const KeyUsageBit = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export interface NameAttrs { cn: string; o?: string; ou?: string }

export interface Extension { oid: string; critical: boolean; value: Buffer }

export interface CertificateSpec {
  serial: Buffer;
  subject: NameAttrs;
  /** Issuer name; the subject for a self-signed certificate. */
  issuer: NameAttrs;
  notBefore: Date;
  notAfter: Date;
  publicKey: crypto.KeyObject;
  extensions: Extension[];
  /** Key that signs: the subject's own for self-signed, the CA's otherwise. */
  signingKey: crypto.KeyObject;
}

function name(n: NameAttrs): Buffer {
  const rdn = (type: string, value: string) => set([seq([oid(type), utf8(value)])]);
  return seq([
    ...(n.o ? [rdn(OID.organization, n.o)] : []),
    ...(n.ou ? [rdn(OID.organizationalUnit, n.ou)] : []),
    rdn(OID.commonName, n.cn),
  ]);
}

function signatureAlgorithm(key: crypto.KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') return seq([oid(OID.sha256WithRSA), derNull()]);
  if (key.asymmetricKeyType === 'ec') return seq([oid(OID.ecdsaWithSHA256)]);
  throw new Error(`cannot sign certificates with a ${key.asymmetricKeyType} key`);
}

/** DER INTEGER contents must be positive and minimal: clear the top bit, drop leading zero bytes. */
export function randomSerial(): Buffer {
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

export function signCertificate(spec: CertificateSpec): Buffer {
  const tbs = seq([
    context(0, integer(2), true),
    integer(spec.serial),
    signatureAlgorithm(spec.signingKey),
    name(spec.issuer),
    seq([time(spec.notBefore), time(spec.notAfter)]),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    context(3, seq(spec.extensions.map(e => seq([oid(e.oid), ...(e.critical ? [derTrue()] : []), octets(e.value)]))), true),
  ]);
  // Node signs RSA with PKCS#1 v1.5 and ECDSA with a DER (r, s) signature: both exactly what X.509 wants.
  const signature = crypto.sign('sha256', tbs, spec.signingKey);
  return seq([tbs, signatureAlgorithm(spec.signingKey), bitString(signature)]);
}

// --- extension values ------------------------------------------------------------------------------

export function basicConstraints(ca: boolean, pathLen?: number): Buffer {
  return seq(ca ? [derTrue(), ...(pathLen !== undefined ? [integer(pathLen)] : [])] : []);
}

/** A BIT STRING of the named bits, trailing zero bits trimmed as DER requires. */
export function keyUsage(bits: number[]): Buffer {
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)] |= 0x80 >> (b % 8);
  return bitString(bytes, 7 - (max % 8));
}

export function extKeyUsage(oids: string[]): Buffer { return seq(oids.map(oid)); }

/** DNS names and IP addresses (v4 or v6) as GeneralNames [2] dNSName / [7] iPAddress. */
export function subjectAltName(names: string[]): Buffer {
  return seq(names.map(n => {
    const version = ipVersion(n);
    return version ? context(7, ipBytes(n, version), false) : context(2, Buffer.from(n, 'latin1'), false);
  }));
}

/**
 * RFC 5280 NameConstraints with permitted subtrees only. Each entry is a DNS name (`localhost`: that
 * name and every name under it; `.localhost`: only names under it) or an IP range (`127.0.0.0/8`,
 * `::1/128`; a bare address is its own /32 or /128), encoded as GeneralSubtree [2] dNSName or [7]
 * iPAddress (address then mask, 8 or 32 octets). minimum/maximum are left at their defaults.
 */
export function nameConstraints(permitted: string[]): Buffer {
  const subtrees = permitted.map(entry => {
    const [address, prefix] = entry.split('/');
    const version = ipVersion(address);
    if (!version) return seq([context(2, Buffer.from(entry, 'latin1'), false)]);
    const bits = prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix);
    const addr = ipBytes(address, version);
    const mask = Buffer.alloc(addr.length);
    for (let i = 0; i < bits; i++) mask[i >> 3] |= 0x80 >> (i & 7);
    addr.forEach((b, i) => { addr[i] = b & mask[i]; });
    return seq([context(7, Buffer.concat([addr, mask]), false)]);
  });
  return seq([context(0, Buffer.concat(subtrees), true)]);
}

function ipBytes(ip: string, version: number): Buffer {
  if (version === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand "::" then write eight 16-bit groups.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents (after its unused-bits byte). */
export function keyIdentifier(publicKey: crypto.KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const bits = children(spki, readTlv(spki, 0))[1];
  return crypto.createHash('sha1').update(valueOf(spki, bits).subarray(1)).digest();
}

export function subjectKeyIdentifier(publicKey: crypto.KeyObject): Buffer { return octets(keyIdentifier(publicKey)); }

export function authorityKeyIdentifier(issuerPublicKey: crypto.KeyObject): Buffer {
  return seq([context(0, keyIdentifier(issuerPublicKey), false)]);
}

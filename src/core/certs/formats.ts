/**
 * Reading and writing certificates in the formats servers and stores take: PEM (Node, Kestrel PEM,
 * nginx, NSS), DER `.cer` (Windows Import-Certificate) and PKCS#12 `.pfx` (Kestrel, IIS Express,
 * Windows). One reader detects the format from the bytes, so a `.crt` holding DER or PEM both work.
 *
 * PKCS#12 output is assembled here with node-forge's ASN.1 encoder because forge's own writer only
 * takes RSA keys of its own type; the private key is encrypted by Node (PKCS#8 PBES2, AES-256-CBC,
 * PBKDF2-SHA256) and the MAC is HMAC-SHA256 — the modern profile OpenSSL 3 and Windows 10 1709+ read.
 */
import * as crypto from 'node:crypto';
import forge from 'node-forge';
import type { CertificateRef } from './types';
import { thumbprint, toPem } from './encoding';
import { describeFsError, readBoundedFileSync } from '../io';

/**
 * Why a certificate input cannot be used. Every reader of certificate files (the CLI's commands, the
 * extension's client certificates, the local CA) throws this one error, so a file fails with the same
 * plain sentence everywhere; the CLI turns it into exit 2 (unusable input). `reason` lets a caller
 * decide (ask for a password, skip quietly) without matching words.
 */
export type CertificateInputProblem =
  | 'missing' | 'folder' | 'not-a-file' | 'empty' | 'too-large' | 'unreadable'
  | 'not-certificate' | 'corrupt' | 'password-required' | 'wrong-password' | 'no-certificate' | 'key-mismatch';

export class CertificateFormatError extends Error {
  constructor(message: string, readonly reason: CertificateInputProblem = 'corrupt') { super(message); }
}

/** Certificates, keys and PFX files are a few KB; anything far larger is not one (and is not read whole). */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * The bytes of a certificate or key file, or a plain sentence saying why there are none: missing, a
 * folder, a FIFO/device (opened without blocking and refused by its handle: reading one can block
 * forever), empty, too large (never read whole: `/proc` files claim size 0), not readable. A path a
 * workspace names goes through here too (the language server judges a configured certificate).
 */
export function readInputFile(file: string): Buffer {
  const read = readBoundedFileSync(file, { maxBytes: MAX_INPUT_BYTES });
  if (read.refused) {
    const r = read.refused;
    if (r.reason === 'missing') throw new CertificateFormatError(`${file} does not exist`, 'missing');
    if ((r.reason === 'not-regular' && r.kind === 'folder') || (r.reason === 'unreadable' && r.error.code === 'EISDIR')) {
      throw new CertificateFormatError(`${file} is a folder, not a certificate file`, 'folder');
    }
    if (r.reason === 'not-regular') throw new CertificateFormatError(`${file} is not a regular file (it is a ${r.kind})`, 'not-a-file');
    if (r.reason === 'too-large') throw new CertificateFormatError(`${file} is too large to be a certificate or key file`, 'too-large');
    if (r.reason === 'unreadable') throw new CertificateFormatError(describeFsError(r.error, file, 'read'), 'unreadable');
    throw new CertificateFormatError(`${file} could not be read`, 'unreadable');
  }
  if (read.bytes.length === 0) throw new CertificateFormatError(`${file} is empty`, 'empty');
  return read.bytes;
}

/** Does `key` belong to the certificate? Compared by public key (SPKI), which works for every key type. */
export function keyMatchesCertificate(certDer: Buffer | string, key: crypto.KeyObject): boolean {
  const spki = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'der' });
  return spki(crypto.createPublicKey(key)).equals(spki(new crypto.X509Certificate(certDer).publicKey));
}

export interface CertificateBundle {
  /** The certificate itself (the one with the key, or the first one). */
  certDer: Buffer;
  /** Other certificates that came with it (issuers), in file order. */
  chainDer: Buffer[];
  key?: crypto.KeyObject;
  friendlyName?: string;
  format: 'pem' | 'der' | 'pfx';
}

const bin = (b: Buffer) => b.toString('binary');
const fromBin = (s: string) => Buffer.from(s, 'binary');

/** Checks DER bytes really are a certificate (Node's parser), with a message naming the source. */
function assertCertificate(der: Buffer, source: string, what = 'certificate'): Buffer {
  // OpenSSL's reason ("header too long") says nothing to a user: the file and what is wrong do.
  try { new crypto.X509Certificate(der); } catch {
    throw new CertificateFormatError(`corrupt ${what} in ${source}: it cannot be parsed as X.509`, 'corrupt');
  }
  return der;
}

export interface PemBlock { label: string; der: Buffer }

export function pemBlocks(text: string, source: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m; (m = re.exec(text));) {
    const body = m[2].replace(/\s+/g, '');
    // Encrypted PEM (Proc-Type headers) and stray characters are not base64: say so instead of decoding garbage.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new CertificateFormatError(`corrupt PEM in ${source}: the ${m[1]} block is not valid base64`, 'corrupt');
    }
    blocks.push({ label: m[1], der: Buffer.from(body, 'base64') });
  }
  if (blocks.length === 0 && /-----BEGIN /.test(text)) {
    throw new CertificateFormatError(`corrupt PEM in ${source}: a BEGIN line without its matching END line`, 'corrupt');
  }
  return blocks;
}

export function parsePem(text: string, source: string, keyPassword?: string): CertificateBundle {
  const blocks = pemBlocks(text, source);
  const certs = blocks.filter(b => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE')
    .map(b => assertCertificate(b.der, source));
  const keyBlock = blocks.find(b => /PRIVATE KEY$/.test(b.label));
  let key: crypto.KeyObject | undefined;
  if (keyBlock) key = parsePrivateKeyPem(text, source, keyPassword);
  if (certs.length === 0) {
    if (key) throw new CertificateFormatError(`${source} holds a private key but no certificate`, 'no-certificate');
    throw new CertificateFormatError(`${source} holds no certificate (no CERTIFICATE block)`, 'no-certificate');
  }
  return { certDer: certs[0], chainDer: certs.slice(1), key, format: 'pem' };
}

export function parsePrivateKeyPem(text: string, source: string, password?: string): crypto.KeyObject {
  try {
    return crypto.createPrivateKey({ key: text, format: 'pem', passphrase: password });
  } catch (err) {
    const msg = (err as Error).message;
    if (/passphrase|bad decrypt/i.test(msg)) {
      throw new CertificateFormatError(password === undefined ? `${source} holds an encrypted key: a password is needed` : `wrong password for ${source}`,
        password === undefined ? 'password-required' : 'wrong-password');
    }
    throw new CertificateFormatError(`${source} holds no readable private key (PEM)`, 'corrupt');
  }
}

export function parseDer(der: Buffer, source: string): CertificateBundle {
  return { certDer: assertCertificate(der, source), chainDer: [], format: 'der' };
}

export function parsePfx(data: Buffer, password: string, source: string): CertificateBundle {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn = forge.asn1.fromDer(bin(data));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password);
  } catch (err) {
    const msg = (err as Error).message;
    if (/password|Invalid password|decrypt/i.test(msg)) throw new CertificateFormatError(`wrong password for ${source}`, 'wrong-password');
    // node-forge's own words ("Only 8, 16, 24, or 32 bits supported: 896") describe its parser, not the file.
    throw new CertificateFormatError(`${source} is not a readable PFX/PKCS#12 file (it is damaged, or not a PFX)`, 'corrupt');
  }
  const certs: { der: Buffer; keyId?: string; name?: string }[] = [];
  let key: crypto.KeyObject | undefined;
  let keyId: string | undefined;
  let friendlyName: string | undefined;
  for (const content of p12.safeContents) {
    for (const bag of content.safeBags) {
      const attrs = bag.attributes as Record<string, string[] | undefined>;
      if (bag.type === forge.pki.oids.certBag && bag.cert) {
        const der = fromBin(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes());
        certs.push({ der, keyId: attrs.localKeyId?.[0], name: attrs.friendlyName?.[0] });
      } else if (bag.type === forge.pki.oids.certBag && (bag as unknown as { asn1?: forge.asn1.Asn1 }).asn1) {
        // forge leaves certificates it cannot model (ECDSA keys) as ASN.1: take their bytes as they are.
        const der = fromBin(forge.asn1.toDer((bag as unknown as { asn1: forge.asn1.Asn1 }).asn1).getBytes());
        certs.push({ der, keyId: attrs.localKeyId?.[0], name: attrs.friendlyName?.[0] });
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // forge decrypted the key bag; its PrivateKeyInfo is handed to Node, which knows every key type.
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag as unknown as { asn1: forge.asn1.Asn1 }).asn1;
        key = crypto.createPrivateKey({ key: fromBin(forge.asn1.toDer(info).getBytes()), format: 'der', type: 'pkcs8' });
        keyId = attrs.localKeyId?.[0];
        friendlyName ??= attrs.friendlyName?.[0];
      }
    }
  }
  if (certs.length === 0) throw new CertificateFormatError(`${source} holds no certificate`, 'no-certificate');
  for (const c of certs) assertCertificate(c.der, source);
  // The certificate that goes with the key: by localKeyId, else by public key, else the first.
  let mainIdx = keyId ? certs.findIndex(c => c.keyId === keyId) : -1;
  if (mainIdx < 0 && key) {
    const pub = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
    mainIdx = certs.findIndex(c => new crypto.X509Certificate(c.der).publicKey.export({ type: 'spki', format: 'der' }).equals(pub));
  }
  if (mainIdx < 0) mainIdx = 0;
  const main = certs[mainIdx];
  return {
    certDer: main.der, chainDer: certs.filter((_, i) => i !== mainIdx).map(c => c.der), key,
    friendlyName: main.name ?? friendlyName, format: 'pfx',
  };
}

/**
 * Read a certificate file in any of the three formats, detected from its bytes, with its key (from the
 * file itself or `keyFile`). A key that does not belong to the certificate is refused here, so no
 * command can write, trust or present a mismatched pair.
 */
export function readCertificateFile(file: string, opts: { password?: string; keyFile?: string } = {}): CertificateBundle {
  const data = readInputFile(file);
  let bundle: CertificateBundle;
  const text = data.toString('latin1');
  if (/-----BEGIN /.test(text)) bundle = parsePem(data.toString('utf8'), file, opts.password);
  else if (/\.(pfx|p12)$/i.test(file) || looksLikePfx(data)) bundle = parsePfx(data, opts.password ?? '', file);
  else if (data[0] === 0x30) bundle = parseDer(data, file);
  else throw new CertificateFormatError(`${file} is not a certificate (not PEM, DER or PFX)`, 'not-certificate');
  if (opts.keyFile) bundle.key = parsePrivateKeyPem(readInputFile(opts.keyFile).toString('utf8'), opts.keyFile, opts.password);
  if (bundle.key && !keyMatchesCertificate(bundle.certDer, bundle.key)) {
    throw new CertificateFormatError(opts.keyFile
      ? `the private key in ${opts.keyFile} does not belong to the certificate in ${file}`
      : `the private key in ${file} does not belong to its certificate`, 'key-mismatch');
  }
  return bundle;
}

/** A PFX starts SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ... } }. */
function looksLikePfx(data: Buffer): boolean {
  try {
    const asn = forge.asn1.fromDer(bin(data), false);
    const v = asn.value as forge.asn1.Asn1[];
    return Array.isArray(v) && v.length >= 2 && v[0].type === forge.asn1.Type.INTEGER && forge.asn1.derToInteger(v[0].value as string) === 3;
  } catch { return false; }
}

// --- writing ---------------------------------------------------------------------------------------

const asn1 = forge.asn1;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const CTX = asn1.Class.CONTEXT_SPECIFIC;
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, v);
const octets = (s: string) => asn1.create(U, T.OCTETSTRING, false, s);
const P12 = {
  data: '1.2.840.113549.1.7.1', certBag: '1.2.840.113549.1.12.10.1.3', shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1', friendlyName: '1.2.840.113549.1.9.20', localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
};

function bagAttributes(friendlyName: string | undefined, localKeyId: string | undefined): forge.asn1.Asn1 {
  const attrs: forge.asn1.Asn1[] = [];
  if (friendlyName) {
    // forge encodes a BMPSTRING's JavaScript string as UTF-16BE itself.
    attrs.push(seq([oid(P12.friendlyName), set([asn1.create(U, T.BMPSTRING, false, friendlyName)])]));
  }
  if (localKeyId) attrs.push(seq([oid(P12.localKeyId), set([octets(localKeyId)])]));
  return set(attrs);
}

const dataContentInfo = (inner: forge.asn1.Asn1) =>
  seq([oid(P12.data), asn1.create(CTX, 0, true, [octets(asn1.toDer(inner).getBytes())])]);

export interface PfxInput {
  certDer: Buffer;
  chainDer?: Buffer[];
  key: crypto.KeyObject;
  password: string;
  friendlyName?: string;
}

export function toPfx(input: PfxInput): Buffer {
  // localKeyId ties the key to its certificate; the SHA-1 of the certificate is the customary value.
  const localKeyId = bin(crypto.createHash('sha1').update(input.certDer).digest());
  const certBag = (der: Buffer, main: boolean) => seq([
    oid(P12.certBag),
    asn1.create(CTX, 0, true, [seq([oid(P12.x509Certificate), asn1.create(CTX, 0, true, [octets(bin(der))])])]),
    bagAttributes(main ? input.friendlyName : undefined, main ? localKeyId : undefined),
  ]);
  const encryptedKey = input.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: input.password });
  const keyBag = seq([
    oid(P12.shroudedKeyBag),
    asn1.create(CTX, 0, true, [asn1.fromDer(bin(encryptedKey))]),
    bagAttributes(input.friendlyName, localKeyId),
  ]);
  const authSafe = seq([
    dataContentInfo(seq([certBag(input.certDer, true), ...(input.chainDer ?? []).map(d => certBag(d, false))])),
    dataContentInfo(seq([keyBag])),
  ]);
  const authSafeDer = asn1.toDer(authSafe).getBytes();
  const salt = crypto.randomBytes(16);
  const iterations = 2048;
  const md = forge.md.sha256.create();
  const macKey = forge.pkcs12.generateKey(input.password, forge.util.createBuffer(bin(salt)), 3, iterations, 32, md);
  const mac = crypto.createHmac('sha256', fromBin(macKey.getBytes())).update(fromBin(authSafeDer)).digest();
  const pfx = seq([
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(P12.data), asn1.create(CTX, 0, true, [octets(authSafeDer)])]),
    seq([
      seq([seq([oid(P12.sha256), asn1.create(U, T.NULL, false, '')]), octets(bin(mac))]),
      octets(bin(salt)),
      asn1.create(U, T.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
    ]),
  ]);
  return fromBin(asn1.toDer(pfx).getBytes());
}

/** What trust stores need to know about a certificate. */
export function certificateRef(cert: string | Buffer, nickname?: string): CertificateRef {
  const x = new crypto.X509Certificate(cert);
  const der = x.raw;
  const sha1 = thumbprint(der, 'sha1');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? 'certificate';
  return {
    pem: toPem(der), sha1, sha256: thumbprint(der, 'sha256'), subject: x.subject.replace(/\n/g, ', '),
    nickname: nickname ?? `${cn} (devcert-doctor ${sha1.slice(0, 8)})`,
  };
}

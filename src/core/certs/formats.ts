/**
 * Reading and writing certificates in the formats servers and stores take: PEM (Node, Kestrel PEM,
 * nginx, NSS), DER `.cer` (Windows Import-Certificate) and PKCS#12 `.pfx` (Kestrel, IIS Express,
 * Windows). One reader detects the format from the bytes, so a `.crt` holding DER or PEM both work.
 *
 * PKCS#12 output is assembled here with der.ts, in one of two profiles (`toPfx`'s `encryption`): by
 * default the key encrypted by Node (PKCS#8 PBES2, AES-256-CBC, PBKDF2-SHA256) with an HMAC-SHA256 MAC —
 * what OpenSSL 3 and Windows 10 1709+ read; or, for a file Windows imports on any supported version, the
 * key under PKCS#12's own pbeWithSHAAnd3-KeyTripleDES-CBC with an HMAC-SHA1 MAC. Reading a PFX (any
 * profile, legacy ciphers included) needs node-forge: pfxRead.ts, loaded only when a PFX is read.
 */
import * as crypto from 'node:crypto';
import type { CertificateRef } from './types';
import { thumbprint, toPem } from './encoding';
import { children, context, derNull, integer, octets, oid, readTlv, seq, set, bmp, Tag } from './der';
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

/**
 * A PFX's certificate, chain and key. pfxRead.ts (node-forge) decrypts it — every PKCS#12 profile, the
 * legacy 3DES and RC2 ones included; it is required here, on first use, so checks and generation never
 * load it.
 */
export function parsePfx(data: Buffer, password: string, source: string): CertificateBundle {
  const { decodePfx, PfxOpenError } = require('./pfxRead') as typeof import('./pfxRead');
  let p12: import('./pfxRead').DecodedPfx;
  try { p12 = decodePfx(data, password); } catch (err) {
    if (!(err instanceof PfxOpenError)) throw err;
    if (err.wrongPassword) throw new CertificateFormatError(`wrong password for ${source}`, 'wrong-password');
    // node-forge's own words ("Only 8, 16, 24, or 32 bits supported: 896") describe its parser, not the file.
    throw new CertificateFormatError(`${source} is not a readable PFX/PKCS#12 file (it is damaged, or not a PFX)`, 'corrupt');
  }
  const { certs, keyId } = p12;
  const key = p12.keyDer ? crypto.createPrivateKey({ key: p12.keyDer, format: 'der', type: 'pkcs8' }) : undefined;
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
    friendlyName: main.name ?? p12.friendlyName, format: 'pfx',
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
    const [version, content] = children(data, readTlv(data, 0));
    return content !== undefined && data[version.start] === Tag.INTEGER && version.end - version.valueStart === 1 && data[version.valueStart] === 3;
  } catch { return false; }
}

// --- writing ---------------------------------------------------------------------------------------

const P12 = {
  data: '1.2.840.113549.1.7.1', certBag: '1.2.840.113549.1.12.10.1.3', shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1', friendlyName: '1.2.840.113549.1.9.20', localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1', sha1: '1.3.14.3.2.26', pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
};

function bagAttributes(friendlyName: string | undefined, localKeyId: Buffer | undefined): Buffer {
  const attrs: Buffer[] = [];
  if (friendlyName) attrs.push(seq([oid(P12.friendlyName), set([bmp(friendlyName)])]));
  if (localKeyId) attrs.push(seq([oid(P12.localKeyId), set([octets(localKeyId)])]));
  return set(attrs);
}

const dataContentInfo = (inner: Buffer) => seq([oid(P12.data), context(0, octets(inner), true)]);

/** What RFC 7292 B.2's derivation makes: 1 a key, 2 an IV, 3 a MAC key. */
type Pkcs12KeyPurpose = 1 | 2 | 3;

/**
 * RFC 7292 B.2's key derivation: `length` bytes for `purpose` from the password (UTF-16BE with a trailing
 * zero), the salt and the iteration count, with SHA-1 or SHA-256 (hash block 64 bytes for both). Each
 * output block is H^iterations(D || I), where D is the purpose repeated over a hash block and I the salt
 * and password each repeated to whole blocks; between blocks every 64-byte block of I has the previous
 * output (repeated to 64 bytes) plus one added to it, as a big-endian number.
 */
export function pkcs12Kdf(hash: 'sha1' | 'sha256', purpose: Pkcs12KeyPurpose, password: string, salt: Buffer, iterations: number, length: number): Buffer {
  const v = 64;
  const pass = Buffer.from(password + '\0', 'utf16le').swap16();
  const fill = (b: Buffer) => { const out = Buffer.alloc(v * Math.ceil(b.length / v)); for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]; return out; };
  const d = Buffer.alloc(v, purpose);
  const i = Buffer.concat([fill(salt), fill(pass)]);
  const blocks: Buffer[] = [];
  for (let made = 0; made < length;) {
    let a = Buffer.concat([d, i]);
    for (let n = 0; n < iterations; n++) a = crypto.createHash(hash).update(a).digest();
    blocks.push(a);
    made += a.length;
    if (made >= length) break;
    const b = fill(a.subarray(0, v)).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k] + b[k] + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * How a PFX's key and MAC are protected:
 *   - 'aes256-sha256': PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256) and an HMAC-SHA256 MAC, for files people
 *     keep (Kestrel, exports): OpenSSL 3's default profile;
 *   - '3des-sha1': pbeWithSHAAnd3-KeyTripleDES-CBC and an HMAC-SHA1 MAC, the one profile every Windows
 *     imports — PBES2/AES needs Windows 10 1709 or Server 2019; Windows 10 before 1709 and Server 2016
 *     refuse it. For transient files only: the import's own copy, under a random one-off password, deleted
 *     by the step that imports it.
 */
export type PfxEncryption = 'aes256-sha256' | '3des-sha1';

export interface PfxInput {
  certDer: Buffer;
  chainDer?: Buffer[];
  key: crypto.KeyObject;
  password: string;
  friendlyName?: string;
  /** Default 'aes256-sha256'. */
  encryption?: PfxEncryption;
}

const PFX_ITERATIONS = 2048;

/** The key as an EncryptedPrivateKeyInfo under PKCS#12's own 3DES PBE (RFC 7292 appendix C). */
function tripleDesShroudedKey(key: crypto.KeyObject, password: string): Buffer {
  const salt = crypto.randomBytes(8);
  const cipher = crypto.createCipheriv('des-ede3-cbc', pkcs12Kdf('sha1', 1, password, salt, PFX_ITERATIONS, 24), pkcs12Kdf('sha1', 2, password, salt, PFX_ITERATIONS, 8));
  const encrypted = Buffer.concat([cipher.update(key.export({ type: 'pkcs8', format: 'der' })), cipher.final()]);
  return seq([seq([oid(P12.pbeWithSHAAnd3KeyTripleDESCBC), seq([octets(salt), integer(PFX_ITERATIONS)])]), octets(encrypted)]);
}

export function toPfx(input: PfxInput): Buffer {
  const legacy = input.encryption === '3des-sha1';
  // localKeyId ties the key to its certificate; the SHA-1 of the certificate is the customary value.
  const localKeyId = crypto.createHash('sha1').update(input.certDer).digest();
  const certBag = (der: Buffer, main: boolean) => seq([
    oid(P12.certBag),
    context(0, seq([oid(P12.x509Certificate), context(0, octets(der), true)]), true),
    bagAttributes(main ? input.friendlyName : undefined, main ? localKeyId : undefined),
  ]);
  const encryptedKey = legacy ? tripleDesShroudedKey(input.key, input.password)
    : input.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: input.password });
  const keyBag = seq([oid(P12.shroudedKeyBag), context(0, encryptedKey, true), bagAttributes(input.friendlyName, localKeyId)]);
  const authSafe = seq([
    dataContentInfo(seq([certBag(input.certDer, true), ...(input.chainDer ?? []).map(d => certBag(d, false))])),
    dataContentInfo(seq([keyBag])),
  ]);
  const hash = legacy ? 'sha1' : 'sha256';
  const salt = crypto.randomBytes(legacy ? 8 : 16);
  const macKey = pkcs12Kdf(hash, 3, input.password, salt, PFX_ITERATIONS, legacy ? 20 : 32);
  const mac = crypto.createHmac(hash, macKey).update(authSafe).digest();
  return seq([
    integer(3),
    seq([oid(P12.data), context(0, octets(authSafe), true)]),
    seq([seq([seq([oid(legacy ? P12.sha1 : P12.sha256), derNull()]), octets(mac)]), octets(salt), integer(PFX_ITERATIONS)]),
  ]);
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

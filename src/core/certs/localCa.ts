/**
 * The local development CA: one root per user, kept in the config dir (key 0600), created once and
 * reused. Leaves are signed by it, so trusting the root once survives every regeneration of a leaf —
 * mkcert's model. The CA never signs anything but development certificates made by this tool, and it
 * carries critical name constraints (nameConstraints.ts): loopback names plus DEVCERT_DOCTOR_CA_NAMES.
 * A CA made before that has none; it keeps working, and plans that use it say so (planRepair.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { caDir, type ConfigContext, isForeignPlatform, pathFor, type PathContext, placeholderHome, writeFileAtomic } from '../io';
import { readCertificateFile } from './formats';
import { generateKey, privateKeyPem, type KeyAlgorithm } from './keys';
import { localCaPermittedNames } from './nameConstraints';
import { inspectCertificate } from './parse';
import { KeyUsageBit, OID, basicConstraints, keyUsage, nameConstraints, randomSerial, signCertificate, subjectKeyIdentifier, type NameAttrs } from './x509';
import { toPem } from './encoding';

export interface LocalCa {
  certPem: string;
  certDer: Buffer;
  key: crypto.KeyObject;
  name: NameAttrs;
  certFile: string;
  keyFile: string;
  notAfter: Date;
}

export const CA_CERT_FILE = 'rootCA.pem';
export const CA_KEY_FILE = 'rootCA-key.pem';
const CA_YEARS = 10;

/** `ctx` is this machine's environment, or a context naming another platform (its files, in its layout). */
export function localCaFiles(ctx: ConfigContext = process.env): { dir: string; certFile: string; keyFile: string } {
  const dir = caDir(ctx);
  const p = pathFor((ctx as PathContext).platform ?? (process.platform as NonNullable<PathContext['platform']>));
  return { dir, certFile: p.join(dir, CA_CERT_FILE), keyFile: p.join(dir, CA_KEY_FILE) };
}

/**
 * The CA's name says whose machine it belongs to, so a user looking at a trust store can tell. For a
 * plan rendered for another platform it is that account's (its home folder's name), never this machine's
 * user and host, which would name the wrong machine in the plan shown.
 */
export function localCaName(ctx?: ConfigContext): NameAttrs {
  let owner: string;
  if (isForeignPlatform(ctx as PathContext)) {
    const { platform, homeDir } = ctx as PathContext;
    owner = pathFor(platform!).basename(homeDir ?? placeholderHome(platform!));
  } else {
    let user = 'user';
    try { user = os.userInfo().username; } catch { /* no passwd entry in some containers */ }
    owner = `${user}@${os.hostname()}`;
  }
  return { o: 'DevCert Doctor development CA', ou: owner, cn: `DevCert Doctor local CA (${owner})` };
}

/**
 * The CA in the config folder, or undefined when there is none. Read by the shared certificate reader,
 * so a damaged file or a key that does not belong to the certificate is the same plain CertificateFormatError
 * as any other input. Another platform's CA is not on this machine: undefined, nothing read.
 */
export function loadLocalCa(ctx: ConfigContext = process.env): LocalCa | undefined {
  if (isForeignPlatform(ctx as PathContext)) return undefined;
  const { certFile, keyFile } = localCaFiles(ctx);
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return undefined;
  const { certDer, key } = readCertificateFile(certFile, { keyFile });
  const x = new crypto.X509Certificate(certDer);
  const certPem = toPem(certDer);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? 'DevCert Doctor local CA';
  const o = /(?:^|\n)O=([^\n]*)/.exec(x.subject)?.[1];
  const ou = /(?:^|\n)OU=([^\n]*)/.exec(x.subject)?.[1];
  return { certPem, certDer: x.raw, key: key!, name: { cn, o, ou }, certFile, keyFile, notAfter: new Date(x.validTo) };
}

/** The names a CA may vouch for; undefined when it carries no name constraints (any name). */
export function permittedNamesOf(ca: Pick<LocalCa, 'certDer'>): string[] | undefined {
  return inspectCertificate(ca.certDer).nameConstraints?.permitted;
}

/** A new CA in memory (nothing written): the caller decides whether it is persisted. */
export async function createLocalCa(ctx: ConfigContext = process.env, algorithm: KeyAlgorithm = 'rsa'): Promise<LocalCa> {
  const { certFile, keyFile } = localCaFiles(ctx);
  const permitted = localCaPermittedNames('env' in ctx && typeof ctx.env === 'object' ? ctx.env as NodeJS.ProcessEnv : ctx as NodeJS.ProcessEnv);
  const { privateKey, publicKey } = await generateKey(algorithm);
  const name = localCaName(ctx);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const certDer = signCertificate({
    serial: randomSerial(), subject: name, issuer: name, notBefore, notAfter, publicKey, signingKey: privateKey,
    extensions: [
      { oid: OID.basicConstraints, critical: true, value: basicConstraints(true, 0) },
      { oid: OID.keyUsage, critical: true, value: keyUsage([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]) },
      { oid: OID.subjectKeyIdentifier, critical: false, value: subjectKeyIdentifier(publicKey) },
      // Critical, so a client that cannot enforce the constraints refuses the CA rather than ignoring them.
      { oid: OID.nameConstraints, critical: true, value: nameConstraints(permitted) },
    ],
  });
  return { certPem: toPem(certDer), certDer, key: privateKey, name, certFile, keyFile, notAfter };
}

export function saveLocalCa(ca: LocalCa): void {
  // Key first and 0600: a CA certificate without its key is useless, a key readable by others is a hazard.
  writeFileAtomic(ca.keyFile, privateKeyPem(ca.key), 0o600);
  writeFileAtomic(ca.certFile, ca.certPem, 0o644);
}

/** The CA, created and saved on first use. `created` tells the caller to mention it. */
export async function ensureLocalCa(env: NodeJS.ProcessEnv = process.env): Promise<{ ca: LocalCa; created: boolean }> {
  const existing = loadLocalCa(env);
  if (existing && existing.notAfter.getTime() > Date.now() + 30 * 86400_000) return { ca: existing, created: false };
  const ca = await createLocalCa(env);
  saveLocalCa(ca);
  return { ca, created: true };
}

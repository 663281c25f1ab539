/**
 * Generating development certificates by profile (see profiles.ts): keys from Node's crypto, the
 * certificate encoded in x509.ts, and the outputs servers take (PEM pair, PFX, DER .cer).
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { writeFileAtomic } from '../io';
import type { CertificateRef } from './types';
import { certificateRef, toPfx } from './formats';
import { generateKey, privateKeyPem, type KeyAlgorithm } from './keys';
import { ensureLocalCa, loadLocalCa, permittedNamesOf, type LocalCa } from './localCa';
import { CA_NAMES_ENV, namesOutside } from './nameConstraints';
import { MAX_TLS_SERVER_VALIDITY_DAYS, maxValidityDays, PROFILES, type CertProfileId } from './profiles';
import { OID, authorityKeyIdentifier, basicConstraints, extKeyUsage, keyUsage, randomSerial, signCertificate, subjectAltName, subjectKeyIdentifier, type Extension } from './x509';
import { toPem } from './encoding';

export type { CertProfileId } from './profiles';
export type { KeyAlgorithm } from './keys';

export interface GenerateOptions {
  profile: CertProfileId;
  key?: KeyAlgorithm;
  /** Subject CN (default per profile: `localhost`, or the client name). */
  cn?: string;
  /** SANs (DNS names / IPs); default per profile. */
  hosts?: string[];
  days?: number;
  /** For `client`: sign by the local CA instead of self-signing. */
  signWithLocalCa?: boolean;
  /** Use this CA instead of the one in the config dir (tests, the demo's throwaway CA). */
  ca?: LocalCa;
  /** Config dir environment (DEVCERT_DOCTOR_HOME) for the local CA. */
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface GeneratedCertificate {
  profile: CertProfileId;
  certPem: string;
  certDer: Buffer;
  key: crypto.KeyObject;
  keyPem: string;
  keyAlgorithm: KeyAlgorithm;
  /** The issuing CA's certificate when signed by one (what a store must trust). */
  issuerPem?: string;
  /** True when the local CA was created by this call (and saved in the config dir). */
  createdCa: boolean;
  friendlyName?: string;
  sha1: string;
  sha256: string;
  notBefore: Date;
  notAfter: Date;
  /** What to trust so this certificate is accepted: the CA for local-CA leaves, else itself. */
  trustAnchor: CertificateRef;
}

export async function generateCertificate(opts: GenerateOptions): Promise<GeneratedCertificate> {
  const shape = PROFILES[opts.profile];
  if (!shape) throw new Error(`unknown profile "${opts.profile}"`);
  const env = opts.env ?? process.env;
  const useCa = opts.profile === 'client' ? !!opts.signWithLocalCa : shape.issuedByLocalCa;
  let ca = opts.ca;
  let createdCa = false;
  if (useCa && !ca) ({ ca, created: createdCa } = await ensureLocalCa(env));

  const days = opts.days ?? shape.days;
  const maxDays = maxValidityDays(opts.profile);
  if (!(days >= 1 && days <= maxDays)) {
    throw new Error(`a ${opts.profile} certificate may be valid for 1 to ${maxDays} days, not ${days}`
      + (maxDays === MAX_TLS_SERVER_VALIDITY_DAYS ? ' (macOS refuses TLS server certificates valid for longer)' : ''));
  }
  const keyAlgorithm = opts.key ?? shape.defaultKey;
  const { privateKey, publicKey } = await generateKey(keyAlgorithm);
  const now = opts.now ?? new Date();
  // A minute of slack: a container or VM whose clock is slightly behind still accepts a fresh cert. The
  // validity (notAfter − notBefore) is exactly `days`, so 825 stays within Apple's limit to the second.
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86400_000);
  const cn = opts.cn ?? shape.defaultCn;
  const hosts = opts.hosts?.length ? opts.hosts : shape.defaultSans;
  const issuerKeyPublic = ca ? crypto.createPublicKey(ca.key) : publicKey;
  const permitted = ca && permittedNamesOf(ca);
  const outside = permitted ? namesOutside(permitted, hosts) : [];
  if (outside.length) {
    throw new Error(`the local CA may only vouch for ${permitted!.join(', ')}, not ${outside.join(', ')} `
      + `(names are added with ${CA_NAMES_ENV} when the local CA is created)`);
  }

  const extensions: Extension[] = [
    { oid: OID.basicConstraints, critical: true, value: basicConstraints(false) },
    { oid: OID.keyUsage, critical: shape.keyUsageCritical, value: keyUsage(shape.keyUsage) },
    { oid: OID.extKeyUsage, critical: shape.ekuCritical, value: extKeyUsage(shape.ekus) },
    ...(hosts.length ? [{ oid: OID.subjectAltName, critical: shape.sanCritical, value: subjectAltName(hosts) }] : []),
    // SKI/AKI let OpenSSL pick the right issuer when several share a subject (dotnet/aspnetcore#64261).
    { oid: OID.subjectKeyIdentifier, critical: false, value: subjectKeyIdentifier(publicKey) },
    { oid: OID.authorityKeyIdentifier, critical: false, value: authorityKeyIdentifier(issuerKeyPublic) },
    ...(shape.aspNetCoreMarker !== undefined
      ? [{ oid: OID.aspNetCoreHttps, critical: false, value: Buffer.from([shape.aspNetCoreMarker]) }] : []),
  ];
  const subject = { cn };
  const certDer = signCertificate({
    serial: randomSerial(), subject, issuer: ca ? ca.name : subject, notBefore, notAfter, publicKey,
    signingKey: ca ? ca.key : privateKey, extensions,
  });
  const certPem = toPem(certDer);
  const leafRef = certificateRef(certDer);
  return {
    profile: opts.profile, certPem, certDer, key: privateKey, keyPem: privateKeyPem(privateKey), keyAlgorithm,
    issuerPem: ca?.certPem, createdCa, friendlyName: shape.friendlyName,
    sha1: leafRef.sha1, sha256: leafRef.sha256, notBefore, notAfter,
    trustAnchor: ca ? certificateRef(ca.certPem) : leafRef,
  };
}

export type OutputFormat = 'pem' | 'pfx' | 'cer';

export interface WrittenFiles { cert?: string; key?: string; pfx?: string; cer?: string }

/** File names for `name` in `dir`: name.pem + name-key.pem, name.pfx, name.cer. */
export function outputPaths(dir: string, name: string): Required<WrittenFiles> {
  return {
    cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}-key.pem`),
    pfx: path.join(dir, `${name}.pfx`), cer: path.join(dir, `${name}.cer`),
  };
}

/**
 * Write the chosen formats. The key and the PFX are 0600; every file is written atomically, so a
 * server watching the path never reads half a key.
 */
export function writeCertificateFiles(gen: Pick<GeneratedCertificate, 'certPem' | 'certDer' | 'key' | 'issuerPem' | 'friendlyName'>,
  dir: string, name: string, formats: OutputFormat[], password?: string): WrittenFiles {
  const p = outputPaths(dir, name);
  const out: WrittenFiles = {};
  if (formats.includes('pem')) {
    // Leaf then issuer: servers send what is in this file, and a chain helps clients that lack the root.
    writeFileAtomic(p.key, privateKeyPem(gen.key), 0o600);
    writeFileAtomic(p.cert, gen.certPem + (gen.issuerPem ?? ''), 0o644);
    out.cert = p.cert; out.key = p.key;
  }
  if (formats.includes('pfx')) {
    if (password === undefined) throw new Error('a PFX needs a password (it protects the private key inside)');
    const issuer = gen.issuerPem ? [new crypto.X509Certificate(gen.issuerPem).raw] : [];
    writeFileAtomic(p.pfx, toPfx({ certDer: gen.certDer, chainDer: issuer, key: gen.key, password, friendlyName: gen.friendlyName }), 0o600);
    out.pfx = p.pfx;
  }
  if (formats.includes('cer')) {
    writeFileAtomic(p.cer, gen.certDer, 0o644);
    out.cer = p.cer;
  }
  return out;
}

export { loadLocalCa, ensureLocalCa };

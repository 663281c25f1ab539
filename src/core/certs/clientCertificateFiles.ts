/**
 * Creating a client certificate for mTLS development and writing it as PFX + PEM pair, all or
 * nothing: a server that pins the thumbprint must never be handed a PFX whose PEM twin is missing
 * or from a different key. The certificate itself comes from the shared generator (profile
 * `client`: clientAuth EKU), self-signed or signed by the local development CA.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from '../io';
import { toPfx } from './formats';
import { generateCertificate, type GeneratedCertificate } from './generate';
import type { KeyAlgorithm } from './keys';

export type ClientCertSigner = 'self' | 'local-ca';

export interface ClientCertificatePaths { pfx: string; cert: string; key: string }

/** `dir/name.pfx` → `dir/name.pem` + `dir/name-key.pem` (the names `generate` and mkcert use). */
export function clientCertificatePaths(pfxPath: string): ClientCertificatePaths {
  const abs = path.resolve(pfxPath);
  const stem = abs.replace(/\.(pfx|p12)$/i, '');
  return { pfx: abs, cert: `${stem}.pem`, key: `${stem}-key.pem` };
}

/** Why files cannot be written, found before a key is generated (so a bad `--out` costs nothing). */
export class OutputPathError extends Error {}

/**
 * Checks the destination can take the three files: the folder exists (or can be created under a
 * writable folder) and no file is in the way unless `overwrite`.
 */
export function checkOutputPaths(paths: ClientCertificatePaths, overwrite: boolean): void {
  const dir = path.dirname(paths.pfx);
  let probe = dir;
  // The nearest existing ancestor decides: it must be a folder we may write in.
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  let st: fs.Stats;
  try { st = fs.statSync(probe); } catch (err) { throw new OutputPathError(describeFsError(err as NodeJS.ErrnoException, dir)); }
  if (!st.isDirectory()) throw new OutputPathError(`cannot write into ${dir}: ${probe} is a file, not a folder`);
  try { fs.accessSync(probe, fs.constants.W_OK); } catch {
    throw new OutputPathError(`cannot write into ${dir}: permission denied on ${probe}`);
  }
  for (const file of [paths.pfx, paths.cert, paths.key]) {
    if (!fs.existsSync(file)) continue;
    if (fs.statSync(file).isDirectory()) throw new OutputPathError(`${file} is a folder`);
    if (!overwrite) {
      throw new OutputPathError(`${file} already exists (a server may pin its thumbprint): choose another --out, or --force to replace it`);
    }
  }
}

interface PendingFile { file: string; data: string | Buffer; mode: number }

/**
 * Writes every file to a temp name beside its target first (created with its final mode, fsynced),
 * then renames them into place. A failure before the renames leaves nothing behind; a rename
 * failure removes the files already renamed (only possible with `overwrite`: the old ones are gone).
 */
export function writeFilesAllOrNothing(files: PendingFile[]): void {
  const dir = path.dirname(files[0].file);
  let createdDir: string | undefined;
  const temps: string[] = [];
  const placed: string[] = [];
  let current = dir;
  try {
    createdDir = fs.mkdirSync(dir, { recursive: true }) ?? undefined;
    for (const f of files) {
      current = f.file;
      const tmp = path.join(path.dirname(f.file), `.${path.basename(f.file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
      const fd = fs.openSync(tmp, 'wx', f.mode);
      temps.push(tmp);
      try { fs.writeFileSync(fd, f.data); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
      fs.chmodSync(tmp, f.mode); // the umask may have narrowed it; never wider than asked
    }
    files.forEach((f, i) => { current = f.file; fs.renameSync(temps[i], f.file); placed.push(f.file); });
  } catch (err) {
    for (const t of temps) fs.rmSync(t, { force: true });
    for (const p of placed) fs.rmSync(p, { force: true });
    if (createdDir) fs.rmSync(createdDir, { recursive: true, force: true });
    throw new OutputPathError(describeFsError(err as NodeJS.ErrnoException, current));
  }
}

export interface CreateClientCertificateOptions {
  cn?: string;
  days?: number;
  key?: KeyAlgorithm;
  signedBy?: ClientCertSigner;
  /** Where the PFX goes; the PEM pair goes beside it. */
  pfxPath: string;
  password: string;
  overwrite?: boolean;
  /** Config-dir environment for the local CA (DEVCERT_DOCTOR_HOME in tests). */
  env?: NodeJS.ProcessEnv;
}

export interface CreatedClientCertificate extends ClientCertificatePaths {
  sha1: string;
  sha256: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  signedBy: ClientCertSigner;
  keyAlgorithm: KeyAlgorithm;
  /** The local CA was created by this call (its certificate is what a CA-checking server must trust). */
  createdCa: boolean;
  /** The CA certificate (PEM) when signed by the local CA. */
  issuerPem?: string;
}

export async function createClientCertificateFiles(o: CreateClientCertificateOptions): Promise<CreatedClientCertificate> {
  const paths = clientCertificatePaths(o.pfxPath);
  checkOutputPaths(paths, !!o.overwrite);
  const signedBy = o.signedBy ?? 'self';
  const keyAlgorithm = o.key ?? 'rsa';
  const gen: GeneratedCertificate = await generateCertificate({
    profile: 'client', cn: o.cn, days: o.days, key: keyAlgorithm, signWithLocalCa: signedBy === 'local-ca', env: o.env,
  });
  const issuerDer = gen.issuerPem ? [new crypto.X509Certificate(gen.issuerPem).raw] : [];
  // The PFX carries the CA too, so a client that sends its chain (Windows, .NET) can send it.
  const pfx = toPfx({ certDer: gen.certDer, chainDer: issuerDer, key: gen.key, password: o.password, friendlyName: o.cn ?? 'devcert-doctor client' });
  writeFilesAllOrNothing([
    { file: paths.key, data: gen.keyPem, mode: 0o600 },
    { file: paths.pfx, data: pfx, mode: 0o600 },
    { file: paths.cert, data: gen.certPem + (gen.issuerPem ?? ''), mode: 0o644 },
  ]);
  const x = new crypto.X509Certificate(gen.certDer);
  return {
    ...paths, sha1: gen.sha1, sha256: gen.sha256,
    subject: x.subject.split('\n').join(', '), issuer: x.issuer.split('\n').join(', '),
    notBefore: gen.notBefore.toISOString(), notAfter: gen.notAfter.toISOString(),
    signedBy, keyAlgorithm, createdCa: gen.createdCa, issuerPem: gen.issuerPem,
  };
}

/** A password for a PFX when the user gave none: 144 random bits, URL-safe so it survives shells and dialogs. */
export function generatePfxPassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}

/**
 * A trust sandbox: one folder standing in for this machine's stores, so the tool can be tried (and
 * tested) without elevation and without touching the real ones. DIR/system is a private
 * update-ca-certificates tree (linuxSystem.ts), DIR/home a HOME whose ~/.pki/nssdb is a browser's NSS
 * database. A fresh or empty DIR is prepared here, as a machine would have them before anything is
 * added; a DIR prepared before is left exactly as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCertificate } from '../certs';
import { isInstalled, run } from '../io';
import { prepareLinuxSandbox, sandboxPaths } from './linuxSystem';

export interface TrustSandbox {
  root: string;
  /** The sandbox HOME (NSS databases under it). */
  home: string;
  /** The update-ca-certificates tree. */
  system: string;
  /** The system bundle OpenSSL reads there (SSL_CERT_FILE). */
  bundle: string;
  /** The system tree is built (update-ca-certificates exists here). */
  systemReady: boolean;
  /** HOME has a browser NSS database (certutil exists here). */
  nssReady: boolean;
}

export const trustSandboxPaths = (root: string) => {
  const system = path.join(root, 'system');
  return { root, home: path.join(root, 'home'), system, bundle: sandboxPaths(system).bundle, nssdb: path.join(root, 'home', '.pki', 'nssdb') };
};

/** Thrown when DIR cannot be a sandbox (a file is in the way): bad input, not a failed plan. */
export class SandboxError extends Error {}

export async function prepareTrustSandbox(root: string, tools: { certutil?: string } = {}): Promise<TrustSandbox> {
  const p = trustSandboxPaths(root);
  const st = fs.statSync(root, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new SandboxError(`${root} is a file, not a folder: a sandbox needs a folder (a new one is prepared)`);
  fs.mkdirSync(p.home, { recursive: true });
  let systemReady = fs.existsSync(p.bundle);
  if (!systemReady && process.platform === 'linux' && await isInstalled('update-ca-certificates', ['--help'])) {
    // Stands in for the distribution's CAs (linuxSystem.ts says why the tree always holds one); made in memory, never trusted.
    const placeholder = await generateCertificate({ profile: 'client', cn: 'sandbox placeholder CA', key: 'ecdsa' });
    await prepareLinuxSandbox(p.system, placeholder.certPem);
    systemReady = true;
  }
  let nssReady = fs.existsSync(path.join(p.nssdb, 'cert9.db'));
  const certutil = tools.certutil ?? 'certutil';
  if (!nssReady && await isInstalled(certutil, ['-H'])) {
    // What a browser's first start leaves behind: an empty database without a password.
    fs.mkdirSync(p.nssdb, { recursive: true });
    const r = await run(certutil, ['-N', '-d', `sql:${p.nssdb}`, '--empty-password']);
    if (r.code !== 0) throw new Error(`certutil could not create the sandbox's NSS database: ${r.stderr.trim()}`);
    nssReady = true;
  }
  return { root, home: p.home, system: p.system, bundle: p.bundle, systemReady, nssReady };
}

/**
 * macOS login keychain (mkcert's shape: the exact `security` command in plain sight).
 *   add:    security add-trusted-cert -r trustRoot -p ssl -p basic -k ~/Library/Keychains/login.keychain-db <file>
 *           Not elevated: the user trust domain needs no root, but macOS shows its authorization
 *           dialog (the login password) before it changes trust settings.
 *   check:  security verify-cert -c <file> -p ssl -s <name> (exit code), a leaf checked for the name it
 *           serves; a CA with the basic policy. Presence in the keychain: find-certificate -a -Z -p.
 *   remove: security remove-trusted-cert <file>, then security delete-certificate -Z <SHA-1> <keychain>.
 */
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configDir, run } from '../io';
import { type CommandAction, type PlanStep, writeFileStep, trustRecord } from '../plan';
import type { CertificateRef } from '../certs';
import type { TrustContext, TrustStore } from './store';
import { isNoTrustSettings, parseDumpTrustSettings, parseFindCertificate } from './darwinSecurityParse';

type Runner = typeof run;

export const SECURITY = 'security';

export function loginKeychain(ctx: Pick<TrustContext, 'homeDir'>): string {
  return path.posix.join(ctx.homeDir, 'Library', 'Keychains', 'login.keychain-db');
}

/** Where the PEM handed to `security` lives (the remove plan needs the same file). */
export function darwinTrustedFile(cert: CertificateRef, ctx: Pick<TrustContext, 'homeDir' | 'env'>): string {
  const dir = path.posix.join(configDir(ctx.env, 'darwin', ctx.homeDir), 'trusted');
  return path.posix.join(dir, `${cert.nickname.replace(/[^A-Za-z0-9._-]+/g, '_')}-${sha1(cert).slice(0, 8)}.pem`);
}

function sha1(cert: CertificateRef): string {
  if (!/^[0-9A-Fa-f]{40}$/.test(cert.sha1)) throw new Error(`"${cert.sha1}" is not a SHA-1 thumbprint (40 hex digits)`);
  return cert.sha1.toUpperCase();
}

const cmd = (...args: string[]): CommandAction => ({ type: 'command', command: SECURITY, args });
/** Changing user trust settings shows macOS's authorization prompt (password / Touch ID) and waits for it. */
const asking = (action: CommandAction): CommandAction => ({ ...action, waitsForUser: true });

/**
 * Trust limited to TLS: `-p ssl -p basic` (as dotnet's CertificateManager; mkcert limits to sslServer and
 * basicX509). Without `-p` the settings would trust the local CA — whose key sits in the user's config
 * folder — for code signing, S/MIME and IPsec as well.
 */
export const addTrustedCertAction = (keychain: string, file: string) =>
  asking(cmd('add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', keychain, file));
export const removeTrustedCertAction = (file: string) => asking(cmd('remove-trusted-cert', file));
export const deleteCertificateAction = (hash: string, keychain: string) => cmd('delete-certificate', '-Z', hash, keychain);
/** `-t` also drops the user trust settings: one command that undoes add-trusted-cert completely. */
export const deleteCertificateAndTrustAction = (hash: string, keychain: string) => cmd('delete-certificate', '-Z', hash, '-t', keychain);

/** A leaf is verified for the name it serves (SSL policy); a CA (local-ca profile) as an anchor. */
export function verifyCertArgs(cert: CertificateRef, file: string): string[] {
  const x = new X509Certificate(cert.pem);
  if (x.ca) return ['verify-cert', '-c', file];
  const dns = (x.subjectAltName ?? '').split(/,\s*/).filter(n => n.startsWith('DNS:')).map(n => n.slice(4));
  const name = dns.includes('localhost') ? 'localhost' : dns[0] ?? 'localhost';
  return ['verify-cert', '-c', file, '-p', 'ssl', '-s', name];
}

function commonName(cert: CertificateRef): string | undefined {
  return /(?:^|[,/\n]\s*)CN=([^,/\n]+)/.exec(cert.subject)?.[1]?.trim()
    ?? /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(cert.pem).subject)?.[1]?.trim();
}

/**
 * Read-only probes. `runner` defaults to exec.ts `run`; tests pass captured `security` output because
 * the tool exists only on macOS (so what they test is the parsing of its real output format).
 */
export function darwinProbes(runner: Runner = run) {
  return {
    /** verify-cert exit 0: trusted (by the login keychain or any other trust domain). */
    async isTrusted(cert: CertificateRef): Promise<boolean> {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcert-verify-'));
      try {
        const file = path.join(dir, 'cert.pem');
        fs.writeFileSync(file, cert.pem, { mode: 0o600 });
        const r = await runner(SECURITY, verifyCertArgs(cert, file), { timeoutMs: 30_000 });
        if (r.code === 2) throw new Error(`security verify-cert rejected its arguments: ${r.stderr.trim()}`);
        return r.code === 0;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    /** Is this exact certificate (by SHA-1) in the keychain? */
    async inKeychain(cert: CertificateRef, keychain: string): Promise<boolean> {
      const cn = commonName(cert);
      const args = ['find-certificate', '-a', ...(cn ? ['-c', cn] : []), '-Z', '-p', keychain];
      const r = await runner(SECURITY, args, { timeoutMs: 30_000 });
      // find-certificate exits non-zero when nothing matches ("The specified item could not be found").
      return parseFindCertificate(r.stdout).some(c => c.sha1 === sha1(cert));
    },
    /** Does the user trust domain hold settings for a certificate with this label? */
    async hasUserTrustSettings(cert: CertificateRef): Promise<boolean> {
      const r = await runner(SECURITY, ['dump-trust-settings'], { timeoutMs: 30_000 });
      if (isNoTrustSettings(r)) return false;
      if (r.code !== 0) throw new Error(`security dump-trust-settings failed (exit ${r.code}): ${r.stderr.trim()}`);
      const cn = commonName(cert);
      return parseDumpTrustSettings(r.stdout).some(e => e.label === cn);
    },
  };
}

/** The PEM `security` reads. A macOS path planned from any machine: never read here, its undo removes it. */
function pemStep(cert: CertificateRef, file: string): PlanStep {
  return writeFileStep({
    id: 'darwin-trust-file', title: `Write the certificate to ${file}`, path: file, contents: cert.pem,
    mode: 0o644, existing: null, changes: `file ${file}`,
  })!;
}

export function createDarwinKeychainStore(runner: Runner = run): TrustStore {
  const probes = darwinProbes(runner);
  return {
    id: 'darwin-keychain',
    label: 'macOS login keychain (security add-trusted-cert)',
    async available(ctx) {
      return ctx.platform === 'darwin' ? { ok: true } : { ok: false, reason: 'the login keychain exists only on macOS' };
    },
    check: async cert => probes.isTrusted(cert),
    async add(cert, ctx) {
      if (await probes.isTrusted(cert)) return [];
      const keychain = loginKeychain(ctx);
      const file = darwinTrustedFile(cert, ctx);
      const hash = sha1(cert);
      // If the certificate was already in the keychain (untrusted), undo only takes the trust away.
      const undo = (await probes.inKeychain(cert, keychain)) ? removeTrustedCertAction(file) : deleteCertificateAndTrustAction(hash, keychain);
      return [pemStep(cert, file), {
        id: 'trust-darwin-keychain',
        title: `Trust ${cert.subject} in your login keychain — macOS asks for your login password`,
        action: addTrustedCertAction(keychain, file),
        elevated: false,
        changes: `login keychain gains ${cert.subject} (${hash}) trusted as a root (user trust settings); macOS shows its authorization dialog`,
        record: { ...trustRecord('darwin-keychain', cert), thumbprint: hash },
        undo,
      }];
    },
    async remove(cert, ctx) {
      const keychain = loginKeychain(ctx);
      const [present, trusted] = [await probes.inKeychain(cert, keychain), await probes.hasUserTrustSettings(cert)];
      if (!present && !trusted) return [];
      const file = darwinTrustedFile(cert, ctx);
      const hash = sha1(cert);
      const steps: PlanStep[] = [pemStep(cert, file)];
      if (trusted) {
        steps.push({
          id: 'untrust-darwin-keychain',
          title: `Remove your trust settings for ${cert.subject} — macOS asks for your login password`,
          action: removeTrustedCertAction(file),
          elevated: false,
          changes: `user trust settings for ${cert.subject} (${hash}) removed`,
          undo: addTrustedCertAction(keychain, file),
        });
      }
      if (present) {
        steps.push({
          id: 'delete-darwin-keychain',
          title: `Delete ${cert.subject} from your login keychain`,
          action: deleteCertificateAction(hash, keychain),
          elevated: false,
          changes: `login keychain loses ${cert.subject} (${hash})`,
          undo: cmd('add-certificates', '-k', keychain, file),
        });
      }
      // Last, so every undo above still finds the file during a rollback.
      steps.push({ id: 'darwin-trust-file-cleanup', title: `Delete ${file}`, action: { type: 'remove-file', path: file },
        elevated: false, changes: `file ${file} removed` });
      return steps;
    },
  };
}

export const darwinKeychainStore = createDarwinKeychainStore();

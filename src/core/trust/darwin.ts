/**
 * macOS login keychain (mkcert's shape: the exact `security` command in plain sight).
 *   add:    security add-trusted-cert -r trustRoot -p ssl -p basic -k ~/Library/Keychains/login.keychain-db <file>
 *           Not elevated: the user trust domain needs no root, but macOS shows its authorization dialog (the
 *           login password or Touch ID) before it changes trust settings.
 *   check:  the certificate's own trust settings, by SHA-1 (`security trust-settings-export`, user and admin
 *           domains: darwinTrustSettings.ts), or a System Root — trusted for TLS as macOS decides it. Not
 *           `verify-cert`: that also applies Apple's other rules for TLS certificates (825 days, serverAuth,
 *           expiry), so a certificate trusted already but breaking one read as untrusted and its trust was
 *           planned again on every repair. Those rules are the verdicts' business (check/clientPolicy.ts),
 *           which plan a new certificate instead.
 *   remove: by SHA-1, exactly what this tool added: `security remove-trusted-cert <file>` when the user domain
 *           holds settings for that SHA-1 (never settings found by a label, which another "localhost" shares),
 *           then `security delete-certificate -Z <SHA-1> <keychain>` — only when the certificate was not in the
 *           keychain before the trust was added (ledger target `darwin-keychain`; an entry whose target is
 *           `darwin-keychain:trust-settings` recorded that only the trust settings were this tool's).
 */
import * as path from 'node:path';
import { configDir, run } from '../io';
import { type CommandAction, type LedgerEntry, type PlanStep, writeFileStep, trustRecord } from '../plan';
import { type CertificateRef, inspectCertificate, pemToDer } from '../certs';
import type { TrustContext, TrustStore } from './store';
import { type KeychainCertificate, parseFindCertificate } from './darwinSecurityParse';
import {
  APPLE_BASIC_X509_POLICY_OID, APPLE_SSL_POLICY_OID, darwinTlsTrust, type DarwinTrustDomains, readDarwinTrustDomains,
  type TlsTrust, TRUST_RESULT, type UsageConstraint,
} from './darwinTrustSettings';

type Runner = typeof run;

export const SECURITY = 'security';
export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';
export const SYSTEM_ROOTS_KEYCHAIN = '/System/Library/Keychains/SystemRootCertificates.keychain';
/** The ledger target of a trust whose certificate was in the keychain already: undoing it only removes the trust settings. */
export const DARWIN_TRUST_SETTINGS_TARGET = 'darwin-keychain:trust-settings';

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

const RESULT_FLAGS: Record<number, string> = { [TRUST_RESULT.trustRoot]: 'trustRoot', [TRUST_RESULT.trustAsRoot]: 'trustAsRoot', [TRUST_RESULT.deny]: 'deny' };
const POLICY_FLAGS: Record<string, string> = { [APPLE_SSL_POLICY_OID]: 'ssl', [APPLE_BASIC_X509_POLICY_OID]: 'basic' };

/**
 * The `add-trusted-cert` arguments that write these settings back (one result, `-p` per policy: the shape
 * add-trusted-cert itself writes); undefined when they are not that shape (an application or host name, a
 * policy it has no flag for), so a removal never claims an undo that would put back something else.
 */
export function addTrustedCertArgsFor(constraints: readonly UsageConstraint[]): string[] | undefined {
  const results = new Set(constraints.map(c => c.result));
  const result = constraints.length ? RESULT_FLAGS[[...results][0]] : 'trustRoot';
  if (results.size > 1 || !result || constraints.some(c => c.scoped)) return undefined;
  const policies = constraints.map(c => c.policy);
  if (policies.some(p => p === undefined) && constraints.length > 1) return undefined;
  const flags = policies.filter((p): p is string => p !== undefined).map(p => POLICY_FLAGS[p]);
  if (flags.some(f => !f)) return undefined;
  return ['-r', result, ...flags.flatMap(f => ['-p', f])];
}

/** The certificate as parsed (its CN for find-certificate, whether it is self-signed for the trust settings). */
function parsed(cert: CertificateRef) {
  const der = pemToDer(cert.pem)[0];
  if (!der) throw new Error(`no certificate in the PEM of ${cert.subject}`);
  return inspectCertificate(der);
}

/**
 * Read-only probes. `runner` defaults to exec.ts `run`; tests pass captured `security` output because
 * the tool exists only on macOS (so what they test is the parsing of its real output format).
 */
export function darwinProbes(runner: Runner = run) {
  const probes = {
    /** The certificates in a keychain (those whose label holds `name`, when given), each with its SHA-1. */
    async listKeychain(keychain: string, name?: string): Promise<KeychainCertificate[]> {
      const args = ['find-certificate', '-a', ...(name ? ['-c', name] : []), '-Z', '-p', keychain];
      const r = await runner(SECURITY, args, { timeoutMs: 30_000 });
      // find-certificate exits non-zero when nothing matches ("The specified item could not be found").
      return parseFindCertificate(r.stdout);
    },
    /** Is this exact certificate (by SHA-1) in the keychain? */
    async inKeychain(cert: CertificateRef, keychain: string): Promise<boolean> {
      const cn = parsed(cert).subjectAttributes.find(a => a.type === 'CN')?.value;
      return (await probes.listKeychain(keychain, cn)).some(c => c.sha1 === sha1(cert));
    },
    /** The user and admin trust settings, by SHA-1. */
    trustDomains: (): Promise<DarwinTrustDomains> => readDarwinTrustDomains(runner),
    /** macOS's TLS answer for the certificate, and the settings it was read from. */
    async tlsTrust(cert: CertificateRef): Promise<{ trust: TlsTrust; domains: DarwinTrustDomains }> {
      const domains = await probes.trustDomains();
      let trust = darwinTlsTrust({ sha1: sha1(cert), selfSigned: parsed(cert).summary.selfSigned }, domains, false);
      // Only a certificate no setting decides can be trusted as a System Root.
      if (trust === 'unspecified' && await probes.inKeychain(cert, SYSTEM_ROOTS_KEYCHAIN)) trust = 'trusted';
      return { trust, domains };
    },
  };
  return probes;
}

/** The PEM `security` reads. A macOS path planned from any machine: never read here, its undo removes it. */
function pemStep(cert: CertificateRef, file: string, elevated = false): PlanStep {
  return writeFileStep({
    id: 'darwin-trust-file', title: `Write the certificate to ${file}`, path: file, contents: cert.pem,
    mode: 0o644, existing: null, changes: `file ${file}`, elevated,
  })!;
}

/**
 * Where the elevated steps' PEM lives: a folder only root can write, the bytes carried inside the elevated
 * script — never a file in the user's config folder, which a program running as the user could swap before
 * root reads it (an undo would then trust that other certificate for every account).
 */
export const SYSTEM_PEM_DIR = '/Library/Application Support/devcert-doctor';

/** What removing one certificate from one keychain and its trust domain takes (found by SHA-1 while planning). */
export interface DarwinRemoval {
  /** The login keychain and the user trust domain, or System.keychain and the admin domain (elevated). */
  where: 'login' | 'system';
  /** The settings that domain holds for this SHA-1 (undefined: none): `remove-trusted-cert [-d]` first. */
  trustSettings?: readonly UsageConstraint[];
  /** The certificate is in that keychain: `delete-certificate -Z <SHA-1>` after. */
  inKeychain: boolean;
}

/**
 * The steps that remove one certificate by SHA-1 from each place given, each with its undo: per place the
 * PEM `remove-trusted-cert` reads, its trust settings, its keychain item, the PEM again. The System keychain
 * and the admin domain (where .NET 6 put its development certificate) need root: those steps are elevated,
 * their PEM written by the elevated script itself into SYSTEM_PEM_DIR.
 */
export function darwinRemovalSteps(cert: CertificateRef, removals: DarwinRemoval | readonly DarwinRemoval[], ctx: Pick<TrustContext, 'homeDir' | 'env'>): PlanStep[] {
  const places = (Array.isArray(removals) ? removals : [removals] as readonly DarwinRemoval[]).filter(r => r.trustSettings || r.inKeychain);
  const hash = sha1(cert);
  const steps: PlanStep[] = [];
  for (const removal of places) {
    const system = removal.where === 'system';
    const keychain = system ? SYSTEM_KEYCHAIN : loginKeychain(ctx);
    const where = system ? 'the System keychain' : 'your login keychain';
    const userFile = darwinTrustedFile(cert, ctx);
    const file = system ? path.posix.join(SYSTEM_PEM_DIR, path.posix.basename(userFile)) : userFile;
    steps.push(pemStep(cert, file, system));
    if (removal.trustSettings) {
      const back = addTrustedCertArgsFor(removal.trustSettings);
      steps.push({
        id: 'untrust-darwin-keychain',
        title: system ? `Remove the administrator trust settings for ${cert.subject} (SHA-1 ${hash})`
          : `Remove your trust settings for ${cert.subject} (SHA-1 ${hash}) — macOS asks for your login password`,
        action: system ? cmd('remove-trusted-cert', '-d', file) : removeTrustedCertAction(file),
        elevated: system,
        changes: `${system ? 'admin' : 'user'} trust settings for ${cert.subject} (${hash}) removed`,
        ...(back ? { undo: system ? cmd('add-trusted-cert', '-d', ...back, '-k', keychain, file) : asking(cmd('add-trusted-cert', ...back, '-k', keychain, file)) } : {}),
      });
    }
    if (removal.inKeychain) {
      steps.push({
        id: 'delete-darwin-keychain',
        title: `Delete ${cert.subject} (SHA-1 ${hash}) from ${where}`,
        action: deleteCertificateAction(hash, keychain),
        elevated: system,
        changes: `${where} loses ${cert.subject} (${hash})`,
        undo: cmd('add-certificates', '-k', keychain, file),
      });
    }
    // Last, so every undo above still finds the file during a rollback.
    steps.push({ id: 'darwin-trust-file-cleanup', title: `Delete ${file}`, action: { type: 'remove-file', path: file },
      elevated: system, changes: `file ${file} removed` });
  }
  return steps;
}

/** Settings in words, for a plan that replaces them. */
function settingsInWords(constraints: readonly UsageConstraint[]): string {
  if (!constraints.length) return 'trusted for everything';
  return constraints.map(c => `${Object.entries(TRUST_RESULT).find(([, n]) => n === c.result)?.[0] ?? `result ${c.result}`}`
    + ` for ${c.policy ? POLICY_FLAGS[c.policy] ?? c.policy : 'every use'}`).join(', ');
}

export function createDarwinKeychainStore(runner: Runner = run): TrustStore {
  const probes = darwinProbes(runner);
  return {
    id: 'darwin-keychain',
    label: 'macOS login keychain (security add-trusted-cert)',
    async available(ctx) {
      return ctx.platform === 'darwin' ? { ok: true } : { ok: false, reason: 'the login keychain exists only on macOS' };
    },
    check: async cert => (await probes.tlsTrust(cert)).trust === 'trusted',
    async add(cert, ctx) {
      const { trust, domains } = await probes.tlsTrust(cert);
      if (trust === 'trusted') return [];
      const keychain = loginKeychain(ctx);
      const file = darwinTrustedFile(cert, ctx);
      const hash = sha1(cert);
      // Already in the keychain (untrusted, as dotnet dev-certs leaves it): only the trust settings are ours.
      const present = await probes.inKeychain(cert, keychain);
      const replaced = domains.user.get(hash);
      return [pemStep(cert, file), {
        id: 'trust-darwin-keychain',
        title: `Trust ${cert.subject} in your login keychain — macOS asks for your login password`,
        action: addTrustedCertAction(keychain, file),
        elevated: false,
        changes: `login keychain ${present ? 'keeps' : 'gains'} ${cert.subject} (${hash}), trusted as a root for TLS (user trust settings); macOS shows its authorization dialog`
          + (replaced ? `; your earlier settings for it (${settingsInWords(replaced)}) are replaced, and undoing removes the new ones rather than bringing those back` : ''),
        record: { ...trustRecord(present ? DARWIN_TRUST_SETTINGS_TARGET : 'darwin-keychain', cert), thumbprint: hash },
        undo: present ? removeTrustedCertAction(file) : deleteCertificateAndTrustAction(hash, keychain),
      }];
    },
    async remove(cert, ctx, recorded?: Pick<LedgerEntry, 'target'>) {
      const settingsOnly = recorded?.target === DARWIN_TRUST_SETTINGS_TARGET;
      const domains = await probes.trustDomains();
      const inKeychain = !settingsOnly && await probes.inKeychain(cert, loginKeychain(ctx));
      return darwinRemovalSteps(cert, { where: 'login', trustSettings: domains.user.get(sha1(cert)), inKeychain }, ctx);
    },
  };
}

export const darwinKeychainStore = createDarwinKeychainStore();

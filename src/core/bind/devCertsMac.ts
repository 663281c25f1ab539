/**
 * `dotnet dev-certs https --clean` on macOS, as this plan's own steps.
 *
 * Why not run dotnet's: for each development certificate its --clean runs `sudo security delete-certificate
 * -Z <SHA-1> <keychain>` (MacOSCertificateManager) — sudo even for the user's own login keychain, hidden
 * inside the tool. From the editor (no terminal) sudo cannot ask and the step fails; from the CLI it asks
 * for the password on the terminal although the plan said nothing of it. A user who reads a plan expects it
 * to do what it shows, and no more privilege than the change needs. So each development certificate is
 * removed here, by SHA-1, the way dotnet removes it — trust settings, keychain item, the PFX copy in
 * ~/.aspnet/https — with nothing elevated for the login keychain (macOS's own password / Touch ID dialog
 * comes up only to change trust settings), and only a certificate .NET 6 put in the System keychain behind
 * the plan's one administrator prompt. `dotnet dev-certs https --trust` then makes and trusts the new one
 * without sudo (add-trusted-cert in the user domain, security import into the login keychain).
 *
 * Found on this Mac: every certificate with the ASP.NET Core marker (1.3.6.1.4.1.311.84.1.1) named
 * "localhost" in the login and System keychains, every `aspnetcore-localhost-<SHA-1>.pfx`, and both trust
 * domains by SHA-1 — the certificates --clean removes. A plan rendered for macOS elsewhere cannot list them:
 * it shows the served development certificates as dotnet 7+ keeps them, and says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificateRef, type CertificateRef, inspectCertificate, pemToDer } from '../certs';
import { type PlanStep, readExisting, sha256 } from '../plan';
import {
  APPLE_BASIC_X509_POLICY_OID, APPLE_SSL_POLICY_OID, darwinProbes, darwinRemovalSteps, type DarwinRemoval, loginKeychain,
  SYSTEM_KEYCHAIN, type UsageConstraint,
} from '../trust';
import type { BindContext, BindPlan, Runner } from './types';

/** One development certificate on the Mac and where it is. */
export interface MacDevCert {
  sha1: string;
  /** The certificate itself, when a keychain holds it (remove-trusted-cert reads a file of it). */
  cert?: CertificateRef;
  removals: DarwinRemoval[];
  /** dotnet 7+'s copy with its key; `sha256`: its bytes now, when read on this machine. */
  pfx?: { path: string; sha256?: string };
}

const PFX_NAME = /^aspnetcore-localhost-([0-9A-Fa-f]{40})\.pfx$/;

/** dotnet keeps each development certificate (with its key) in ~/.aspnet/https since .NET 7. */
export const macDevCertsFolder = (homeDir: string) => path.posix.join(homeDir, '.aspnet', 'https');

const isDevCert = (pem: string) => {
  const der = pemToDer(pem)[0];
  try { return !!der && inspectCertificate(der).summary.isAspNetCoreDevCert; } catch { return false; }
};

/** Every ASP.NET Core development certificate on this Mac, by SHA-1, with where each is. */
export async function findMacDevCerts(ctx: Pick<BindContext, 'homeDir'>, runner: Runner): Promise<MacDevCert[]> {
  const probes = darwinProbes(runner);
  const [login, system, domains] = await Promise.all([
    probes.listKeychain(loginKeychain(ctx), 'localhost'), probes.listKeychain(SYSTEM_KEYCHAIN, 'localhost'), probes.trustDomains(),
  ]);
  const found = new Map<string, MacDevCert>();
  const entry = (sha1: string) => found.get(sha1) ?? found.set(sha1, { sha1, removals: [] }).get(sha1)!;
  for (const [where, listed] of [['system', system], ['login', login]] as const) {
    for (const c of listed.filter(k => isDevCert(k.pem))) {
      const e = entry(c.sha1);
      e.cert ??= certificateRef(c.pem);
      e.removals.push({ where, inKeychain: true, trustSettings: (where === 'system' ? domains.admin : domains.user).get(c.sha1) });
    }
  }
  // Trust settings outlive a keychain item: a certificate in one keychain may be trusted in the other domain too.
  for (const e of found.values()) {
    for (const [where, domain] of [['system', domains.admin], ['login', domains.user]] as const) {
      if (!e.removals.some(r => r.where === where) && domain.has(e.sha1)) e.removals.push({ where, inKeychain: false, trustSettings: domain.get(e.sha1) });
    }
  }
  const folder = macDevCertsFolder(ctx.homeDir);
  let names: string[] = [];
  try { names = fs.readdirSync(folder); } catch { /* no folder: nothing dotnet 7+ made */ }
  for (const name of names) {
    const m = PFX_NAME.exec(name);
    const file = path.posix.join(folder, name);
    const bytes = m && readExisting(file)?.bytes;
    if (bytes) entry(m[1].toUpperCase()).pfx = { path: file, sha256: sha256(bytes) };
  }
  return [...found.values()];
}

/** dotnet's own trust for its certificate: `add-trusted-cert -r trustRoot -p basic -p ssl` in the user domain. */
const DOTNET_TRUST: UsageConstraint[] = [
  { policy: APPLE_BASIC_X509_POLICY_OID, result: 1, scoped: false }, { policy: APPLE_SSL_POLICY_OID, result: 1, scoped: false },
];

/** The served development certificates as dotnet 7+ leaves them (login keychain, trusted, a PFX copy): for a plan rendered elsewhere. */
export function assumedMacDevCerts(served: readonly CertificateRef[], homeDir: string): MacDevCert[] {
  return served.map(cert => ({
    sha1: cert.sha1, cert, removals: [{ where: 'login', inKeychain: true, trustSettings: DOTNET_TRUST }],
    pfx: { path: path.posix.join(macDevCertsFolder(homeDir), `aspnetcore-localhost-${cert.sha1}.pfx`) },
  }));
}

/** The steps that remove each one by SHA-1 (System places first, so the administrator prompt comes once, early). */
export function macDevCertsCleanSteps(found: readonly MacDevCert[], ctx: Pick<BindContext, 'homeDir' | 'env'>): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const d of found) {
    const order = [...d.removals].sort((a, b) => (a.where === 'system' ? 0 : 1) - (b.where === 'system' ? 0 : 1));
    if (d.cert) steps.push(...darwinRemovalSteps(d.cert, order, ctx));
    if (d.pfx) {
      steps.push({
        id: 'dev-certs-pfx',
        title: `Delete ${d.pfx.path} (dotnet's copy of that development certificate and its key)`,
        action: { type: 'remove-file', path: d.pfx.path, ...(d.pfx.sha256 ? { ifMatch: d.pfx.sha256 } : {}) },
        elevated: false,
        // No undo on purpose: it would keep the private key inside the plan, which is shown and printed.
        changes: `file ${d.pfx.path} removed (not undoable: the plan keeps no copy of a private key)`,
      });
    }
  }
  return steps;
}

/**
 * The clean for this Mac (found), or for a Mac elsewhere (the served development certificates, assumed
 * where dotnet keeps them), and what the user should know about it.
 */
export async function planMacDevCertsClean(ctx: BindContext & { runner: Runner }, served: readonly CertificateRef[] = []): Promise<BindPlan> {
  const here = ctx.platform === process.platform;
  const found = here ? await findMacDevCerts(ctx, ctx.runner) : assumedMacDevCerts(served, ctx.homeDir);
  const notes = ['dotnet\'s own `dotnet dev-certs https --clean` runs `sudo security delete-certificate`, which asks for a password on a terminal: '
    + 'this plan removes each development certificate itself, by SHA-1 — nothing elevated for your login keychain; macOS asks for your login password (or Touch ID) only to change trust settings.'];
  if (!here) {
    notes.push(`The ASP.NET Core development certificates on the Mac cannot be listed from ${process.platform}: `
      + (served.length ? 'the steps shown remove the served one, where dotnet 7+ keeps it' : 'there the plan removes each one it finds')
      + ' (login keychain, trusted, ~/.aspnet/https).');
  }
  return { steps: macDevCertsCleanSteps(found, ctx), notes };
}

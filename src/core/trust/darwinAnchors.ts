/**
 * What macOS trusts for TLS, as certificates the verdicts build paths to (anchors.ts), read from `security`
 * when Node cannot ask the OS itself — Node ≥ 22.15's tls.getCACertificates('system') reads the same trust
 * settings natively, and anchors.ts prefers it.
 *
 * Every certificate in the System Roots, System and login keychains (`security find-certificate -a -Z -p`),
 * judged by SHA-1 as macOS judges it (darwinTrustSettings.ts): an anchor only when its trust settings trust it
 * for SSL (or for everything) in the user or admin domain, or it is a System Root no setting denies. Sitting in
 * a keychain is not trust: `dotnet dev-certs https` (without --trust) puts its certificate in the login
 * keychain untrusted, and counting it would read as trusted and plan nothing. A denied certificate is left out
 * altogether; an undecided one that is not self-signed stays available as an intermediate, since macOS
 * completes chains from its keychains.
 */
import type { run } from '../io';
import { CertParseError, peekCertificate, pemToDer, type PeekedCertificate } from '../certs';
import { loginKeychain, SECURITY, SYSTEM_KEYCHAIN, SYSTEM_ROOTS_KEYCHAIN } from './darwin';
import { parseFindCertificate, type KeychainCertificate } from './darwinSecurityParse';
import { darwinTlsTrust, type DarwinTrustDomains, readDarwinTrustDomains } from './darwinTrustSettings';

/** The keychains a user's TLS clients search, System Roots first (a certificate in several is judged once, as a root). */
export const darwinKeychains = (homeDir: string) => [SYSTEM_ROOTS_KEYCHAIN, SYSTEM_KEYCHAIN, loginKeychain({ homeDir })];

export interface KeychainListing { keychain: string; certificates: KeychainCertificate[] }

export interface DarwinAnchors { anchors: PeekedCertificate[]; intermediates: PeekedCertificate[] }

/** Each listed certificate where macOS puts it for TLS: an anchor, an intermediate, or nowhere. */
export function darwinTlsAnchors(listings: readonly KeychainListing[], domains: DarwinTrustDomains, warnings: string[]): DarwinAnchors {
  const out: DarwinAnchors = { anchors: [], intermediates: [] };
  const seen = new Set<string>();
  for (const { keychain, certificates } of listings) {
    for (const c of certificates) {
      if (seen.has(c.sha1)) continue;
      seen.add(c.sha1);
      let peeked: PeekedCertificate;
      try { peeked = peekCertificate(pemToDer(c.pem)[0] ?? Buffer.alloc(0)); } catch (err) {
        if (!(err instanceof CertParseError)) throw err;
        warnings.push(`${keychain}: skipped a certificate that could not be read (${err.message})`);
        continue;
      }
      const trust = darwinTlsTrust({ sha1: c.sha1, selfSigned: peeked.selfSigned }, domains, keychain === SYSTEM_ROOTS_KEYCHAIN);
      if (trust === 'trusted') out.anchors.push(peeked);
      else if (trust === 'unspecified' && !peeked.selfSigned) out.intermediates.push(peeked);
    }
  }
  return out;
}

/**
 * The keychains' certificates and both trust domains, read with `runner` (exec.ts `run`, with the caller's
 * environment); what cannot be read is a warning, and without the trust settings only the System Roots count.
 */
export async function readDarwinAnchors(homeDir: string, runner: typeof run, warnings: string[]): Promise<DarwinAnchors & { sources: string[] }> {
  const keychains = darwinKeychains(homeDir);
  const listings = await Promise.all(keychains.map(async (keychain): Promise<KeychainListing> => {
    try {
      const res = await runner(SECURITY, ['find-certificate', '-a', '-Z', '-p', keychain], { timeoutMs: 20_000 });
      return { keychain, certificates: parseFindCertificate(res.stdout) };
    } catch (err) {
      warnings.push(`${keychain}: ${(err as Error).message}`);
      return { keychain, certificates: [] };
    }
  }));
  let domains: DarwinTrustDomains = { user: new Map(), admin: new Map() };
  try { domains = await readDarwinTrustDomains(runner); } catch (err) {
    warnings.push(`macOS trust settings could not be read (${(err as Error).message}): only the System Roots count as trusted`);
  }
  return { ...darwinTlsAnchors(listings, domains, warnings), sources: keychains };
}

/**
 * What each client accepts beyond trust: protocol versions, key exchange, key sizes, where it reads the
 * host name. Read from this machine where it can be (OPENSSL_CONF / openssl.cnf for the system's
 * OpenSSL, NODE_OPTIONS for Node); the rest is each client's documented default, checked against the
 * real clients by test/integration/verdicts-differential.test.ts:
 * - OpenSSL 3 (curl, openssl s_client, .NET on Linux): Debian and Fedora build it at security level 2
 *   (RSA and DH ≥ 2048 bits); TLS 1.0/1.1 need SHA-1 signatures, refused from level 1 up.
 * - Node 20: its own OpenSSL at level 1 (RSA ≥ 1024), `minDHSize` 1024, TLS 1.2 minimum by default.
 * - Chromium: TLS 1.2 minimum, no DHE suites at all, RSA ≥ 1024, the name only from subjectAltName.
 * All three fall back to the CN — except browsers — only when the certificate has no DNS name in its SAN.
 * - macOS (Safari, .NET, anything on Apple's verifier): Apple's rules for TLS server certificates, which no
 *   trust setting lifts (`tlsServerRules` below).
 */
import { readFileSync } from 'node:fs';
import { type CertificateSummary, MAX_TLS_SERVER_VALIDITY_DAYS } from '../certs';

export type ClientId = 'system' | 'node' | 'browsers';
export const CLIENT_IDS: readonly ClientId[] = ['system', 'node', 'browsers'];

/**
 * What a platform's own verifier demands of a TLS server certificate whatever its trust: Apple's rules
 * (support.apple.com/103769: at most 825 days and serverAuth for certificates issued from 2019-07-01). Its
 * other rules are modelled beside this one: names only from subjectAltName (`cnFallback`), RSA ≥ 2048
 * (`minRsaBits`), SHA-2 signatures (every client refuses SHA-1). The 398-day limit (support.apple.com/102028)
 * binds only chains to publicly trusted roots, whose CAs have issued nothing longer since 2020-09-01 (the
 * CA/Browser Forum's rule), never a root the user added: nothing to judge for a development certificate.
 * certs/profiles.ts keeps the certificates this tool makes inside these rules.
 */
export interface TlsServerRules {
  /** The rules bind certificates whose notBefore is on or after this instant. */
  since: string;
  /** Longest validity (notAfter − notBefore), in days. */
  maxValidityDays: number;
  /** The extended key usage must list serverAuth (an absent extension, or anyExtendedKeyUsage alone, is refused). */
  serverAuthRequired: boolean;
}

export const APPLE_TLS_SERVER_RULES: TlsServerRules = { since: '2019-07-01T00:00:00Z', maxValidityDays: MAX_TLS_SERVER_VALIDITY_DAYS, serverAuthRequired: true };

const DAY_MS = 86_400_000;

/** Why a client holding these rules refuses the certificate for TLS whatever is trusted, a few words each; empty when it does not. */
export function tlsServerRuleBreaks(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter' | 'extendedKeyUsage'>, rules: TlsServerRules | undefined): string[] {
  if (!rules) return [];
  const notBefore = Date.parse(cert.notBefore);
  if (!(notBefore >= Date.parse(rules.since))) return [];
  const breaks: string[] = [];
  const days = (Date.parse(cert.notAfter) - notBefore) / DAY_MS;
  if (days > rules.maxValidityDays) breaks.push(`it is valid for ${Math.ceil(days)} days, more than ${rules.maxValidityDays}`);
  if (rules.serverAuthRequired && !cert.extendedKeyUsage.includes('serverAuth')) {
    breaks.push(cert.extendedKeyUsage.length ? `its extended key usage (${cert.extendedKeyUsage.join(', ')}) lacks serverAuth` : 'it has no extended key usage listing serverAuth');
  }
  return breaks;
}

export interface ClientPolicy {
  /** Lowest TLS version offered, as TLS version numbers (0x0303 = TLS 1.2). */
  minProtocol: number;
  minRsaBits: number;
  /** Smallest finite-field DH group accepted; 0 = DHE suites are not offered at all. */
  minDhBits: number;
  /** Falls back to the subject CN when the certificate has no DNS subjectAltName. */
  cnFallback: boolean;
  /** The platform verifier's rules for TLS server certificates (macOS); absent: none beyond the above. */
  tlsServerRules?: TlsServerRules;
  /** What this policy is read from or assumed to be, for the details view. */
  assumed: string;
}

export type ClientPolicies = Record<ClientId, ClientPolicy>;

const TLS12 = 0x0303;
export const PROTOCOL_VERSIONS: Record<string, number> = { SSLv3: 0x0300, TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

/** OpenSSL security levels → the smallest RSA/DH key they allow. */
const LEVEL_BITS: Record<number, number> = { 0: 0, 1: 1024, 2: 2048, 3: 3072, 4: 7680, 5: 15360 };

/** The effective `SECLEVEL` and `MinProtocol` of an openssl.cnf (its system_default section, roughly). */
export function readOpensslPolicy(text: string | undefined): { level?: number; minProtocol?: number } {
  if (!text) return {};
  const lines = text.split(/\r?\n/).map(l => l.replace(/#.*/, '').trim());
  const level = lines.map(l => /^CipherString\s*=.*@SECLEVEL=(\d)/i.exec(l)).find(Boolean);
  const min = lines.map(l => /^MinProtocol\s*=\s*(\S+)/i.exec(l)).find(Boolean);
  return {
    ...(level ? { level: Number(level[1]) } : {}),
    ...(min && PROTOCOL_VERSIONS[min[1]] ? { minProtocol: PROTOCOL_VERSIONS[min[1]] } : {}),
  };
}

// Read and parsed once per file: every verdict asks, and the gate judges several endpoints at once.
const policyCache = new Map<string, ReturnType<typeof readOpensslPolicy>>();
function opensslPolicyOf(file: string): ReturnType<typeof readOpensslPolicy> {
  let policy = policyCache.get(file);
  if (!policy) {
    let text: string | undefined;
    try { text = readFileSync(file, 'utf8'); } catch { text = undefined; }
    policy = readOpensslPolicy(text);
    policyCache.set(file, policy);
  }
  return policy;
}

/** Node's `--tls-min-v1.x` / `--tls-max-v1.2` in NODE_OPTIONS; default TLS 1.2. */
function nodeMinProtocol(env: NodeJS.ProcessEnv): number {
  const m = /--tls-min-v1\.([0-3])/.exec(env.NODE_OPTIONS ?? '');
  return m ? 0x0301 + Number(m[1]) : TLS12;
}

export function clientPolicies(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ClientPolicies {
  let system: ClientPolicy;
  if (platform === 'win32') {
    system = { minProtocol: TLS12, minRsaBits: 1024, minDhBits: 1024, cnFallback: true, assumed: 'Windows Schannel defaults (TLS 1.2+, RSA ≥ 1024)' };
  } else if (platform === 'darwin') {
    system = {
      minProtocol: TLS12, minRsaBits: 2048, minDhBits: 2048, cnFallback: false, tlsServerRules: APPLE_TLS_SERVER_RULES,
      assumed: 'macOS TLS requirements (TLS 1.2+, RSA ≥ 2048, names from subjectAltName only; server certificates at most 825 days, with serverAuth)',
    };
  } else {
    const file = env.OPENSSL_CONF || '/etc/ssl/openssl.cnf';
    const read = opensslPolicyOf(file);
    // Debian, Ubuntu and Fedora build OpenSSL 3 at level 2 when the config names none.
    const level = read.level ?? 2;
    system = {
      minProtocol: Math.max(read.minProtocol ?? TLS12, level >= 1 ? TLS12 : 0x0301),
      minRsaBits: LEVEL_BITS[level] ?? 2048, minDhBits: LEVEL_BITS[level] ?? 2048, cnFallback: true,
      assumed: `OpenSSL security level ${level}${read.level === undefined ? ' (the distribution default)' : ` (${file})`}`,
    };
  }
  return {
    system,
    node: { minProtocol: nodeMinProtocol(env), minRsaBits: 1024, minDhBits: 1024, cnFallback: true, assumed: 'Node.js defaults (its own OpenSSL at security level 1, TLS 1.2+)' },
    browsers: { minProtocol: TLS12, minRsaBits: 1024, minDhBits: 0, cnFallback: false, assumed: 'Chromium (TLS 1.2+, no DHE suites, names from subjectAltName only)' },
  };
}

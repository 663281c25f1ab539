/**
 * macOS trust settings, read by SHA-1 and judged for TLS the way macOS judges them.
 *
 * `security trust-settings-export FILE` writes the user trust domain (`-d`: the admin domain) as a plist —
 * the format mkcert reads and rewrites — whose `trustList` dict is keyed by each certificate's SHA-1 (hex,
 * upper case); each entry's `trustSettings` array holds usage constraints (Apple's TrustSettingsSchema):
 *   kSecTrustSettingsPolicy       the policy OID (`data`: the OID's content bytes; a string in some writers):
 *                                 1.2.840.113635.100.1.3 SSL, 1.2.840.113635.100.1.2 basic X.509
 *   kSecTrustSettingsPolicyName   `sslServer`, `basicX509`... (the policy's name, beside it)
 *   kSecTrustSettingsResult       1 TrustRoot, 2 TrustAsRoot, 3 Deny, 4 Unspecified; absent: 1
 *   kSecTrustSettingsApplication, kSecTrustSettingsPolicyString: limited to one application / one host name
 *   kSecTrustSettingsAllowedError, kSecTrustSettingsKeyUsage: do not decide whether a certificate is an anchor
 * An empty (or absent) array means "trusted for everything". With no settings at all in a domain the tool
 * prints "SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found." and exits 1.
 *
 * How they decide TLS trust (Apple's SecTrustSettingsCopyTrustSettings documentation; Chromium's and Node's
 * readers of it do the same): the user domain, then the admin domain — the first domain with a deciding
 * answer wins; within a domain the constraints in order — the first that applies to SSL and decides wins. A
 * constraint applies to SSL when it names the SSL policy or no policy; one limited to an application or a host
 * name is passed over (a blanket answer would be wrong for every other application or host). Deny decides
 * "denied"; TrustRoot decides "trusted" for a self-signed certificate, TrustAsRoot for any other. Without a
 * deciding answer, the System Roots keychain's certificates are trusted (the system domain) and every other
 * certificate is not, whatever keychain it sits in — so an untrusted `dotnet dev-certs` certificate in the login
 * keychain, or a certificate trusted only for the basic X.509 policy, is not an anchor for TLS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBoundedFile, run } from '../io';
import { decodeOid } from '../certs';
import { isNoTrustSettings } from './darwinSecurityParse';
import { DEFAULT_PLIST_LIMITS, parsePlistXml, PlistError, plistArray, plistDict, type PlistValue } from './plistXml';

export const APPLE_SSL_POLICY_OID = '1.2.840.113635.100.1.3';
export const APPLE_BASIC_X509_POLICY_OID = '1.2.840.113635.100.1.2';
const POLICY_NAMES: Record<string, string> = { sslServer: APPLE_SSL_POLICY_OID, basicX509: APPLE_BASIC_X509_POLICY_OID };

export const TRUST_RESULT = { trustRoot: 1, trustAsRoot: 2, deny: 3, unspecified: 4 } as const;

export interface UsageConstraint {
  /** The policy it is limited to (dotted OID); absent: every policy. */
  policy?: string;
  /** kSecTrustSettingsResult (absent in the file: TrustRoot). */
  result: number;
  /** Limited to one application or one policy string (an SSL host name). */
  scoped: boolean;
}

/** One domain's settings: SHA-1 (upper-case hex) → its usage constraints, in order. */
export type TrustSettingsByCert = Map<string, UsageConstraint[]>;

export type TlsTrust = 'trusted' | 'denied' | 'unspecified';

export interface DarwinTrustDomains { user: TrustSettingsByCert; admin: TrustSettingsByCert }

function policyOf(value: PlistValue | undefined, name: PlistValue | undefined): string | undefined {
  if (Buffer.isBuffer(value) && value.length) {
    // The OID's content bytes; a writer that kept the whole DER (tag 06, one length byte) is read too.
    const content = value[0] === 0x06 && value[1] === value.length - 2 ? value.subarray(2) : value;
    try { return decodeOid(content); } catch { return `unreadable policy ${value.toString('hex')}`; }
  }
  if (typeof value === 'string') return POLICY_NAMES[value] ?? value;
  if (value === undefined && typeof name === 'string') return POLICY_NAMES[name] ?? name;
  return undefined;
}

function usageConstraint(value: PlistValue): UsageConstraint {
  const d = plistDict(value);
  // Not a dict: a constraint nobody can read decides nothing.
  if (!d) return { result: TRUST_RESULT.unspecified, scoped: true };
  const policy = policyOf(d.get('kSecTrustSettingsPolicy'), d.get('kSecTrustSettingsPolicyName'));
  const result = d.get('kSecTrustSettingsResult');
  return {
    ...(policy ? { policy } : {}),
    result: result === undefined ? TRUST_RESULT.trustRoot : typeof result === 'number' ? result : TRUST_RESULT.unspecified,
    scoped: d.has('kSecTrustSettingsApplication') || d.has('kSecTrustSettingsPolicyString'),
  };
}

/** The settings `security trust-settings-export` wrote; a PlistError when the file is not that shape. */
export function parseTrustSettingsExport(xml: string): TrustSettingsByCert {
  const root = plistDict(parsePlistXml(xml));
  if (!root) throw new PlistError('the trust settings are not a dict');
  const out: TrustSettingsByCert = new Map();
  const list = root.get('trustList');
  if (list === undefined) return out;
  const entries = plistDict(list);
  if (!entries) throw new PlistError('trustList is not a dict');
  for (const [sha1, entry] of entries) {
    const e = plistDict(entry);
    if (!/^[0-9A-Fa-f]{40}$/.test(sha1) || !e) continue;
    const settings = e.get('trustSettings');
    if (settings !== undefined && !plistArray(settings)) continue;
    out.set(sha1.toUpperCase(), (plistArray(settings) ?? []).map(usageConstraint));
  }
  return out;
}

/** One domain's answer for TLS (the SSL policy). */
export function tlsTrustInDomain(constraints: readonly UsageConstraint[], selfSigned: boolean): TlsTrust {
  if (constraints.length === 0) return selfSigned ? 'trusted' : 'unspecified';
  for (const c of constraints) {
    if (c.scoped || (c.policy !== undefined && c.policy !== APPLE_SSL_POLICY_OID)) continue;
    if (c.result === TRUST_RESULT.deny) return 'denied';
    if (c.result === (selfSigned ? TRUST_RESULT.trustRoot : TRUST_RESULT.trustAsRoot)) return 'trusted';
  }
  return 'unspecified';
}

/** macOS's answer for TLS: user, then admin, then the System Roots keychain. */
export function darwinTlsTrust(cert: { sha1: string; selfSigned: boolean }, domains: DarwinTrustDomains, isSystemRoot: boolean): TlsTrust {
  const sha1 = cert.sha1.toUpperCase();
  for (const domain of [domains.user, domains.admin]) {
    const constraints = domain.get(sha1);
    if (!constraints) continue;
    const answer = tlsTrustInDomain(constraints, cert.selfSigned);
    if (answer !== 'unspecified') return answer;
  }
  return isSystemRoot ? 'trusted' : 'unspecified';
}

/**
 * One trust domain, exported by `security trust-settings-export [-d]` into a private temporary folder and
 * read back bounded. "No Trust Settings were found" is an empty domain; any other failure throws.
 */
export async function readTrustDomain(domain: 'user' | 'admin', runner: typeof run = run): Promise<TrustSettingsByCert> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcert-trust-settings-'));
  try {
    const file = path.join(dir, `${domain}.plist`);
    const args = ['trust-settings-export', ...(domain === 'admin' ? ['-d'] : []), file];
    const r = await runner('security', args, { timeoutMs: 30_000 });
    if (isNoTrustSettings(r)) return new Map();
    if (r.code !== 0) throw new Error(`security ${args.slice(0, -1).join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
    const read = await readBoundedFile(file, { maxBytes: DEFAULT_PLIST_LIMITS.maxChars });
    if (!read.bytes) throw new Error(`security trust-settings-export wrote no readable file (${read.refused.reason})`);
    return parseTrustSettingsExport(read.bytes.toString('utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Both domains a user's TLS trust depends on (the system domain is the System Roots keychain). */
export async function readDarwinTrustDomains(runner: typeof run = run): Promise<DarwinTrustDomains> {
  const [user, admin] = await Promise.all([readTrustDomain('user', runner), readTrustDomain('admin', runner)]);
  return { user, admin };
}

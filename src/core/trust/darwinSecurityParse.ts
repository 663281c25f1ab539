/**
 * Parsers for macOS `security` output (Apple's SecurityTool; its messages are not localized):
 *   - `find-certificate -a -Z -p`: per certificate "SHA-256 hash: <HEX>" (macOS 10.13+), "SHA-1 hash: <HEX>",
 *     then the PEM block. Hash lines come before the PEM they belong to.
 *   - `dump-trust-settings`: "Number of trusted certs = N", then "Cert i: <label>" and indented
 *     "Number of trust settings : n", "Trust Setting j:", "Policy OID : ...", "Result Type : ...".
 *     With no settings at all it prints "SecTrustSettingsCopyCertificates: No Trust Settings were found."
 *     to stderr and exits 1.
 *   - `verify-cert`: exit 0 and "...certificate verification successful."; otherwise exit 1 and
 *     "Cert Verify Result: <CSSM error>" on stderr (exit 2 is a usage error).
 */

export interface KeychainCertificate {
  sha1: string;
  sha256?: string;
  pem: string;
}

export function parseFindCertificate(output: string): KeychainCertificate[] {
  const found: KeychainCertificate[] = [];
  let sha1: string | undefined;
  let sha256: string | undefined;
  let pemLines: string[] | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^SHA-(1|256) hash:\s*([0-9A-Fa-f]+)$/.exec(line);
    if (h) {
      if (h[1] === '1') sha1 = h[2].toUpperCase(); else sha256 = h[2].toUpperCase();
      continue;
    }
    if (line === '-----BEGIN CERTIFICATE-----') { pemLines = [line]; continue; }
    if (pemLines) {
      pemLines.push(line);
      if (line === '-----END CERTIFICATE-----') {
        if (sha1) found.push({ sha1, ...(sha256 ? { sha256 } : {}), pem: pemLines.join('\n') + '\n' });
        sha1 = sha256 = pemLines = undefined;
      }
    }
  }
  return found;
}

export interface TrustSettingsEntry {
  /** The label macOS infers (usually the subject's common name). */
  label: string;
  /** "Result Type" of each setting; an empty list means "trusted as a root for everything". */
  results: string[];
  policies: string[];
}

export function parseDumpTrustSettings(output: string): TrustSettingsEntry[] {
  const entries: TrustSettingsEntry[] = [];
  let current: TrustSettingsEntry | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const cert = /^Cert \d+:\s?(.*)$/.exec(raw.trim());
    if (cert) { current = { label: cert[1].trim(), results: [], policies: [] }; entries.push(current); continue; }
    if (!current) continue;
    const kv = /^\s*(Result Type|Policy OID)\s*:\s*(.+)$/.exec(raw);
    if (kv) (kv[1] === 'Result Type' ? current.results : current.policies).push(kv[2].trim());
  }
  return entries;
}

/** "No trust settings in this domain" is an empty answer, not a failure. */
export function isNoTrustSettings(result: { code: number | null; stdout: string; stderr: string }): boolean {
  return result.code !== 0 && /No Trust Settings were found/i.test(result.stderr + result.stdout);
}

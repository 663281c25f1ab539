/**
 * Parsers for macOS `security` output (Apple's SecurityTool; its messages are not localized):
 *   - `find-certificate -a -Z -p`: per certificate "SHA-256 hash: <HEX>" (macOS 10.13+), "SHA-1 hash: <HEX>",
 *     then the PEM block. Hash lines come before the PEM they belong to.
 *   - a trust domain with no settings at all: `dump-trust-settings` prints "SecTrustSettingsCopyCertificates: No
 *     Trust Settings were found.", `trust-settings-export` "SecTrustSettingsCreateExternalRepresentation: No Trust
 *     Settings were found.", to stderr, and exits 1. (The settings themselves are read by SHA-1 from
 *     `trust-settings-export`'s plist, darwinTrustSettings.ts, never from `dump-trust-settings`, which names a
 *     certificate only by a label that many share.)
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

/** "No trust settings in this domain" is an empty answer, not a failure. */
export function isNoTrustSettings(result: { code: number | null; stdout: string; stderr: string }): boolean {
  return result.code !== 0 && /No Trust Settings were found/i.test(result.stderr + result.stdout);
}

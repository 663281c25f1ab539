/**
 * macOS `security` output built from real certificates, in the shapes test/fixtures/platform/README.md
 * describes: the tool exists only on macOS, so tests answer its subcommands with these.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ExecResult } from '../../src/core/io/exec';

export const sha1Of = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, '');
const sha256Of = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex').toUpperCase();

/** `security find-certificate -a -Z -p KEYCHAIN`: each certificate's hashes, then its PEM. */
export const findCertificateOutput = (pems: readonly string[]) =>
  pems.map(p => `SHA-256 hash: ${sha256Of(p)}\nSHA-1 hash: ${sha1Of(p)}\n${p.trim()}\n`).join('');

/** One usage constraint as add-trusted-cert writes it: the policy OID's bytes (SSL or basic X.509) and the result. */
export const usageConstraint = (policy: 'ssl' | 'basic', result: number) =>
  `<dict><key>kSecTrustSettingsPolicy</key><data>${policy === 'ssl' ? 'KoZIhvdjZAED' : 'KoZIhvdjZAEC'}</data>`
  + `<key>kSecTrustSettingsResult</key><integer>${result}</integer></dict>`;

/** dotnet dev-certs --trust's settings: `add-trusted-cert -r trustRoot -p basic -p ssl`. */
export const DOTNET_TRUST = usageConstraint('basic', 1) + usageConstraint('ssl', 1);

/** A trust domain as `security trust-settings-export [-d] FILE` writes it: each certificate's settings by SHA-1. */
export const trustSettingsPlist = (entries: readonly { pem?: string; sha1?: string; constraints: string }[]) =>
  '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>trustList</key><dict>'
  + entries.map(e => `<key>${e.sha1 ?? sha1Of(e.pem!)}</key><dict><key>trustSettings</key><array>${e.constraints}</array></dict>`).join('')
  + '</dict><key>trustVersion</key><integer>1</integer></dict></plist>';

type TrustEntry = { pem?: string; sha1?: string; constraints: string };

/**
 * A stand-in for the `security` tool as the engine runs it: `find-certificate` lists `keychains(path)`,
 * `trust-settings-export [-d] FILE` writes the user (or, with -d, the admin) domain to FILE; every call is
 * recorded. Anything else succeeds silently.
 */
export function fakeSecurity(keychains: (keychain: string) => readonly string[], user: readonly TrustEntry[], admin: readonly TrustEntry[]) {
  const calls: string[][] = [];
  const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
    calls.push([command, ...args]);
    const reply = { command, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false };
    if (args[0] === 'find-certificate') return { ...reply, stdout: findCertificateOutput(keychains(args[args.length - 1])) };
    if (args[0] === 'trust-settings-export') writeFileSync(args[args.length - 1], trustSettingsPlist(args[1] === '-d' ? admin : user));
    return reply;
  };
  return { runner, calls };
}

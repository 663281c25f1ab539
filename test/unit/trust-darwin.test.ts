import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import type { CommandAction, PlanStep } from '../../src/core/plan/types';
import type { CertificateRef } from '../../src/core/certs/types';
import type { TrustContext } from '../../src/core/trust/store';
import { addTrustedCertArgsFor, createDarwinKeychainStore, darwinProbes, darwinRemovalSteps } from '../../src/core/trust/darwin';
import { APPLE_BASIC_X509_POLICY_OID, APPLE_SSL_POLICY_OID } from '../../src/core/trust/darwinTrustSettings';
import { isNoTrustSettings, parseFindCertificate } from '../../src/core/trust/darwinSecurityParse';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');

function certRef(file: string, nickname: string): CertificateRef {
  const pem = fixture(file);
  const x = new X509Certificate(pem);
  const hex = (fp: string) => fp.replace(/:/g, '');
  return { pem, sha1: hex(x.fingerprint), sha256: hex(x.fingerprint256), subject: x.subject, nickname };
}
const LOCALHOST = certRef('localhost-cert.pem', 'localhost');
const CA = certRef('local-ca-cert.pem', 'devcert-local-ca');

type Reply = { code?: number; stdout?: string; stderr?: string };
/**
 * `security` exists only on macOS: the runner answers each subcommand with captured-format output, so
 * these tests exercise the parsing of the tool's real output and the plans built from it.
 */
function securityRunner(replies: Record<string, Reply | ((args: readonly string[]) => Reply)>) {
  const calls: string[][] = [];
  const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
    calls.push([command, ...args]);
    assert.equal(command, 'security');
    const r = replies[args[0]];
    if (!r) throw new Error(`unexpected: security ${args.join(' ')}`);
    const out = typeof r === 'function' ? r(args) : r;
    return { command, args: [...args], code: out.code ?? 0, stdout: out.stdout ?? '', stderr: out.stderr ?? '', durationMs: 1, timedOut: false };
  };
  return { runner, calls };
}

const ctx: TrustContext = { platform: 'darwin', homeDir: '/Users/dev', env: {} };
const KEYCHAIN = '/Users/dev/Library/Keychains/login.keychain-db';
const FILE = `/Users/dev/Library/Application Support/devcert-doctor/trusted/localhost-${LOCALHOST.sha1.slice(0, 8)}.pem`;
const argv = (a: PlanStep['action'] | undefined) => a?.type === 'command' ? [a.command, ...a.args] : a;

describe('security output parsers', () => {
  it('find-certificate -a -Z -p: pairs SHA-256/SHA-1 lines with the PEM that follows', () => {
    const certs = parseFindCertificate(fixture('security-find-certificate-a-Z-p.txt'));
    assert.deepEqual(certs.map(c => [c.sha1, c.sha256]), [[CA.sha1, CA.sha256], [LOCALHOST.sha1, LOCALHOST.sha256]]);
    // The PEM belongs to the hashes printed before it.
    assert.equal(new X509Certificate(certs[1].pem).fingerprint.replace(/:/g, ''), LOCALHOST.sha1);
  });

  it('find-certificate on older macOS (SHA-1 line only)', () => {
    const certs = parseFindCertificate(fixture('security-find-certificate-a-Z-p-sha1-only.txt'));
    assert.deepEqual(certs.map(c => [c.sha1, c.sha256]), [[LOCALHOST.sha1, undefined]]);
  });

  it('"no trust settings in this domain" is an empty answer, not an error (dump-trust-settings and trust-settings-export)', () => {
    assert.equal(isNoTrustSettings({ code: 1, stdout: '', stderr: fixture('security-dump-trust-settings-none.stderr.txt') }), true);
    assert.equal(isNoTrustSettings({ code: 1, stdout: '', stderr: fixture('security-trust-settings-export-none.stderr.txt') }), true);
    assert.equal(isNoTrustSettings({ code: 1, stdout: '', stderr: 'SecTrustSettingsCopyCertificates: some other error' }), false);
  });
});

const NONE = { code: 1, stderr: fixture('security-trust-settings-export-none.stderr.txt') };
const NOT_FOUND = { code: 44, stderr: 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.' };
/** `trust-settings-export [-d] FILE` as the tool does it: writes the domain's plist to FILE (or says there is none). */
const exportOf = (user: string | undefined, admin?: string) => (args: readonly string[]): Reply => {
  const body = args[1] === '-d' ? admin : user;
  if (body === undefined) return NONE;
  writeFileSync(args[args.length - 1], fixture(body));
  return {};
};
/** find-certificate answering for the login keychain only (the System Roots hold no development certificate). */
const inLogin = (args: readonly string[]): Reply => args[args.length - 1] === KEYCHAIN ? { stdout: fixture('security-find-certificate-a-Z-p.txt') } : NOT_FOUND;
const USER = 'security-trust-settings-export-user.plist';
const ADMIN = 'security-trust-settings-export-d-admin.plist';

describe('darwin-keychain check: trust settings by SHA-1, as macOS reads them', () => {
  it('trusted when the user domain trusts it for SSL (dotnet\'s -p basic -p ssl), although the admin domain denies it', async () => {
    const { runner, calls } = securityRunner({ 'trust-settings-export': exportOf(USER, ADMIN) });
    assert.equal(await createDarwinKeychainStore(runner).check(LOCALHOST, ctx), true);
    assert.deepEqual(calls.map(c => c.slice(0, 3)), [['security', 'trust-settings-export', calls[0][2]], ['security', 'trust-settings-export', '-d']]);
  });

  it('an untrusted dotnet dev-certs certificate in the login keychain is not trusted (no settings; not a System Root)', async () => {
    const { runner, calls } = securityRunner({ 'trust-settings-export': exportOf(undefined), 'find-certificate': NOT_FOUND });
    assert.equal(await createDarwinKeychainStore(runner).check(LOCALHOST, ctx), false);
    assert.deepEqual(calls[2], ['security', 'find-certificate', '-a', '-c', 'localhost', '-Z', '-p', '/System/Library/Keychains/SystemRootCertificates.keychain']);
  });

  it('denied by the admin domain with nothing in the user domain: not trusted, even as a System Root', async () => {
    const { runner } = securityRunner({ 'trust-settings-export': exportOf(undefined, ADMIN), 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') } });
    assert.equal(await createDarwinKeychainStore(runner).check(LOCALHOST, ctx), false);
  });

  it('another "localhost" trusted only for one host name does not make ours trusted (by SHA-1, never by label)', async () => {
    const { runner } = securityRunner({ 'trust-settings-export': exportOf(USER), 'find-certificate': NOT_FOUND });
    const other = { ...LOCALHOST, sha1: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C' };
    assert.equal(await createDarwinKeychainStore(runner).check(other, ctx), false);
  });

  it('presence is by exact SHA-1 among the certificates find-certificate lists', async () => {
    const { runner, calls } = securityRunner({ 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') } });
    assert.equal(await darwinProbes(runner).inKeychain(LOCALHOST, KEYCHAIN), true);
    assert.deepEqual(calls[0], ['security', 'find-certificate', '-a', '-c', 'localhost', '-Z', '-p', KEYCHAIN]);
    const other = { ...LOCALHOST, sha1: 'F'.repeat(40) };
    assert.equal(await darwinProbes(runner).inKeychain(other, KEYCHAIN), false);
  });
});

describe('darwin-keychain add/remove plans', () => {
  it('add: writes the PEM, add-trusted-cert -p ssl -p basic into the login keychain (not elevated, waits for the dialog), undo deletes with -t', async () => {
    const { runner } = securityRunner({ 'trust-settings-export': exportOf(undefined), 'find-certificate': NOT_FOUND });
    const steps = await createDarwinKeychainStore(runner).add(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => s.id), ['darwin-trust-file', 'trust-darwin-keychain']);
    assert.deepEqual(steps[0].action, { type: 'write-file', path: FILE, contents: LOCALHOST.pem, encoding: 'utf8', mode: 0o644, ifMatch: '' });
    assert.deepEqual(argv(steps[1].action), ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', KEYCHAIN, FILE]);
    assert.equal((steps[1].action as CommandAction).waitsForUser, true);
    assert.equal(steps[1].elevated, false);
    assert.match(steps[1].title, /login password/);
    assert.deepEqual(argv(steps[1].undo), ['security', 'delete-certificate', '-Z', LOCALHOST.sha1, '-t', KEYCHAIN]);
    assert.deepEqual({ ...steps[1].record, certificate: undefined }, { kind: 'trust', target: 'darwin-keychain', thumbprint: LOCALHOST.sha1, certificate: undefined });
    // The fact carries the certificate itself, so it can be removed even without the saved copy.
    assert.equal(steps[1].record?.certificate, LOCALHOST.pem.replace(/-----[^-]+-----|\s/g, ''));
  });

  it('add: a certificate already in the keychain (untrusted, as dotnet dev-certs leaves it): only its trust is recorded and undone', async () => {
    const { runner } = securityRunner({ 'trust-settings-export': exportOf(undefined), 'find-certificate': inLogin });
    const steps = await createDarwinKeychainStore(runner).add(LOCALHOST, ctx);
    assert.deepEqual(argv(steps[1].undo), ['security', 'remove-trusted-cert', FILE]);
    assert.equal(steps[1].record?.target, 'darwin-keychain:trust-settings');
  });

  it('add: replacing the user\'s own settings (a Deny) says so', async () => {
    const { runner } = securityRunner({
      'trust-settings-export': exportOf(undefined, ADMIN), 'find-certificate': NOT_FOUND,
    });
    const denied = await createDarwinKeychainStore(runner).add(LOCALHOST, ctx);
    assert.ok(!/earlier settings/.test(denied[1].changes), 'the admin Deny is overridden, not replaced');
    const mine = securityRunner({
      'trust-settings-export': args => args[1] === '-d' ? NONE : (writeFileSync(args[args.length - 1], fixture(USER).replace(/<integer>1<\/integer>/g, '<integer>3</integer>')), {}),
      'find-certificate': NOT_FOUND,
    });
    const steps = await createDarwinKeychainStore(mine.runner).add(LOCALHOST, ctx);
    assert.match(steps[1].changes, /your earlier settings for it \(deny for basic, deny for ssl\) are replaced/);
  });

  it('add changes nothing when macOS already trusts it for TLS', async () => {
    const { runner, calls } = securityRunner({ 'trust-settings-export': exportOf(USER) });
    assert.deepEqual(await createDarwinKeychainStore(runner).add(LOCALHOST, ctx), []);
    assert.ok(calls.every(c => c[1] === 'trust-settings-export'));
  });

  it('remove: remove-trusted-cert (settings found by SHA-1) then delete-certificate -Z, each with an undo that puts back what was there, file cleaned up last', async () => {
    const { runner } = securityRunner({ 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') }, 'trust-settings-export': exportOf(USER) });
    const steps = await createDarwinKeychainStore(runner).remove(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => [s.id, argv(s.action)]), [
      ['darwin-trust-file', { type: 'write-file', path: FILE, contents: LOCALHOST.pem, encoding: 'utf8', mode: 0o644, ifMatch: '' }],
      ['untrust-darwin-keychain', ['security', 'remove-trusted-cert', FILE]],
      ['delete-darwin-keychain', ['security', 'delete-certificate', '-Z', LOCALHOST.sha1, KEYCHAIN]],
      ['darwin-trust-file-cleanup', { type: 'remove-file', path: FILE }],
    ]);
    // The settings were basic then ssl, TrustRoot: the undo writes exactly those.
    assert.deepEqual(argv(steps[1].undo), ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'basic', '-p', 'ssl', '-k', KEYCHAIN, FILE]);
    assert.deepEqual(argv(steps[2].undo), ['security', 'add-certificates', '-k', KEYCHAIN, FILE]);
  });

  it('remove: another "localhost" with trust settings does not make ours planned (the cause of a failed, rolled-back untrust)', async () => {
    const other = { ...LOCALHOST, sha1: 'F'.repeat(40) };
    const { runner } = securityRunner({ 'find-certificate': NOT_FOUND, 'trust-settings-export': exportOf(USER) });
    assert.deepEqual(await createDarwinKeychainStore(runner).remove(other, ctx), []);
  });

  it('remove: the certificate was in the keychain before this tool trusted it (ledger target darwin-keychain:trust-settings): only the trust goes', async () => {
    const { runner, calls } = securityRunner({ 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') }, 'trust-settings-export': exportOf(USER) });
    const steps = await createDarwinKeychainStore(runner).remove(LOCALHOST, ctx, { target: 'darwin-keychain:trust-settings' });
    assert.deepEqual(steps.map(s => s.id), ['darwin-trust-file', 'untrust-darwin-keychain', 'darwin-trust-file-cleanup']);
    assert.ok(!calls.some(c => c[1] === 'find-certificate'));
  });

  it('remove skips remove-trusted-cert when the user domain has no settings for it, and is empty when absent', async () => {
    const present = securityRunner({ 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') }, 'trust-settings-export': exportOf(undefined, ADMIN) });
    const steps = await createDarwinKeychainStore(present.runner).remove(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => s.id), ['darwin-trust-file', 'delete-darwin-keychain', 'darwin-trust-file-cleanup']);
    const absent = securityRunner({ 'find-certificate': NOT_FOUND, 'trust-settings-export': exportOf(undefined) });
    assert.deepEqual(await createDarwinKeychainStore(absent.runner).remove(LOCALHOST, ctx), []);
  });

  it('System keychain and admin domain (.NET 6 put its certificate there): every step elevated, the PEM root reads written by the elevated script into a root-only folder', () => {
    const steps = darwinRemovalSteps(LOCALHOST, { where: 'system', trustSettings: [], inKeychain: true }, ctx);
    const rootPem = `/Library/Application Support/devcert-doctor/${path.posix.basename(FILE)}`;
    assert.deepEqual(steps.map(s => [s.id, s.elevated, argv(s.action)]), [
      ['darwin-trust-file', true, { type: 'write-file', path: rootPem, contents: LOCALHOST.pem, encoding: 'utf8', mode: 0o644, ifMatch: '' }],
      ['untrust-darwin-keychain', true, ['security', 'remove-trusted-cert', '-d', rootPem]],
      ['delete-darwin-keychain', true, ['security', 'delete-certificate', '-Z', LOCALHOST.sha1, '/Library/Keychains/System.keychain']],
      ['darwin-trust-file-cleanup', true, { type: 'remove-file', path: rootPem }],
    ]);
    // Nothing root reads comes from the user's config folder (a program running as the user could swap it).
    assert.ok(!JSON.stringify(steps).includes('/Users/dev/'));
    // .NET 6 trusted it unconstrained (no -p): that is what comes back on undo.
    assert.deepEqual(argv(steps[1].undo), ['security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain', rootPem]);
  });

  it('settings add-trusted-cert cannot write back (a host name, an unknown policy, mixed results) get no undo rather than a wrong one', () => {
    const ssl = { policy: APPLE_SSL_POLICY_OID, result: 1, scoped: false };
    assert.deepEqual(addTrustedCertArgsFor([ssl, { policy: APPLE_BASIC_X509_POLICY_OID, result: 1, scoped: false }]), ['-r', 'trustRoot', '-p', 'ssl', '-p', 'basic']);
    assert.deepEqual(addTrustedCertArgsFor([{ ...ssl, result: 3 }]), ['-r', 'deny', '-p', 'ssl']);
    assert.equal(addTrustedCertArgsFor([{ ...ssl, scoped: true }]), undefined);
    assert.equal(addTrustedCertArgsFor([{ ...ssl, policy: '1.2.840.113635.100.1.8' }]), undefined);
    assert.equal(addTrustedCertArgsFor([ssl, { ...ssl, result: 3 }]), undefined);
    const steps = darwinRemovalSteps(LOCALHOST, { where: 'login', trustSettings: [{ ...ssl, scoped: true }], inKeychain: false }, ctx);
    assert.equal(steps.find(s => s.id === 'untrust-darwin-keychain')!.undo, undefined);
  });

  it('is not available off macOS', async () => {
    assert.equal((await createDarwinKeychainStore().available({ ...ctx, platform: 'win32' })).ok, false);
  });
});

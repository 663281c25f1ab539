import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import type { CommandAction, PlanStep } from '../../src/core/plan/types';
import type { CertificateRef } from '../../src/core/certs/types';
import type { TrustContext } from '../../src/core/trust/store';
import { createDarwinKeychainStore, darwinProbes, verifyCertArgs } from '../../src/core/trust/darwin';
import { isNoTrustSettings, parseDumpTrustSettings, parseFindCertificate } from '../../src/core/trust/darwinSecurityParse';

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

  it('dump-trust-settings: labels with their result types; "none found" is empty, not an error', () => {
    assert.deepEqual(parseDumpTrustSettings(fixture('security-dump-trust-settings.txt')), [
      { label: 'DevCert Doctor Local CA', results: [], policies: [] },
      { label: 'localhost', results: ['kSecTrustSettingsResultTrustRoot', 'kSecTrustSettingsResultTrustRoot'], policies: ['SSL', 'Apple X509 Basic'] },
    ]);
    assert.equal(isNoTrustSettings({ code: 1, stdout: '', stderr: fixture('security-dump-trust-settings-none.stderr.txt') }), true);
    assert.equal(isNoTrustSettings({ code: 1, stdout: '', stderr: 'SecTrustSettingsCopyCertificates: some other error' }), false);
  });
});

describe('darwin-keychain check', () => {
  it('a leaf is verified with the SSL policy for localhost; a CA with the basic policy', () => {
    assert.deepEqual(verifyCertArgs(LOCALHOST, '/tmp/x.pem'), ['verify-cert', '-c', '/tmp/x.pem', '-p', 'ssl', '-s', 'localhost']);
    assert.deepEqual(verifyCertArgs(CA, '/tmp/x.pem'), ['verify-cert', '-c', '/tmp/x.pem']);
  });

  it('trusted when verify-cert exits 0; the temp PEM it reads is the certificate and is removed after', async () => {
    let seen = '';
    let file = '';
    const { runner } = securityRunner({ 'verify-cert': args => { file = args[2]; seen = readFileSync(file, 'utf8'); return { stdout: fixture('security-verify-cert-ok.txt') }; } });
    assert.equal(await createDarwinKeychainStore(runner).check(LOCALHOST, ctx), true);
    assert.equal(seen, LOCALHOST.pem);
    assert.equal(existsSync(file), false);
  });

  it('not trusted when verify-cert exits 1; a usage error (2) is an error', async () => {
    const no = securityRunner({ 'verify-cert': { code: 1, stderr: fixture('security-verify-cert-not-trusted.stderr.txt') } });
    assert.equal(await createDarwinKeychainStore(no.runner).check(LOCALHOST, ctx), false);
    const bad = securityRunner({ 'verify-cert': { code: 2, stderr: 'usage: verify-cert ...' } });
    await assert.rejects(createDarwinKeychainStore(bad.runner).check(LOCALHOST, ctx), /rejected its arguments/);
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
  it('add: writes the PEM, add-trusted-cert into the login keychain (not elevated), undo deletes with -t', async () => {
    const { runner } = securityRunner({ 'verify-cert': { code: 1 }, 'find-certificate': { code: 44, stderr: 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.' } });
    const steps = await createDarwinKeychainStore(runner).add(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => s.id), ['darwin-trust-file', 'trust-darwin-keychain']);
    assert.deepEqual(steps[0].action, { type: 'write-file', path: FILE, contents: LOCALHOST.pem, encoding: 'utf8', mode: 0o644, ifMatch: '' });
    assert.deepEqual(argv(steps[1].action), ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', KEYCHAIN, FILE]);
    assert.equal(steps[1].elevated, false);
    assert.match(steps[1].title, /login password/);
    assert.deepEqual(argv(steps[1].undo), ['security', 'delete-certificate', '-Z', LOCALHOST.sha1, '-t', KEYCHAIN]);
    assert.deepEqual({ ...steps[1].record, certificate: undefined }, { kind: 'trust', target: 'darwin-keychain', thumbprint: LOCALHOST.sha1, certificate: undefined });
    // The fact carries the certificate itself, so it can be removed even without the saved copy.
    assert.equal(steps[1].record?.certificate, LOCALHOST.pem.replace(/-----[^-]+-----|\s/g, ''));
  });

  it('add: a certificate already in the keychain (untrusted) is only untrusted on undo, not deleted', async () => {
    const { runner } = securityRunner({ 'verify-cert': { code: 1 }, 'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') } });
    const steps = await createDarwinKeychainStore(runner).add(LOCALHOST, ctx);
    assert.deepEqual(argv(steps[1].undo), ['security', 'remove-trusted-cert', FILE]);
  });

  it('add changes nothing when already trusted', async () => {
    const { runner, calls } = securityRunner({ 'verify-cert': { stdout: fixture('security-verify-cert-ok.txt') } });
    assert.deepEqual(await createDarwinKeychainStore(runner).add(LOCALHOST, ctx), []);
    assert.equal(calls.length, 1);
  });

  it('remove: remove-trusted-cert then delete-certificate -Z, each with an undo, file cleaned up last', async () => {
    const { runner } = securityRunner({
      'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') },
      'dump-trust-settings': { stdout: fixture('security-dump-trust-settings.txt') },
    });
    const steps = await createDarwinKeychainStore(runner).remove(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => [s.id, argv(s.action)]), [
      ['darwin-trust-file', { type: 'write-file', path: FILE, contents: LOCALHOST.pem, encoding: 'utf8', mode: 0o644, ifMatch: '' }],
      ['untrust-darwin-keychain', ['security', 'remove-trusted-cert', FILE]],
      ['delete-darwin-keychain', ['security', 'delete-certificate', '-Z', LOCALHOST.sha1, KEYCHAIN]],
      ['darwin-trust-file-cleanup', { type: 'remove-file', path: FILE }],
    ]);
    assert.deepEqual(argv(steps[1].undo), ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', KEYCHAIN, FILE]);
    assert.deepEqual(argv(steps[2].undo), ['security', 'add-certificates', '-k', KEYCHAIN, FILE]);
  });

  it('remove skips remove-trusted-cert when the user domain has no trust settings, and is empty when absent', async () => {
    const present = securityRunner({
      'find-certificate': { stdout: fixture('security-find-certificate-a-Z-p.txt') },
      'dump-trust-settings': { code: 1, stderr: fixture('security-dump-trust-settings-none.stderr.txt') },
    });
    const steps = await createDarwinKeychainStore(present.runner).remove(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => s.id), ['darwin-trust-file', 'delete-darwin-keychain', 'darwin-trust-file-cleanup']);
    const absent = securityRunner({
      'find-certificate': { code: 44 },
      'dump-trust-settings': { code: 1, stderr: fixture('security-dump-trust-settings-none.stderr.txt') },
    });
    assert.deepEqual(await createDarwinKeychainStore(absent.runner).remove(LOCALHOST, ctx), []);
  });

  it('is not available off macOS', async () => {
    assert.equal((await createDarwinKeychainStore().available({ ...ctx, platform: 'win32' })).ok, false);
  });
});

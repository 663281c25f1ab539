/**
 * macOS trust settings by SHA-1, judged for TLS as macOS judges them. `security` exists only on macOS: the
 * exported plists are test/fixtures/platform/security-trust-settings-export-*.plist, in the shape the tool
 * writes (Apple's XML plist 1.0; see that folder's README for what each holds and where the shape comes from).
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import { parsePlistXml, PlistError } from '../../src/core/trust/plistXml';
import {
  APPLE_BASIC_X509_POLICY_OID, APPLE_SSL_POLICY_OID, darwinTlsTrust, parseTrustSettingsExport, readTrustDomain, tlsTrustInDomain,
  type UsageConstraint,
} from '../../src/core/trust/darwinTrustSettings';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');
const sha1Of = (file: string) => new X509Certificate(fixture(file)).fingerprint.replace(/:/g, '');
const LOCALHOST = sha1Of('localhost-cert.pem');
const CA = sha1Of('local-ca-cert.pem');
const OTHER_LOCALHOST = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C';

const ssl = (result: number, extra: Partial<UsageConstraint> = {}): UsageConstraint => ({ policy: APPLE_SSL_POLICY_OID, result, scoped: false, ...extra });
const basic = (result: number): UsageConstraint => ({ policy: APPLE_BASIC_X509_POLICY_OID, result, scoped: false });
const plist = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">${body}</plist>`;

describe('plist XML reader', () => {
  it('reads every plist type, entities and empty forms; dicts are Maps (a "__proto__" key is a key)', () => {
    const v = parsePlistXml(plist(`<dict><key>s</key><string>a &lt;b&gt; &amp; &#233;&#x41;</string><key>i</key><integer>-2147409654</integer>
      <key>r</key><real>1.5</real><key>t</key><true/><key>f</key><false/><key>d</key><date>2026-11-22T14:40:02Z</date>
      <key>b</key><data>\n\tKoZI\n\thvdjZAED\n</data><key>e</key><string/><key>a</key><array><dict/><array/></array><key>__proto__</key><integer>1</integer></dict>`)) as Map<string, unknown>;
    assert.equal(v.get('s'), 'a <b> & éA');
    assert.equal(v.get('i'), -2147409654);
    assert.equal(v.get('r'), 1.5);
    assert.equal(v.get('t'), true);
    assert.equal(v.get('f'), false);
    assert.equal((v.get('d') as Date).toISOString(), '2026-11-22T14:40:02.000Z');
    assert.equal((v.get('b') as Buffer).toString('hex'), '2a864886f763640103');
    assert.equal(v.get('e'), '');
    assert.deepEqual(v.get('a'), [new Map(), []]);
    assert.equal(v.get('__proto__'), 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses what is not a plist, with a PlistError (never a crash or a guess)', () => {
    const bad = [
      '', 'not xml', plist('<dict><key>a</key></dict>'), plist('<dict><string>x</string></dict>'), plist('<dict><key>a</key><key>b</key><true/></dict>'),
      plist('<array><key>a</key></array>'), plist('<dict>'), plist('<array></dict>'), plist('<integer>12x</integer>'), plist('<integer>99999999999999999</integer>'),
      plist('<date>yesterday</date>'), plist('<data>!!</data>'), plist('<string>a & b</string>'), plist('<string>&foo;</string>'), plist('<string>&#0;</string>'),
      plist('<blob/>'), plist('<string>a<b/></string>'), `<!DOCTYPE plist [<!ENTITY x "y">]>${plist('<string>&x;</string>')}`,
      plist('<string>a</string><string>b</string>'), '<plist version="1.0"></plist>', plist('<string>unterminated'),
    ];
    for (const text of bad) assert.throws(() => parsePlistXml(text), PlistError, JSON.stringify(text));
  });

  it('hostile input is bounded: deep nesting, many elements, huge text — a PlistError, never a stack overflow or a hang', () => {
    assert.throws(() => parsePlistXml(plist('<array>'.repeat(100_000) + '</array>'.repeat(100_000))), /nested deeper than 32/);
    assert.throws(() => parsePlistXml(plist(`<array>${'<true/>'.repeat(300_000)}</array>`)), /more than 200000 elements/);
    assert.throws(() => parsePlistXml('x'.repeat(9 * 1024 * 1024)), /longer than/);
    // Unterminated constructs scan forward once: a long run of '<' or '&' ends in an error, not quadratic work.
    assert.throws(() => parsePlistXml(plist(`<string>${'&'.repeat(1_000_000)}</string>`)), PlistError);
    assert.throws(() => parsePlistXml('<' + '<!--'.repeat(200_000)), PlistError);
    assert.throws(() => parsePlistXml(plist('<dict>'.repeat(20) + '<key>a</key>'.repeat(1000))), PlistError);
  });
});

describe('security trust-settings-export: settings by SHA-1', () => {
  it('user domain (dotnet dev-certs --trust: -p basic -p ssl): both constraints, in order, by upper-case SHA-1', () => {
    const user = parseTrustSettingsExport(fixture('security-trust-settings-export-user.plist'));
    assert.deepEqual([...user.keys()], [LOCALHOST, OTHER_LOCALHOST]);
    assert.deepEqual(user.get(LOCALHOST), [basic(1), ssl(1)]);
    // Limited to one host name (kSecTrustSettingsPolicyString): kept, marked scoped.
    assert.deepEqual(user.get(OTHER_LOCALHOST), [ssl(1, { scoped: true })]);
  });

  it('admin domain (mkcert: sslServer + basicX509) and a Deny', () => {
    const admin = parseTrustSettingsExport(fixture('security-trust-settings-export-d-admin.plist'));
    assert.deepEqual(admin.get(CA), [ssl(1), basic(1)]);
    assert.deepEqual(admin.get(LOCALHOST), [ssl(3)]);
  });

  it('an empty or absent trustSettings array is "trusted for everything"; a missing result is TrustRoot; an entry that is not a SHA-1 is skipped', () => {
    const got = parseTrustSettingsExport(plist(`<dict><key>trustList</key><dict>
      <key>${'a'.repeat(40)}</key><dict><key>trustSettings</key><array/></dict>
      <key>${'B'.repeat(40)}</key><dict><key>issuerName</key><data>AA==</data></dict>
      <key>${'C'.repeat(40)}</key><dict><key>trustSettings</key><array><dict><key>kSecTrustSettingsPolicyName</key><string>sslServer</string></dict></array></dict>
      <key>not-a-hash</key><dict><key>trustSettings</key><array/></dict></dict><key>trustVersion</key><integer>1</integer></dict>`));
    assert.deepEqual([...got], [['A'.repeat(40), []], ['B'.repeat(40), []], ['C'.repeat(40), [ssl(1)]]]);
    assert.deepEqual(parseTrustSettingsExport(plist('<dict><key>trustList</key><dict/></dict>')).size, 0);
    assert.throws(() => parseTrustSettingsExport(plist('<array/>')), PlistError);
  });
});

describe('TLS trust as macOS decides it', () => {
  it('SSL or unconstrained TrustRoot anchors a self-signed certificate; basic X.509 alone does not; TrustAsRoot anchors only a non-self-signed one', () => {
    assert.equal(tlsTrustInDomain([basic(1), ssl(1)], true), 'trusted');
    assert.equal(tlsTrustInDomain([{ result: 1, scoped: false }], true), 'trusted');
    assert.equal(tlsTrustInDomain([], true), 'trusted');
    assert.equal(tlsTrustInDomain([], false), 'unspecified');
    assert.equal(tlsTrustInDomain([basic(1)], true), 'unspecified');
    assert.equal(tlsTrustInDomain([ssl(1)], false), 'unspecified');
    assert.equal(tlsTrustInDomain([ssl(2)], false), 'trusted');
    assert.equal(tlsTrustInDomain([ssl(2)], true), 'unspecified');
    assert.equal(tlsTrustInDomain([ssl(4)], true), 'unspecified');
    assert.equal(tlsTrustInDomain([ssl(1, { scoped: true })], true), 'unspecified');
  });

  it('the first constraint that applies decides: a Deny for SSL (or for everything) wins over a later trust, not over an earlier one', () => {
    assert.equal(tlsTrustInDomain([ssl(3), ssl(1)], true), 'denied');
    assert.equal(tlsTrustInDomain([{ result: 3, scoped: false }, ssl(1)], true), 'denied');
    assert.equal(tlsTrustInDomain([basic(3), ssl(1)], true), 'trusted');
    assert.equal(tlsTrustInDomain([ssl(1), ssl(3)], true), 'trusted');
  });

  it('user before admin before the System Roots; a certificate no setting decides is not trusted, whatever keychain holds it', () => {
    const user = parseTrustSettingsExport(fixture('security-trust-settings-export-user.plist'));
    const admin = parseTrustSettingsExport(fixture('security-trust-settings-export-d-admin.plist'));
    // The admin domain denies the leaf, the user domain trusts it: the user's answer comes first.
    assert.equal(darwinTlsTrust({ sha1: LOCALHOST, selfSigned: true }, { user, admin }, false), 'trusted');
    assert.equal(darwinTlsTrust({ sha1: LOCALHOST, selfSigned: true }, { user: new Map(), admin }, true), 'denied');
    assert.equal(darwinTlsTrust({ sha1: CA.toLowerCase(), selfSigned: true }, { user, admin }, false), 'trusted');
    assert.equal(darwinTlsTrust({ sha1: OTHER_LOCALHOST, selfSigned: true }, { user, admin }, false), 'unspecified');
    // An untrusted dotnet dev-certs certificate: in the login keychain, no settings at all.
    assert.equal(darwinTlsTrust({ sha1: 'D'.repeat(40), selfSigned: true }, { user, admin }, false), 'unspecified');
    assert.equal(darwinTlsTrust({ sha1: 'D'.repeat(40), selfSigned: true }, { user, admin }, true), 'trusted');
  });
});

describe('reading a trust domain', () => {
  function exporter(reply: { code: number; stderr?: string; writes?: string }) {
    const calls: string[][] = [];
    const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
      calls.push([command, ...args]);
      const file = args[args.length - 1];
      if (reply.writes !== undefined) (await import('node:fs')).writeFileSync(file, reply.writes);
      return { command, args: [...args], code: reply.code, stdout: '', stderr: reply.stderr ?? '', durationMs: 1, timedOut: false };
    };
    return { runner, calls };
  }

  it('runs security trust-settings-export [-d] FILE (an argument array) into a private folder it removes after', async () => {
    const user = exporter({ code: 0, writes: fixture('security-trust-settings-export-user.plist') });
    assert.deepEqual([...(await readTrustDomain('user', user.runner as never)).keys()], [LOCALHOST, OTHER_LOCALHOST]);
    assert.deepEqual(user.calls[0].slice(0, 2), ['security', 'trust-settings-export']);
    assert.equal(user.calls[0].length, 3);
    assert.equal(existsSync(user.calls[0][2]), false);
    const admin = exporter({ code: 0, writes: fixture('security-trust-settings-export-d-admin.plist') });
    assert.ok((await readTrustDomain('admin', admin.runner as never)).has(CA));
    assert.deepEqual(admin.calls[0].slice(0, 3), ['security', 'trust-settings-export', '-d']);
  });

  it('"No Trust Settings were found" is an empty domain; another failure or a file that is not a plist throws', async () => {
    const none = exporter({ code: 1, stderr: fixture('security-trust-settings-export-none.stderr.txt') });
    assert.equal((await readTrustDomain('user', none.runner as never)).size, 0);
    await assert.rejects(readTrustDomain('admin', exporter({ code: 1, stderr: 'SecTrustSettingsCreateExternalRepresentation: some other error' }).runner as never), /failed \(exit 1\)/);
    await assert.rejects(readTrustDomain('user', exporter({ code: 0, writes: '<html>' }).runner as never), PlistError);
  });
});

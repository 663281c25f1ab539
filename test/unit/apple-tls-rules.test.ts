/**
 * Apple's rules for TLS server certificates (support.apple.com/103769):
 * the certificates this tool makes stay inside them, the macOS verdict knows them (check/clientPolicy.ts,
 * one place), and a repair on macOS plans a new certificate — saying why — instead of trusting one macOS
 * refuses whatever is trusted. Certificates made by the openssl binary (test/helpers/openssl.ts).
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { AnchorSet } from '../../src/core/certs/chain';
import { generateCertificate } from '../../src/core/certs/generate';
import { createLocalCa } from '../../src/core/certs/localCa';
import { inspectCertificate, pemToDer } from '../../src/core/certs/parse';
import { CERT_PROFILES } from '../../src/core/certs/profiles';
import type { CertificateSummary } from '../../src/core/certs/types';
import { APPLE_TLS_SERVER_RULES, clientPolicies, tlsServerRuleBreaks } from '../../src/core/check/clientPolicy';
import { judge } from '../../src/core/check/judge';
import type { ExecResult } from '../../src/core/io/exec';
import { planRepair, planTrust } from '../../src/core/repair/planRepair';
import { certificateRef } from '../../src/core/certs/formats';
import { createDarwinKeychainStore } from '../../src/core/trust/darwin';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const summaryOf = (pem: string) => inspectCertificate(pemToDer(pem)[0]).summary;
const dated = (notBefore: string, days: number, extendedKeyUsage = ['serverAuth']): Pick<CertificateSummary, 'notBefore' | 'notAfter' | 'extendedKeyUsage'> =>
  ({ notBefore, notAfter: new Date(Date.parse(notBefore) + days * 86_400_000).toISOString(), extendedKeyUsage });

describe("Apple's rules for TLS server certificates", function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-apple-rules-');
  let tenYears: CertFiles;
  before(() => { tenYears = makeCert(tmp.dir, 'ten-years', { days: 3650 }); });
  after(() => tmp.cleanup());

  it('the certificates this tool makes stay inside them: every server profile, RSA and ECDSA, the longest validity it allows', async () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const ca = await createLocalCa(env);
    for (const profile of CERT_PROFILES.filter(p => p !== 'client')) {
      for (const key of ['rsa', 'ecdsa'] as const) {
        for (const days of [undefined, 825]) {
          const g = await generateCertificate({ profile, key, days, env, ...(profile === 'local-ca' ? { ca } : {}) });
          const s = summaryOf(g.certPem);
          assert.deepEqual(tlsServerRuleBreaks(s, APPLE_TLS_SERVER_RULES), [], `${profile} ${key} ${days}`);
          assert.ok(s.san.includes('localhost'), 'names in subjectAltName');
          assert.match(s.signatureAlgorithm, /sha256/i, 'a SHA-2 signature');
          if (key === 'rsa') assert.ok(s.keySize! >= 2048);
          const x = new X509Certificate(g.certPem);
          assert.ok((Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000 <= 825);
        }
      }
      await assert.rejects(generateCertificate({ profile, days: 826, env, ...(profile === 'local-ca' ? { ca } : {}) }), /may be valid for 1 to 825 days, not 826 \(macOS refuses TLS server certificates valid for longer\)/);
    }
    // A client certificate is not a TLS server certificate: longer is allowed.
    await generateCertificate({ profile: 'client', days: 3650, env });
  });

  it('what breaks them: more than 825 days, no serverAuth (anyExtendedKeyUsage is not enough); none before 2019-07-01', () => {
    assert.deepEqual(tlsServerRuleBreaks(summaryOf(tenYears.certPem), APPLE_TLS_SERVER_RULES), ['it is valid for 3650 days, more than 825']);
    assert.deepEqual(tlsServerRuleBreaks(dated('2024-01-01T00:00:00Z', 825), APPLE_TLS_SERVER_RULES), []);
    assert.deepEqual(tlsServerRuleBreaks(dated('2024-01-01T00:00:00Z', 826), APPLE_TLS_SERVER_RULES), ['it is valid for 826 days, more than 825']);
    assert.deepEqual(tlsServerRuleBreaks(dated('2024-01-01T00:00:00Z', 365, []), APPLE_TLS_SERVER_RULES), ['it has no extended key usage listing serverAuth']);
    assert.deepEqual(tlsServerRuleBreaks(dated('2024-01-01T00:00:00Z', 365, ['anyExtendedKeyUsage', 'clientAuth']), APPLE_TLS_SERVER_RULES),
      ['its extended key usage (anyExtendedKeyUsage, clientAuth) lacks serverAuth']);
    assert.deepEqual(tlsServerRuleBreaks(dated('2019-06-30T00:00:00Z', 3650, []), APPLE_TLS_SERVER_RULES), [], 'issued before the rules');
    assert.deepEqual(tlsServerRuleBreaks(dated('2024-01-01T00:00:00Z', 400), APPLE_TLS_SERVER_RULES), [], '398 days binds only publicly trusted chains');
    assert.deepEqual(tlsServerRuleBreaks(summaryOf(tenYears.certPem), undefined), [], 'a client with no such rules');
  });

  it('only the macOS verifier holds them (the "system" client on darwin): Node, the browsers and Linux/Windows clients do not', () => {
    assert.equal(clientPolicies({}, 'darwin').system.tlsServerRules, APPLE_TLS_SERVER_RULES);
    for (const p of ['linux', 'win32'] as const) assert.equal(clientPolicies({}, p).system.tlsServerRules, undefined);
    assert.equal(clientPolicies({}, 'darwin').node.tlsServerRules, undefined);
    assert.equal(clientPolicies({}, 'darwin').browsers.tlsServerRules, undefined);
  });

  function verdictOn(platform: NodeJS.Platform, c: CertFiles) {
    const der = pemToDer(c.certPem)[0];
    // Trusted everywhere: trust is not what is wrong with it.
    const anchors = new AnchorSet([inspectCertificate(der)]);
    return {
      der,
      v: judge({ host: 'localhost', port: 5001, servername: 'localhost', chain: [der], handshakeMs: 1, protocol: 'TLSv1.3' },
        { anchors: { system: anchors, node: anchors, knownIntermediates: { list: () => [] }, sources: { system: [], node: [] }, warnings: [] } as never, platform, env: {} }),
    };
  }

  it('macOS verdict: trusted, yet refused by macOS clients — a certificate problem (regenerate, never trust); Node and the browsers accept; Linux says nothing', () => {
    const { v } = verdictOn('darwin', tenYears);
    assert.equal(v.trusted, true);
    const p = v.problems.find(x => x.code === 'platform-rules')!;
    assert.deepEqual(p.affects, ['system']);
    assert.deepEqual(p.fixes, ['regenerate', 'bind']);
    assert.match(p.message, /breaks Apple's rules for TLS server certificates — it is valid for 3650 days, more than 825 — so macOS clients .* refuse it whatever is trusted/);
    assert.deepEqual(v.accepts, { system: false, node: true, browsers: true });
    assert.equal(verdictOn('linux', tenYears).v.problems.some(x => x.code === 'platform-rules'), false);
  });

  it('repair on macOS: no trust planned for it — a new certificate, and one sentence why (also when only "Trust" was asked)', async () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const ca = await createLocalCa(env);
    const { v, der } = verdictOn('darwin', tenYears);
    // Untrusted as well, so trust would have been planned before (and again after every run).
    const untrusted = { ...v, trusted: false, trust: { system: false, node: true }, problems: [...v.problems, { code: 'self-signed' as const, severity: 'error' as const, message: '', fixes: ['regenerate' as const], affects: ['system' as const] }] };
    const ctx = { platform: 'darwin' as const, homeDir: '/Users/dev', env: {} };
    const sha1 = certificateRef(der).sha1;
    for (const fixes of [undefined, ['trust' as const]]) {
      const plan = await planRepair([untrusted], { ctx, ca, stores: [], chains: { [v.url]: [der] }, ...(fixes ? { fixes } : {}) });
      const why = plan.notes.filter(n => /macOS never accepts/.test(n));
      assert.deepEqual(why, [`${v.url}: macOS never accepts this certificate for TLS, trusted or not (it is valid for 3650 days, more than 825); a new certificate within Apple's rules replaces it.`]);
      assert.ok(!plan.notes.some(n => /trusting the served certificate would not fix it/.test(n)), 'one sentence, not two');
      assert.ok(!plan.steps.some(s => s.record?.thumbprint === sha1), 'the served certificate is never trusted');
      assert.ok(plan.steps.some(s => s.action.type === 'manual' || s.action.type === 'write-file'), 'a new certificate is made and bound');
    }
  });

  it('trust FILE on macOS for such a certificate: planned as asked, with the sentence that macOS will still refuse it', async () => {
    const runner = async (command: string, args: readonly string[]): Promise<ExecResult> =>
      ({ command, args: [...args], code: 1, stdout: '', stderr: 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.', durationMs: 1, timedOut: false });
    const ctx = { platform: 'darwin' as const, homeDir: '/Users/dev', env: {} };
    const plan = await planTrust(certificateRef(tenYears.certPem), ctx, [createDarwinKeychainStore(runner)]);
    assert.ok(plan.steps.some(s => s.id === 'trust-darwin-keychain'));
    assert.match(plan.notes.join('\n'), /macOS will still refuse CN=localhost as a TLS server certificate once trusted \(it is valid for 3650 days, more than 825\)/);
    const sound = makeCert(tmp.dir, 'sound', { days: 365 });
    assert.deepEqual((await planTrust(certificateRef(sound.certPem), ctx, [createDarwinKeychainStore(runner)])).notes, []);
  });
});

/**
 * The macOS system anchors the verdicts build paths to, read from `security` (Node < 22.15). The tool exists
 * only on macOS: its answers are built here in the shapes test/fixtures/platform/README.md describes —
 * `find-certificate -a -Z -p` ("SHA-256 hash:" / "SHA-1 hash:" lines, then the PEM) per keychain, and the
 * trust settings plists `trust-settings-export [-d] FILE` writes.
 */
import * as assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { AnchorSet, buildPath } from '../../src/core/certs/chain';
import { inspectCertificate, pemToDer } from '../../src/core/certs/parse';
import type { ExecResult } from '../../src/core/io/exec';
import { readDarwinAnchors } from '../../src/core/trust/darwinAnchors';
import { DOTNET_TRUST, fakeSecurity, findCertificateOutput, usageConstraint } from '../helpers/macSecurity';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');
const HOME = '/Users/dev';
const LOGIN = `${HOME}/Library/Keychains/login.keychain-db`;
const ROOTS = '/System/Library/Keychains/SystemRootCertificates.keychain';
const SYSTEM = '/Library/Keychains/System.keychain';

const sha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex').toUpperCase();
const listing = findCertificateOutput;
const entry = (pem: string, constraints: string) => ({ pem, constraints });

describe('macOS system anchors from the keychains and their trust settings', function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-darwin-anchors-');
  let localCa: CertFiles, issued: CertFiles, devCert: CertFiles, basicOnly: CertFiles, intermediate: CertFiles;
  const [publicRoot, distrustedRoot] = tls.rootCertificates;
  const LOCALHOST = fixture('localhost-cert.pem');
  before(() => {
    localCa = makeCert(tmp.dir, 'mkcert-ca', { ca: true, cn: 'mkcert development CA', days: 365 });
    issued = makeCert(tmp.dir, 'issued', { issuer: localCa, days: 30 });
    intermediate = makeCert(tmp.dir, 'int', { ca: true, cn: 'Some Intermediate', issuer: localCa, days: 365 });
    // `dotnet dev-certs https` without --trust: in the login keychain, no trust settings.
    devCert = makeCert(tmp.dir, 'devcert', { days: 365, extensions: ['1.3.6.1.4.1.311.84.1.1=DER:02'] });
    basicOnly = makeCert(tmp.dir, 'basic', { days: 365, cn: 'basic only' });
  });
  after(() => tmp.cleanup());

  const security = (user: { pem: string; constraints: string }[], admin: { pem: string; constraints: string }[]) => fakeSecurity(
    keychain => (keychain === ROOTS ? [publicRoot, distrustedRoot] : keychain === SYSTEM ? [localCa.certPem]
      : keychain === LOGIN ? [LOCALHOST, devCert.certPem, basicOnly.certPem, intermediate.certPem] : []),
    user, admin,
  );

  it('an anchor only where trust settings say so for SSL (or a System Root no setting denies); a keychain certificate alone is not trusted', async () => {
    const { runner, calls } = security(
      // User: dotnet's -p basic -p ssl for localhost; the basic X.509 policy alone for another certificate.
      [entry(LOCALHOST, DOTNET_TRUST), entry(basicOnly.certPem, usageConstraint('basic', 1))],
      // Admin: mkcert's CA in the System keychain; a System Root denied for SSL.
      [entry(localCa.certPem, usageConstraint('ssl', 1) + usageConstraint('basic', 1)), entry(distrustedRoot, usageConstraint('ssl', 3))],
    );
    const warnings: string[] = [];
    const read = await readDarwinAnchors(HOME, runner as never, warnings);
    assert.deepEqual(warnings, []);
    assert.deepEqual(read.sources, [ROOTS, SYSTEM, LOGIN]);
    assert.deepEqual(new Set(read.anchors.map(a => a.sha256.toUpperCase())), new Set([publicRoot, localCa.certPem, LOCALHOST].map(sha256)));
    assert.deepEqual(read.intermediates.map(a => a.sha256.toUpperCase()), [sha256(intermediate.certPem)]);
    for (const kc of [ROOTS, SYSTEM, LOGIN]) assert.ok(calls.some(c => c.join(' ') === `security find-certificate -a -Z -p ${kc}`), kc);

    const anchors = new AnchorSet(read.anchors, 'system', read.intermediates);
    const leaf = (pem: string) => inspectCertificate(pemToDer(pem)[0]);
    assert.equal(buildPath(leaf(devCert.certPem), [], anchors).trusted, false, 'the untrusted dotnet dev-certs certificate reads as untrusted');
    assert.equal(buildPath(leaf(basicOnly.certPem), [], anchors).trusted, false, 'trusted for basic X.509 only: not for TLS');
    assert.equal(buildPath(leaf(LOCALHOST), [], anchors).trusted, true);
    assert.equal(buildPath(leaf(issued.certPem), [], anchors).trusted, true, 'issued by the CA the admin domain trusts');
  });

  it('trust settings that cannot be read are a warning, and then only the System Roots count', async () => {
    const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
      const reply = { command, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false };
      if (args[0] === 'find-certificate') return { ...reply, stdout: args[args.length - 1] === ROOTS ? listing([publicRoot]) : listing([LOCALHOST]) };
      return { ...reply, code: 1, stderr: 'security: SecTrustSettingsCreateExternalRepresentation: Write permissions error.' };
    };
    const warnings: string[] = [];
    const read = await readDarwinAnchors(HOME, runner as never, warnings);
    assert.deepEqual(read.anchors.map(a => a.sha256.toUpperCase()), [sha256(publicRoot)]);
    assert.match(warnings.join('\n'), /macOS trust settings could not be read .*only the System Roots count/);
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { buildPath } from '../../src/core/certs/chain';
import { inspectCertificate, pemToDer } from '../../src/core/certs/parse';
import { loadTrustAnchors, parseCertutilList } from '../../src/core/trust/anchors';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

describe('trust anchors per consumer (sandboxed)', function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-anchors-');
  let root: CertFiles, int: CertFiles, other: CertFiles;
  const home = () => path.join(tmp.dir, 'home');
  before(() => {
    root = makeCert(tmp.dir, 'root', { ca: true, cn: 'Anchor Root', days: 365 });
    int = makeCert(tmp.dir, 'int', { ca: true, cn: 'Anchor Int', issuer: root, days: 365 });
    other = makeCert(tmp.dir, 'other', { ca: true, cn: 'Dir Root', days: 365 });
    mkdirSync(home());
  });
  after(() => tmp.cleanup());

  it('system = SSL_CERT_FILE + SSL_CERT_DIR read as OpenSSL does (by subject hash); roots are anchors, intermediates the pool', async () => {
    const bundle = path.join(tmp.dir, 'bundle.pem');
    writeFileSync(bundle, root.certPem + int.certPem);
    const dir = path.join(tmp.dir, 'certdir');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'other.pem'), other.certPem);
    const hash = execFileSync('openssl', ['x509', '-noout', '-subject_hash', '-in', other.cert], { encoding: 'utf8' }).trim();
    symlinkSync(path.join(dir, 'other.pem'), path.join(dir, `${hash}.0`));
    // Filed under a wrong hash, OpenSSL never opens it: neither do we.
    const stray = makeCert(tmp.dir, 'stray', { ca: true, cn: 'Stray Root', days: 365 });
    writeFileSync(path.join(dir, '00000000.0'), stray.certPem);
    const a = await loadTrustAnchors({ env: { SSL_CERT_FILE: bundle, SSL_CERT_DIR: dir }, homeDir: home(), platform: 'linux' });
    assert.equal(a.system.size, 0, 'nothing is parsed up front: the bundle and the directory are asked per issuer name');
    const issuedByDirRoot = inspectCertificate(pemToDer(makeCert(tmp.dir, 'dirleaf', { issuer: other, days: 30 }).certPem)[0]);
    assert.equal(buildPath(issuedByDirRoot, [], a.system).trusted, true, 'found under its subject hash');
    const issuedByStray = inspectCertificate(pemToDer(makeCert(tmp.dir, 'strayleaf', { issuer: stray, days: 30 }).certPem)[0]);
    assert.equal(buildPath(issuedByStray, [], a.system).trusted, false, 'not under its own hash: not found, as with OpenSSL');
    assert.deepEqual(a.system.certificates.map(c => c.summary.subject).sort(), ['CN=Anchor Root', 'CN=Dir Root', 'CN=Stray Root']);
    assert.deepEqual(a.system.intermediates.map(c => c.summary.subject), ['CN=Anchor Int']);
    assert.deepEqual(a.knownIntermediates.list().map(c => c.summary.subject), ['CN=Anchor Int']);
    assert.deepEqual(a.sources.system, [bundle, dir]);
    assert.equal(a.nss, undefined, 'no NSS database in the sandbox HOME');
  });

  it('node = the bundled roots + NODE_EXTRA_CA_CERTS', async () => {
    const a = await loadTrustAnchors({ env: { SSL_CERT_FILE: root.cert, SSL_CERT_DIR: '', NODE_EXTRA_CA_CERTS: other.cert }, homeDir: home(), platform: 'linux' });
    assert.equal(a.node.certificates.length + a.node.intermediates.length, tls.rootCertificates.length + 1);
    assert.ok(a.node.certificates.some(c => c.summary.subject === 'CN=Dir Root'));
  });

  it('a file that changes is read again (cache by mtime and size); a missing one is a warning', async () => {
    const file = path.join(tmp.dir, 'changing.pem');
    writeFileSync(file, root.certPem);
    const env = { SSL_CERT_FILE: file, SSL_CERT_DIR: '' };
    assert.equal((await loadTrustAnchors({ env, homeDir: home(), platform: 'linux' })).system.certificates.length, 1);
    writeFileSync(file, root.certPem + other.certPem);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal((await loadTrustAnchors({ env, homeDir: home(), platform: 'linux' })).system.certificates.length, 2);
    const missing = await loadTrustAnchors({ env: { SSL_CERT_FILE: path.join(tmp.dir, 'nope.pem'), SSL_CERT_DIR: '' }, homeDir: home(), platform: 'linux' });
    assert.equal(missing.system.certificates.length, 0);
    assert.match(missing.warnings.join('\n'), /SSL_CERT_FILE names .*nope\.pem/);
  });

  it('reads certutil -L listings: nickname (spaces allowed) and the SSL trust column', () => {
    const out = [
      '', 'Certificate Nickname                                         Trust Attributes',
      '                                                             SSL,S/MIME,JAR/XPI', '',
      'devcert doctor CA                                            C,,  ',
      'some intermediate                                            ,,   ',
      'trusted peer                                                 P,,  ',
    ].join('\n');
    assert.deepEqual(parseCertutilList(out), [
      { nickname: 'devcert doctor CA', ssl: 'C' }, { nickname: 'some intermediate', ssl: '' }, { nickname: 'trusted peer', ssl: 'P' },
    ]);
  });
});

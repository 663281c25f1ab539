import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { inspectCertificate, pemToDer, type ParsedCertificate } from '../../src/core/certs/parse';
import { AnchorSet, buildPath, findIncompleteChain } from '../../src/core/certs/chain';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const P = (c: CertFiles | string): ParsedCertificate => inspectCertificate(pemToDer(typeof c === 'string' ? c : c.certPem)[0]);
const subjects = (cs: ParsedCertificate[]) => cs.map(c => c.summary.subject);

describe('probe: chain building', function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-chain-');
  let root: CertFiles, int1: CertFiles, int2: CertFiles, leafDirect: CertFiles, leafViaInt1: CertFiles, leafViaInt2: CertFiles;
  let otherRoot: CertFiles, leafOther: CertFiles, impostor: CertFiles, leafImpostor: CertFiles;

  before(() => {
    root = makeCert(tmp.dir, 'root', { ca: true, org: 'Chain Org', cn: 'Chain Root', days: 365 });
    int1 = makeCert(tmp.dir, 'int1', { ca: true, org: 'Chain Org', cn: 'Chain Int 1', issuer: root, days: 365 });
    int2 = makeCert(tmp.dir, 'int2', { ca: true, org: 'Chain Org', cn: 'Chain Int 2', issuer: int1, days: 365 });
    leafDirect = makeCert(tmp.dir, 'leaf-direct', { issuer: root });
    leafViaInt1 = makeCert(tmp.dir, 'leaf-int1', { issuer: int1 });
    leafViaInt2 = makeCert(tmp.dir, 'leaf-int2', { issuer: int2 });
    otherRoot = makeCert(tmp.dir, 'other', { ca: true, org: 'Other Org', cn: 'Other Root', days: 365 });
    leafOther = makeCert(tmp.dir, 'leaf-other', { issuer: otherRoot });
    // Same name as the trusted root, different key: a chain through it must not verify.
    impostor = makeCert(tmp.dir, 'impostor', { ca: true, org: 'Chain Org', cn: 'Chain Root', days: 365 });
    leafImpostor = makeCert(tmp.dir, 'leaf-impostor', { issuer: impostor });
  });
  after(() => tmp.cleanup());

  it('a leaf issued by an anchor is trusted; the anchor ends the path', () => {
    const r = buildPath(P(leafDirect), [], new AnchorSet([P(root)]));
    assert.equal(r.trusted, true);
    assert.equal(r.end, 'anchor');
    assert.deepEqual(subjects(r.path), ['CN=localhost', 'CN=Chain Root, O=Chain Org']);
  });

  it('follows the intermediates the server sent, in any order, ignoring extras', () => {
    const r = buildPath(P(leafViaInt2), [P(otherRoot), P(int1), P(int2)], new AnchorSet([P(root)]));
    assert.equal(r.trusted, true);
    assert.deepEqual(subjects(r.path).slice(1), ['CN=Chain Int 2, O=Chain Org', 'CN=Chain Int 1, O=Chain Org', 'CN=Chain Root, O=Chain Org']);
    assert.deepEqual(r.fromPool, []);
  });

  it('an untrusted root ends the path as untrusted-root', () => {
    const r = buildPath(P(leafOther), [P(otherRoot)], new AnchorSet([P(root)]));
    assert.equal(r.trusted, false);
    assert.equal(r.end, 'untrusted-root');
    assert.equal(findIncompleteChain(r, [P(otherRoot)], new AnchorSet([P(root)]), []), undefined);
  });

  it('a matching name is not enough: the signature must verify with the anchor key', () => {
    const r = buildPath(P(leafImpostor), [], new AnchorSet([P(root)]));
    assert.equal(r.trusted, false);
    assert.equal(r.end, 'issuer-not-found');
  });

  it('an anchor is matched by subject and public key (a re-issued root with the same key)', () => {
    const reissued = path.join(tmp.dir, 'root-reissued.pem');
    execFileSync('openssl', ['req', '-x509', '-new', '-key', root.key, '-out', reissued, '-days', '900', '-subj', '/O=Chain Org/CN=Chain Root', '-set_serial', '77']);
    const again = P(require('node:fs').readFileSync(reissued, 'utf8'));
    assert.notEqual(again.summary.sha256, P(root).summary.sha256);
    const r = buildPath(P(leafDirect), [P(root)], new AnchorSet([again]));
    assert.equal(r.trusted, true);
  });

  it('the missing intermediate found in the local pool: incomplete chain (pool)', () => {
    const anchors = new AnchorSet([P(root)]);
    const failed = buildPath(P(leafViaInt1), [], anchors);
    assert.equal(failed.end, 'issuer-not-found');
    const evidence = findIncompleteChain(failed, [], anchors, [P(int1)]);
    assert.equal(evidence?.kind, 'pool');
    const withPool = buildPath(P(leafViaInt1), [], anchors, [P(int1)]);
    assert.equal(withPool.trusted, true);
    assert.deepEqual(subjects(withPool.fromPool), ['CN=Chain Int 1, O=Chain Org']);
  });

  it('a gap: the server sends a later intermediate that chains to the root, but not the one between', () => {
    const anchors = new AnchorSet([P(root)]);
    const sent = [P(int1)];
    const failed = buildPath(P(leafViaInt2), sent, anchors);
    const evidence = findIncompleteChain(failed, sent, anchors, []);
    assert.equal(evidence?.kind, 'gap');
    assert.equal(evidence?.kind === 'gap' && evidence.missingIssuer, 'CN=Chain Int 2, O=Chain Org');
  });

  it('no guess from names: an issuer of the same organisation as a trusted root, not found anywhere, is no evidence', () => {
    const anchors = new AnchorSet([P(root)]);
    const failed = buildPath(P(leafViaInt1), [], anchors);
    assert.equal(findIncompleteChain(failed, [], anchors, []), undefined);
    const unrelated = buildPath(P(leafOther), [], anchors);
    assert.equal(findIncompleteChain(unrelated, [], anchors, []), undefined);
  });
});

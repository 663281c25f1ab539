/**
 * Every certificate and transport situation from the problem-code list, against real servers on
 * 127.0.0.1 (Node `tls` and `openssl s_server`), with certificates made by openssl. A sandbox
 * SSL_CERT_FILE makes the test CA "system-trusted"; HOME, SSL_CERT_DIR and NODE_EXTRA_CA_CERTS are
 * sandboxed too, so nothing on this machine's stores is read or changed.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { judge } from '../../src/core/check/judge';
import { probeEndpoint } from '../../src/core/probe/handshake';
import type { EndpointVerdict } from '../../src/core/check/types';
import type { HandshakeResult } from '../../src/core/probe/types';
import { loadTrustAnchors, type ConsumerAnchors } from '../../src/core/trust/anchors';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort, startOpensslServer, startTcpServer, startTlsServer, type RunningServer } from '../helpers/servers';

const codes = (v: EndpointVerdict) => v.problems.map(p => p.code).sort();

describe('probe: every situation against real servers', function () {
  this.timeout(60000);
  const tmp = makeTempDir('devcert-probe-');
  const running: RunningServer[] = [];
  let root: CertFiles, int1: CertFiles, int2: CertFiles, other: CertFiles;
  const leaf: Record<string, CertFiles> = {};
  let env: NodeJS.ProcessEnv;
  let anchors: ConsumerAnchors;

  const sandboxEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    SSL_CERT_FILE: root.cert, SSL_CERT_DIR: path.join(tmp.dir, 'empty-cert-dir'), HOME: path.join(tmp.dir, 'home'),
    NODE_EXTRA_CA_CERTS: root.cert, ...extra,
  });

  before(() => {
    mkdirSync(path.join(tmp.dir, 'empty-cert-dir'));
    mkdirSync(path.join(tmp.dir, 'home'));
    root = makeCert(tmp.dir, 'root', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Root', days: 365 });
    int1 = makeCert(tmp.dir, 'int1', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Intermediate', issuer: root, days: 365 });
    int2 = makeCert(tmp.dir, 'int2', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Issuing', issuer: int1, days: 365 });
    other = makeCert(tmp.dir, 'other', { ca: true, org: 'Somebody Else', cn: 'Untrusted Root', days: 365 });
    leaf.good = makeCert(tmp.dir, 'good', { issuer: root });
    leaf.viaInt1 = makeCert(tmp.dir, 'via-int1', { issuer: int1 });
    leaf.viaInt2 = makeCert(tmp.dir, 'via-int2', { issuer: int2 });
    leaf.selfSigned = makeCert(tmp.dir, 'self');
    leaf.otherCa = makeCert(tmp.dir, 'other-leaf', { issuer: other });
    leaf.expired = makeCert(tmp.dir, 'expired', { issuer: root, notBeforeDays: -40, days: 30 });
    leaf.notYet = makeCert(tmp.dir, 'not-yet', { issuer: root, notBeforeDays: 10, days: 30 });
    leaf.soon = makeCert(tmp.dir, 'soon', { issuer: root, days: 5 });
    leaf.wrongSan = makeCert(tmp.dir, 'wrong-san', { issuer: root, san: 'DNS:example.test' });
    leaf.cnOnly = makeCert(tmp.dir, 'cn-only', { issuer: root, san: '' });
    leaf.sha1 = makeCert(tmp.dir, 'sha1', { issuer: root, digest: 'sha1' });
    leaf.rsa1024 = makeCert(tmp.dir, 'rsa1024', { issuer: root, keyBits: 1024 });
    leaf.everything = makeCert(tmp.dir, 'everything', { san: 'DNS:example.test', notBeforeDays: -40, days: 30 });
  });

  beforeEach(async () => {
    env = sandboxEnv();
    anchors = await loadTrustAnchors({ env, homeDir: env.HOME, platform: 'linux' });
  });
  afterEach(async () => { await Promise.all(running.splice(0).map(s => s.close())); });
  after(() => tmp.cleanup());

  async function serve(c: CertFiles, chain: CertFiles[] = [], o: { weak?: boolean; maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<RunningServer> {
    const s = await startTlsServer({
      key: c.keyPem, cert: c.certPem + chain.map(x => x.certPem).join(''),
      ...(o.weak ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}), ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
    });
    running.push(s);
    return s;
  }

  async function serveOpenssl(args: string[]): Promise<RunningServer> {
    const s = await startOpensslServer(args);
    running.push(s);
    return s;
  }

  async function check(port: number, a: ConsumerAnchors = anchors, timeoutMs = 5000): Promise<{ v: EndpointVerdict; r: HandshakeResult }> {
    const r = await probeEndpoint({ host: 'localhost', port, timeoutMs });
    return { r, v: judge(r, { anchors: a }) };
  }

  describe('certificates', () => {
    it('a leaf from the system-trusted CA (also named by NODE_EXTRA_CA_CERTS): no problems, trusted by both', async () => {
      const { v, r } = await check((await serve(leaf.good)).port);
      assert.deepEqual(codes(v), []);
      assert.deepEqual(v.trust, { system: true, node: true });
      assert.equal(v.trusted, true);
      assert.equal(v.certificate?.subject, 'CN=localhost');
      assert.equal(v.certificate?.issuer, 'CN=DevCert Test Root, O=DevCert Test Org');
      assert.equal(r.chain.length, 1);
      assert.equal(v.severity, 'ok');
    });

    for (const version of ['1.2', '1.3'] as const) {
      it(`openssl s_server (TLS ${version}) sending leaf + intermediate: trusted, and the chain is read exactly as sent`, async () => {
        const s = await serveOpenssl(['-cert', leaf.viaInt1.cert, '-key', leaf.viaInt1.key, '-cert_chain', int1.cert, `-tls${version.replace('.', '_')}`]);
        const { v, r } = await check(s.port);
        assert.equal(r.protocol, `TLSv${version}`);
        assert.equal(r.chain.length, 2);
        assert.deepEqual(codes(v), []);
        assert.equal(v.chain?.[0].subject, 'CN=DevCert Test Intermediate, O=DevCert Test Org');
        if (version === '1.3') assert.equal(r.serverFlightRead, true, 'the TLS 1.3 server flight was decrypted from our own keylog');
      });
    }

    it('self-signed: self-signed only (no unknown-issuer), and the message names every consumer that fails', async () => {
      const { v } = await check((await serve(leaf.selfSigned)).port);
      assert.deepEqual(codes(v), ['self-signed']);
      assert.deepEqual(v.trust, { system: false, node: false });
      assert.match(v.problems[0].message, /NET::ERR_CERT_AUTHORITY_INVALID/);
      assert.match(v.problems[0].message, /system store.*Node\.js/);
      assert.deepEqual(v.problems[0].fixes, ['trust', 'regenerate']);
    });

    it('unknown-issuer: a leaf from another CA, sent with or without its root', async () => {
      for (const chain of [[other], []]) {
        const { v } = await check((await serve(leaf.otherCa, chain)).port);
        assert.deepEqual(codes(v), ['unknown-issuer']);
        assert.equal(v.trusted, false);
      }
    });

    it('the server leaves out an intermediate found nowhere: unknown-issuer naming it, saying it may be a missing intermediate (no guess from the organisation)', async () => {
      const { v } = await check((await serve(leaf.viaInt1)).port);
      assert.deepEqual(codes(v), ['unknown-issuer']);
      assert.equal(v.trust.system, false);
      assert.doesNotMatch(v.problems[0].message, /probably/);
      assert.match(v.problems[0].message, /DevCert Test Intermediate.*may be an intermediate the server should also send/);
      assert.deepEqual(v.problems[0].affects, ['system', 'node']);
      assert.deepEqual(v.accepts, { system: false, node: false });
    });

    it('incomplete-chain: a gap — the server sends a later intermediate that chains to the root', async () => {
      const { v } = await check((await serve(leaf.viaInt2, [int1])).port);
      assert.deepEqual(codes(v), ['incomplete-chain']);
      assert.doesNotMatch(v.problems[0].message, /probably/);
    });

    it('incomplete-chain: the intermediate is in the local bundle, so it only works on this machine (warning)', async () => {
      const bundle = path.join(tmp.dir, 'root-and-int.pem');
      writeFileSync(bundle, root.certPem + int1.certPem);
      const e = sandboxEnv({ SSL_CERT_FILE: bundle, NODE_EXTRA_CA_CERTS: bundle });
      const a = await loadTrustAnchors({ env: e, homeDir: e.HOME, platform: 'linux' });
      const { v } = await check((await serve(leaf.viaInt1)).port, a);
      assert.deepEqual(codes(v), ['incomplete-chain']);
      assert.equal(v.problems[0].severity, 'warning');
      assert.equal(v.trust.system, true);
    });

    it('expired (and not also expiring-soon)', async () => {
      const { v } = await check((await serve(leaf.expired)).port);
      assert.deepEqual(codes(v), ['expired']);
      assert.match(v.problems[0].message, /NET::ERR_CERT_DATE_INVALID/);
    });

    it('not-yet-valid', async () => {
      const { v } = await check((await serve(leaf.notYet)).port);
      assert.deepEqual(codes(v), ['not-yet-valid']);
    });

    it('expiring-soon within the default 14 days; not with a shorter threshold', async () => {
      const s = await serve(leaf.soon);
      const r = await probeEndpoint({ host: 'localhost', port: s.port, timeoutMs: 5000 });
      assert.deepEqual(codes(judge(r, { anchors })), ['expiring-soon']);
      assert.equal(judge(r, { anchors }).problems[0].severity, 'warning');
      assert.deepEqual(codes(judge(r, { anchors, expiringSoonDays: 3 })), []);
    });

    it('name-mismatch: a SAN for another name', async () => {
      const { v } = await check((await serve(leaf.wrongSan)).port);
      assert.deepEqual(codes(v), ['name-mismatch']);
      assert.match(v.problems[0].message, /example\.test/);
      assert.match(v.problems[0].message, /NET::ERR_CERT_COMMON_NAME_INVALID/);
    });

    it('name-mismatch: the name only in the CN, which the message says browsers ignore', async () => {
      const { v } = await check((await serve(leaf.cnOnly)).port);
      assert.deepEqual(codes(v), ['name-mismatch']);
      assert.match(v.problems[0].message, /only in the certificate's subject CN/);
    });

    it('weak-signature: a SHA-1 signed leaf', async () => {
      const { v } = await check((await serve(leaf.sha1, [], { weak: true })).port);
      assert.deepEqual(codes(v), ['weak-signature']);
      assert.match(v.problems[0].message, /sha1WithRSAEncryption/);
    });

    it('weak-key: a 1024-bit RSA leaf, from a server at security level 0', async () => {
      const { v, r } = await check((await serve(leaf.rsa1024, [], { weak: true })).port);
      assert.equal(r.failure, undefined);
      assert.deepEqual(codes(v), ['weak-key']);
      assert.equal(v.certificate?.keySize, 1024);
    });

    it('every problem at once, not just the first: self-signed + expired + name-mismatch', async () => {
      const { v } = await check((await serve(leaf.everything)).port);
      assert.deepEqual(codes(v), ['expired', 'name-mismatch', 'self-signed']);
    });
  });

  describe('who trusts it', () => {
    it('untrusted-by-node: the system trusts the CA, Node does not (no NODE_EXTRA_CA_CERTS)', async () => {
      const e = sandboxEnv({ NODE_EXTRA_CA_CERTS: undefined });
      const a = await loadTrustAnchors({ env: e, homeDir: e.HOME, platform: 'linux' });
      const { v } = await check((await serve(leaf.good)).port, a);
      assert.deepEqual(codes(v), ['untrusted-by-node']);
      assert.deepEqual(v.trust, { system: true, node: false });
      assert.equal(v.trusted, true);
    });

    it('untrusted-by-node is not added when the system fails too (the chain problem names Node)', async () => {
      const e = sandboxEnv({ NODE_EXTRA_CA_CERTS: undefined });
      const a = await loadTrustAnchors({ env: e, homeDir: e.HOME, platform: 'linux' });
      const { v } = await check((await serve(leaf.otherCa)).port, a);
      assert.deepEqual(codes(v), ['unknown-issuer']);
      assert.match(v.problems[0].message, /Node\.js/);
    });

    it('untrusted-by-browsers: an NSS database without the CA; none once the CA is added with C,,', async () => {
      const home = path.join(tmp.dir, 'home-nss');
      const db = path.join(home, '.pki', 'nssdb');
      mkdirSync(db, { recursive: true });
      execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      const e = sandboxEnv({ HOME: home });
      const port = (await serve(leaf.good)).port;
      const before = await check(port, await loadTrustAnchors({ env: e, homeDir: home, platform: 'linux' }));
      assert.deepEqual(codes(before.v), ['untrusted-by-browsers']);
      assert.deepEqual(before.v.trust, { system: true, node: true, nss: false });

      execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'devcert test root', '-t', 'C,,', '-i', root.cert]);
      const after = await check(port, await loadTrustAnchors({ env: e, homeDir: home, platform: 'linux' }));
      assert.deepEqual(codes(after.v), []);
      assert.deepEqual(after.v.trust, { system: true, node: true, nss: true });
    });

    it('untrusted-by-browsers: every browser database counts; a Firefox profile without the CA is named until it has it', async () => {
      const home = path.join(tmp.dir, 'home-browsers');
      const chromium = path.join(home, '.pki', 'nssdb');
      const firefox = path.join(home, '.mozilla', 'firefox', 'x.default-release');
      for (const db of [chromium, firefox]) {
        mkdirSync(db, { recursive: true });
        execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      }
      execFileSync('certutil', ['-A', '-d', `sql:${chromium}`, '-n', 'devcert test root', '-t', 'C,,', '-i', root.cert]);
      const e = sandboxEnv({ HOME: home });
      const port = (await serve(leaf.good)).port;
      const before = await check(port, await loadTrustAnchors({ env: e, homeDir: home, platform: 'linux' }));
      assert.deepEqual(codes(before.v), ['untrusted-by-browsers']);
      assert.deepEqual(before.v.trust, { system: true, node: true, nss: false });
      assert.match(before.v.problems[0].message, /Firefox profile x\.default-release/);
      assert.doesNotMatch(before.v.problems[0].message, /Chromium\/Chrome/);
      assert.deepEqual(before.v.trustSources?.nss?.slice().sort(), [chromium, firefox].sort());

      execFileSync('certutil', ['-A', '-d', `sql:${firefox}`, '-n', 'devcert test root', '-t', 'C,,', '-i', root.cert]);
      const after = await check(port, await loadTrustAnchors({ env: e, homeDir: home, platform: 'linux' }));
      assert.deepEqual(codes(after.v), []);
      assert.deepEqual(after.v.trust, { system: true, node: true, nss: true });
    });
  });

  describe('transport', () => {
    it('not-listening: connection refused', async () => {
      const { v, r } = await check(await freePort());
      assert.deepEqual(codes(v), ['not-listening']);
      assert.equal(v.certificate, null);
      assert.match(v.problems[0].message, /ERR_CONNECTION_REFUSED/);
      assert.deepEqual(v.problems[0].fixes, ['start-server']);
      assert.ok(r.handshakeMs < 1000);
    });

    it('not-tls: a plain HTTP server answering the ClientHello', async () => {
      const s = await startTcpServer(sock => sock.once('data', () => sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')));
      running.push(s);
      const { v } = await check(s.port);
      assert.deepEqual(codes(v), ['not-tls']);
      assert.match(v.problems[0].message, /HTTP\/1\.1 400 Bad Request/);
    });

    it('not-tls: a peer that closes without answering the handshake', async () => {
      const s = await startTcpServer(sock => sock.once('data', () => sock.end()));
      running.push(s);
      assert.deepEqual(codes((await check(s.port)).v), ['not-tls']);
    });

    it('reset: the server resets the connection on the first byte', async () => {
      const s = await startTcpServer(sock => sock.once('data', () => sock.resetAndDestroy()));
      running.push(s);
      const { v } = await check(s.port);
      assert.deepEqual(codes(v), ['reset']);
      assert.match(v.problems[0].message, /ERR_CONNECTION_RESET/);
    });

    it('timeout: a peer that accepts and never answers does not hold the probe past its timeout', async () => {
      const s = await startTcpServer(() => { /* accept, say nothing */ });
      running.push(s);
      const timeoutMs = 400;
      const t0 = performance.now();
      const { v } = await check(s.port, anchors, timeoutMs);
      const took = performance.now() - t0;
      assert.deepEqual(codes(v), ['timeout']);
      assert.ok(took >= timeoutMs - 5, `returned early: ${took} ms`);
      // The probe's own timer fires at timeoutMs (measured overhead ≈ 1 ms); the margin is for a busy
      // machine running other suites at the same time, not for the probe.
      assert.ok(took < timeoutMs + 400, `took ${took.toFixed(1)} ms for a ${timeoutMs} ms timeout`);
    });

    it('a loopback name falls back to ::1 when nothing listens on 127.0.0.1', async function () {
      const server = net.createServer(sock => sock.destroy());
      const ok = await new Promise<boolean>(res => { server.once('error', () => res(false)); server.listen(0, '::1', () => res(true)); });
      if (!ok) this.skip();
      const port = (server.address() as net.AddressInfo).port;
      try {
        const r = await probeEndpoint({ host: 'localhost', port, timeoutMs: 2000 });
        assert.equal(r.address, '::1');
        assert.notEqual(r.failure?.kind, 'not-listening');
      } finally { await new Promise(res => server.close(res)); }
    });
  });
});

/**
 * Client certificates against real mTLS servers (Node `https` with requestCert, and `openssl s_server
 * -Verify 1`), TLS 1.2 and 1.3: required, rejected, accepted-but-403 and accepted-200 told apart, and
 * what is wrong with a certificate the server refuses.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeEndpoint } from '../../src/core/probe/handshake';
import { judge } from '../../src/core/check/judge';
import { ClientCertificateUnusableError, openClientCertificate } from '../../src/core/probe/clientCertificate';
import type { ClientCertificateInput, HandshakeResult } from '../../src/core/probe/types';
import type { EndpointVerdict } from '../../src/core/check/types';
import { loadTrustAnchors, type ConsumerAnchors } from '../../src/core/trust/anchors';
import type { CertFiles } from '../helpers/openssl';
import { makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import {
  startForwardedHeaderServer, startOpensslMtlsServer, startThumbprintServer, startTlsRejectingServer, thumbprints,
} from '../helpers/mtlsServers';
import { makeTempDir } from '../helpers/sandbox';
import type { RunningServer } from '../helpers/servers';

const codes = (v: EndpointVerdict) => v.problems.map(p => p.code).sort();
const input = (c: CertFiles, label: string): ClientCertificateInput => ({ cert: c.certPem, key: c.keyPem, label });

describe('probe: client certificates (mTLS)', function () {
  this.timeout(60000);
  const tmp = makeTempDir('devcert-mtls-');
  const running: RunningServer[] = [];
  let set: MtlsCertSet;
  let anchors: ConsumerAnchors;

  before(async () => {
    set = makeMtlsCertSet(tmp.dir);
    // Trust the server's certificate (and its CA, when the helper makes one) in the sandbox, so the only
    // problems left are client-certificate ones.
    const serverCa = (set as MtlsCertSet & { serverCa?: CertFiles }).serverCa;
    const trusted = path.join(tmp.dir, 'server-trust.pem');
    writeFileSync(trusted, set.server.certPem + (serverCa?.certPem ?? ''));
    const env = { SSL_CERT_FILE: trusted, SSL_CERT_DIR: path.join(tmp.dir, 'none'), NODE_EXTRA_CA_CERTS: trusted, HOME: tmp.dir };
    anchors = await loadTrustAnchors({ env, homeDir: tmp.dir, platform: 'linux' });
  });
  afterEach(async () => { await Promise.all(running.splice(0).map(s => s.close())); });
  after(() => tmp.cleanup());

  const keep = <T extends RunningServer>(s: T): T => { running.push(s); return s; };

  async function probe(port: number, cert?: ClientCertificateInput, extra: { requestPath?: string; forward?: boolean } = {}): Promise<{ r: HandshakeResult; v: EndpointVerdict }> {
    const r = await probeEndpoint({
      host: 'localhost', port, timeoutMs: 5000, clientCertificate: cert,
      requestPath: extra.requestPath, forwardClientCertHeader: extra.forward,
    });
    return { r, v: judge(r, { anchors, clientCertificate: cert ? openClientCertificate(cert) : undefined }) };
  }

  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    describe(`Node server refusing inside the handshake (${maxVersion})`, () => {
      const start = () => startTlsRejectingServer({ certPem: set.server.certPem, keyPem: set.server.keyPem, caPem: set.clientCa.certPem, maxVersion }).then(keep);

      it('no certificate: client-cert-required', async () => {
        const { v, r } = await probe((await start()).port);
        assert.deepEqual(codes(v), ['client-cert-required']);
        assert.equal(r.clientCertificateRequested, true);
        assert.deepEqual(v.problems[0].fixes, ['configure-client-certificate']);
        assert.ok(v.certificate, 'the server certificate is still reported');
      });

      it('the right certificate: accepted, HTTP 200 over the same connection', async () => {
        const s = await start();
        const { v, r } = await probe(s.port, input(set.good, 'good.pem'), { requestPath: '/' });
        assert.deepEqual(codes(v), []);
        assert.equal(r.httpStatus, 200);
        assert.equal(s.requests[0]?.sha1, thumbprints(set.good.certPem).sha1);
      });

      it('a certificate from another CA: client-cert-rejected, with the accepted issuers in the diagnosis', async () => {
        const { v, r } = await probe((await start()).port, input(set.wrong, 'wrong.pem'));
        assert.deepEqual(codes(v), ['client-cert-rejected']);
        assert.match(v.problems[0].message, /wrong\.pem/);
        assert.deepEqual(r.acceptableIssuers, ['CN=client-ca CA']);
        assert.ok(v.clientCertificate?.findings.some(f => f.code === 'issuer-not-accepted'));
      });

      it('an expired certificate: client-cert-rejected, and the diagnosis says it expired', async () => {
        const { v } = await probe((await start()).port, input(set.expired, 'expired.pem'));
        assert.deepEqual(codes(v), ['client-cert-rejected']);
        assert.ok(v.clientCertificate?.findings.some(f => f.code === 'expired'));
        assert.match(v.problems[0].message, /expired on/);
      });

      it('a certificate without clientAuth: the diagnosis names the missing EKU', async () => {
        const { v } = await probe((await start()).port, input(set.noClientAuth, 'server-only.pem'));
        assert.ok(v.clientCertificate?.findings.some(f => f.code === 'missing-client-auth-eku'));
        assert.ok(!codes(v).includes('client-cert-required'));
      });
    });

    describe(`Node server authorizing by thumbprint (${maxVersion})`, () => {
      const start = () => startThumbprintServer({
        certPem: set.server.certPem, keyPem: set.server.keyPem, allow: [thumbprints(set.good.certPem).sha1], maxVersion,
      }).then(keep);

      it('allowed thumbprint: 200; another certificate: 403, which is authorization, not a TLS problem', async () => {
        const s = await start();
        const ok = await probe(s.port, input(set.good, 'good.pem'), { requestPath: '/api' });
        assert.equal(ok.r.httpStatus, 200);
        assert.deepEqual(codes(ok.v), []);
        const denied = await probe(s.port, input(set.wrong, 'wrong.pem'), { requestPath: '/api' });
        assert.equal(denied.r.httpStatus, 403);
        assert.deepEqual(codes(denied.v), []);
        assert.ok(denied.v.notes?.some(n => /authorization/.test(n)));
        assert.deepEqual(s.requests.map(q => q.status), [200, 403]);
      });

      it('no certificate, and the application answers 403: client-cert-required (the handshake alone succeeds)', async () => {
        const s = await start();
        const { v, r } = await probe(s.port, undefined, { requestPath: '/' });
        assert.equal(r.failure, undefined);
        assert.equal(r.httpStatus, 403);
        assert.deepEqual(codes(v), ['client-cert-required']);
        assert.match(v.problems[0].message, /HTTP 403/);
      });

      it('a server that asks, does not require at the TLS level, and answers 403 without one: client-cert-required naming the status (issue 10: the seeds\' case)', async () => {
        const s = await start();
        const t0 = performance.now();
        const { v, r } = await probe(s.port);
        assert.equal(r.clientCertificateRequested, true);
        assert.equal(r.httpStatus, 403);
        assert.deepEqual(codes(v), ['client-cert-required']);
        assert.match(v.problems[0].message, /HTTP 403/);
        assert.deepEqual(v.accepts, { system: true, node: true }, 'TLS completes for every client; the application refuses');
        assert.ok(performance.now() - t0 < 1000);
      });
    });
  }

  it('forwarding header: the certificate reaches an app behind a proxy as X-ARR-ClientCert (hex DER)', async () => {
    const s = keep(await startForwardedHeaderServer({ certPem: set.server.certPem, keyPem: set.server.keyPem, allow: [thumbprints(set.good.certPem).sha1] }));
    const withHeader = await probe(s.port, input(set.good, 'good.pem'), { requestPath: '/', forward: true });
    assert.equal(withHeader.r.httpStatus, 200);
    const without = await probe(s.port, input(set.good, 'good.pem'), { requestPath: '/' });
    assert.equal(without.r.httpStatus, 403);
  });

  for (const tls of ['1.2', '1.3'] as const) {
    it(`openssl s_server -Verify 1 (TLS ${tls}): required without, accepted with the right one, rejected with a wrong one`, async () => {
      const s = keep(await startOpensslMtlsServer({ certFile: set.server.cert, keyFile: set.server.key, caFile: set.clientCa.cert, tls }));
      const none = await probe(s.port);
      assert.deepEqual(codes(none.v), ['client-cert-required']);
      assert.deepEqual(none.r.acceptableIssuers, [`CN=client-ca CA`], 'certificate_authorities read from the CertificateRequest');
      assert.match(none.v.problems[0].message, /CN=client-ca CA/);
      const good = await probe(s.port, input(set.good, 'good.pem'), { requestPath: '/' });
      assert.deepEqual(codes(good.v), []);
      assert.equal(good.r.httpStatus, 200);
      const wrong = await probe(s.port, input(set.wrong, 'wrong.pem'));
      assert.deepEqual(codes(wrong.v), ['client-cert-rejected']);
      assert.ok(wrong.v.clientCertificate?.findings.some(f => f.code === 'issuer-not-accepted'));
    });
  }

  it('a wrong PFX password is a clear error naming the file, not a crash', () => {
    const pfx = path.join(tmp.dir, 'good.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', set.good.cert, '-inkey', set.good.key, '-out', pfx, '-passout', 'pass:right']);
    const bad: ClientCertificateInput = { pfx: readFileSync(pfx), passphrase: 'wrong', label: pfx };
    assert.throws(() => openClientCertificate(bad), (err: Error) => err instanceof ClientCertificateUnusableError && err.message.includes(pfx) && /wrong password/.test(err.message));
    return assert.rejects(probeEndpoint({ host: 'localhost', port: 1, timeoutMs: 100, clientCertificate: bad }), ClientCertificateUnusableError);
  });

  it('a key that does not belong to the certificate is refused before any connection', () => {
    assert.throws(() => openClientCertificate({ cert: set.good.certPem, key: set.wrong.keyPem, label: 'mixed.pem' }), /does not belong/);
  });

  it('a PFX with the right password is presented', async () => {
    const pfx = path.join(tmp.dir, 'good2.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', set.good.cert, '-inkey', set.good.key, '-out', pfx, '-passout', 'pass:right']);
    const s = keep(await startTlsRejectingServer({ certPem: set.server.certPem, keyPem: set.server.keyPem, caPem: set.clientCa.certPem }));
    const { v, r } = await probe(s.port, { pfx: readFileSync(pfx), passphrase: 'right', label: pfx }, { requestPath: '/' });
    assert.deepEqual(codes(v), []);
    assert.equal(r.httpStatus, 200);
  });
});

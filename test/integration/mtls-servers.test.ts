/**
 * The mTLS test servers themselves, checked with plain clients (Node's tls and curl) before any probe
 * is graded against them: if a server did not behave as its name says, a probe test would prove nothing.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import * as tls from 'node:tls';
import { makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import type { CertFiles } from '../helpers/openssl';
import {
  startForwardedHeaderServer, startOpensslMtlsServer, startThumbprintServer, startTlsRejectingServer, thumbprints, type TlsMax,
} from '../helpers/mtlsServers';
import type { RunningServer } from '../helpers/servers';
import { makeTempDir } from '../helpers/sandbox';

interface Seen { secure: boolean; status?: number; error?: string }

/** One connection: handshake (no server verification), GET /, the status line or the error. */
function request(port: number, client?: CertFiles, headers: Record<string, string> = {}): Promise<Seen> {
  return new Promise(resolve => {
    const seen: Seen = { secure: false };
    const s = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
    }, () => {
      seen.secure = true;
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      s.write(`GET / HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`);
    });
    let data = '';
    s.on('data', d => { data += d; });
    s.on('error', e => { seen.error = (e as NodeJS.ErrnoException).code ?? e.message; });
    s.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m) seen.status = Number(m[1]);
      resolve(seen);
    });
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
  });
}

describe('mTLS test servers (checked with plain clients)', function () {
  this.timeout(60000);
  let tmp: ReturnType<typeof makeTempDir>;
  let c: MtlsCertSet;
  const servers: RunningServer[] = [];
  const track = <T extends RunningServer>(s: T) => { servers.push(s); return s; };
  const id = () => ({ certPem: c.server.certPem, keyPem: c.server.keyPem });

  before(() => { tmp = makeTempDir('mtls-servers-'); c = makeMtlsCertSet(tmp.dir); });
  afterEach(async () => { await Promise.all(servers.splice(0).map(s => s.close())); });
  after(() => tmp.cleanup());

  it('the certificate set is what the tests say it is (checked with openssl verify)', () => {
    const verify = (file: string, ca: string) => {
      try { return execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', ca, file], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) {
        return String((e as { stdout?: string }).stdout) + String((e as { stderr?: string }).stderr);
      }
    };
    assert.match(verify(c.good.cert, c.clientCa.cert), /: OK/);
    assert.match(verify(c.expired.cert, c.clientCa.cert), /certificate has expired/);
    assert.match(verify(c.noClientAuth.cert, c.clientCa.cert), /unsuitable certificate purpose|unsupported certificate purpose/);
    assert.match(verify(c.wrong.cert, c.clientCa.cert), /unable to get local issuer certificate/);
  });

  for (const v of ['TLSv1.2', 'TLSv1.3'] as TlsMax[]) {
    it(`${v} thumbprint server: every certificate passes the handshake; only the pinned one gets 200`, async () => {
      const s = track(await startThumbprintServer({ ...id(), allow: [thumbprints(c.good.certPem).sha256], maxVersion: v }));
      assert.deepEqual(await request(s.port), { secure: true, status: 403 });
      assert.deepEqual(await request(s.port, c.good), { secure: true, status: 200 });
      for (const other of [c.wrong, c.expired, c.noClientAuth]) assert.deepEqual(await request(s.port, other), { secure: true, status: 403 });
      assert.deepEqual(s.requests.map(r => r.status), [403, 200, 403, 403, 403]);
      assert.equal(s.requests[1].sha1, thumbprints(c.good.certPem).sha1);
      assert.equal(s.requests[0].sha1, undefined);
    });

    it(`${v} TLS-rejecting server: only a valid certificate from its CA completes; the rest never reach HTTP`, async () => {
      const s = track(await startTlsRejectingServer({ ...id(), caPem: c.clientCa.certPem, maxVersion: v }));
      assert.equal((await request(s.port, c.good)).status, 200);
      for (const other of [undefined, c.wrong, c.expired, c.noClientAuth]) {
        const r = await request(s.port, other);
        assert.equal(r.status, undefined, `no HTTP answer for ${other?.cert ?? 'no certificate'}`);
      }
      assert.deepEqual(s.requests.map(r => r.status), [200]);
      // The server records its side of each refusal on its own schedule: give it a moment.
      for (let i = 0; i < 50 && s.tlsErrors.length < 4; i++) await new Promise(r => setTimeout(r, 20));
      assert.equal(s.tlsErrors.length, 4, s.tlsErrors.join('\n'));
    });

    it(`${v} openssl s_server -Verify 1: refuses none / other CA / expired / serverAuth-only with an alert`, async () => {
      const s = track(await startOpensslMtlsServer({ certFile: c.server.cert, keyFile: c.server.key, caFile: c.clientCa.cert, tls: v === 'TLSv1.2' ? '1.2' : '1.3' }));
      assert.equal((await request(s.port, c.good)).status, 200);
      const alerts: Record<string, RegExp> = {
        none: v === 'TLSv1.2' ? /HANDSHAKE_FAILURE/ : /CERTIFICATE_REQUIRED/,
        wrong: /UNKNOWN_CA/, expired: /CERTIFICATE_EXPIRED/, noClientAuth: /UNSUPPORTED_CERTIFICATE/,
      };
      for (const [name, re] of Object.entries(alerts)) {
        const r = await request(s.port, name === 'none' ? undefined : c[name as 'wrong']);
        assert.equal(r.status, undefined, name);
        assert.match(r.error ?? '', re, name);
      }
    });
  }

  it('forwarded-header server: no CertificateRequest; authorizes the hex DER in X-ARR-ClientCert', async () => {
    const s = track(await startForwardedHeaderServer({ ...id(), allow: [thumbprints(c.good.certPem).sha1] }));
    const hex = (pem: string) => new crypto.X509Certificate(pem).raw.toString('hex').toUpperCase();
    assert.equal((await request(s.port)).status, 403);
    assert.equal((await request(s.port, undefined, { 'X-ARR-ClientCert': hex(c.good.certPem) })).status, 200);
    assert.equal((await request(s.port, undefined, { 'X-ARR-ClientCert': hex(c.wrong.certPem) })).status, 403);
    assert.equal((await request(s.port, undefined, { 'X-ARR-ClientCert': 'zz' })).status, 403);
    // A certificate at the TLS layer means nothing here: the app only reads the header.
    assert.equal((await request(s.port, c.good)).status, 403);
  });

  it('an independent client (curl) gets the same answers from the thumbprint server', async () => {
    const s = track(await startThumbprintServer({ ...id(), allow: [thumbprints(c.good.certPem).sha1] }));
    // Asynchronously: the server runs in this process, a synchronous child would block it.
    const curl = async (extra: string[]) => (await promisify(execFile)('curl',
      ['-sk', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', ...extra, `https://127.0.0.1:${s.port}/`], { encoding: 'utf8' })).stdout;
    assert.equal(await curl(['--cert', c.good.cert, '--key', c.good.key]), '200');
    assert.equal(await curl(['--cert', c.wrong.cert, '--key', c.wrong.key]), '403');
    assert.equal(await curl([]), '403');
  });
});

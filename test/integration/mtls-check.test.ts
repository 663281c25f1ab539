/**
 * The same mTLS table through `checkEndpoints` (what the extension and the language server call), with
 * client certificates chosen the way the extension chooses them: a `devcertDoctor.clientCertificates`
 * map keyed by host:port, resolved by findClientCertificateConfig and loaded by loadClientCertificate.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkEndpoints, type CheckOptions } from '../../src/core/check/checkEndpoints';
import { findClientCertificateConfig, loadClientCertificate, type ClientCertificateMap } from '../../src/core/check/clientCertificateConfig';
import type { ClientCertificateInput } from '../../src/core/probe/types';
import { makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import { MtlsServerPool, assertOutcome, caseTitle, clientFiles, mtlsCases, type VerdictLike } from '../helpers/mtlsCases';
import { startThumbprintServer, startTlsRejectingServer, thumbprints } from '../helpers/mtlsServers';
import { makeTempDir } from '../helpers/sandbox';

describe('checkEndpoints with configured client certificates against real mTLS servers', function () {
  this.timeout(60000);
  let tmp: ReturnType<typeof makeTempDir>;
  let set: MtlsCertSet;
  let pool: MtlsServerPool;
  let base: Omit<CheckOptions, 'clientCertificateFor'>;

  before(() => {
    tmp = makeTempDir('mtls-check-');
    set = makeMtlsCertSet(tmp.dir);
    pool = new MtlsServerPool(set);
    base = {
      timeoutMs: 4000, requestPath: '/', homeDir: tmp.dir,
      env: { SSL_CERT_FILE: set.serverCa.cert, SSL_CERT_DIR: '', NODE_EXTRA_CA_CERTS: set.serverCa.cert },
    };
  });
  after(async () => { await pool?.close(); tmp?.cleanup(); });

  /** Settings as a user writes them: paths relative to the workspace folder (here the temp dir). */
  async function fromSettings(map: ClientCertificateMap, host: string, port: number): Promise<ClientCertificateInput | undefined> {
    const hit = findClientCertificateConfig(map, host, port);
    if (!hit) return undefined;
    return loadClientCertificate(hit.entry, { baseDir: tmp.dir, getPassword: async () => undefined });
  }

  for (const c of mtlsCases()) {
    const test = c.knownIssue ? it.skip : it;
    test(caseTitle(c) + (c.knownIssue ? ` [known issue: ${c.knownIssue}]` : ''), async () => {
      const port = await pool.port(c.server, c.tls);
      const files = clientFiles(set, c.client);
      const map: ClientCertificateMap = files
        ? { [`localhost:${port}`]: { cert: path.basename(files.cert), key: path.basename(files.key), forwardHeader: c.server === 'forwarded' } }
        : {};
      const input = await fromSettings(map, 'localhost', port);
      assert.equal(!!input, !!files);
      // Per-target settings, as the language server passes them.
      const entry = findClientCertificateConfig(map, 'localhost', port)?.entry;
      const [verdict] = await checkEndpoints([{
        host: 'localhost', port, clientCertificate: input, requestPath: entry?.requestPath, forwardClientCertHeader: entry?.forwardHeader,
      }], base);
      assertOutcome(verdict as unknown as VerdictLike, c);
    });
  }

  it('a server that names acceptable CAs but lets any certificate through: 403, with the issuer mismatch explained', async () => {
    const s = await startThumbprintServer({
      certPem: set.server.certPem, keyPem: set.server.keyPem, allow: [thumbprints(set.good.certPem).sha1], advertiseCa: set.clientCa.certPem,
    });
    try {
      const input = await fromSettings({ [`localhost:${s.port}`]: { cert: 'wrong-client.pem', key: 'wrong-client.key' } }, 'localhost', s.port);
      const [v] = await checkEndpoints([{ host: 'localhost', port: s.port }], { ...base, clientCertificateFor: () => input });
      assertOutcome(v as unknown as VerdictLike, { server: 'thumbprint', tls: 'TLSv1.3', client: 'wrong', expect: 'forbidden', findings: ['issuer-not-accepted'] });
      assert.deepEqual(s.requests.map(r => r.status), [403]);
    } finally {
      await s.close();
    }
  });

  it('one check, several mTLS endpoints: each gets the certificate its settings key names', async () => {
    const allow = [thumbprints(set.good.certPem).sha1];
    const id = { certPem: set.server.certPem, keyPem: set.server.keyPem };
    const pinned = await startThumbprintServer({ ...id, allow });
    const strict = await startTlsRejectingServer({ ...id, caPem: set.clientCa.certPem });
    const open = await startThumbprintServer({ ...id, allow, noCertStatus: 401 });
    try {
      const map: ClientCertificateMap = {
        [`localhost:${pinned.port}`]: { cert: 'good-client.pem', key: 'good-client.key' },
        // A loopback spelling other than the target's, and a certificate the CA server refuses.
        [`127.0.0.1:${strict.port}`]: { cert: 'wrong-client.pem', key: 'wrong-client.key' },
        // Nothing for `open`: probed without a certificate.
      };
      const inputs = new Map<number, ClientCertificateInput | undefined>();
      for (const p of [pinned.port, strict.port, open.port]) inputs.set(p, await fromSettings(map, 'localhost', p));
      const verdicts = await checkEndpoints(
        [pinned.port, strict.port, open.port].map(port => ({ host: 'localhost', port })),
        { ...base, clientCertificateFor: (_h, port) => inputs.get(port) },
      );
      assert.deepEqual(verdicts.map(v => v.port), [pinned.port, strict.port, open.port]);
      assert.equal(verdicts[0].httpStatus, 200);
      assert.deepEqual(pinned.requests.map(r => r.sha1), [thumbprints(set.good.certPem).sha1]);
      assert.deepEqual(verdicts[1].problems.map(p => p.code), ['client-cert-rejected']);
      assert.equal(strict.requests.length, 0);
      assert.equal(verdicts[2].httpStatus, 401);
      assert.deepEqual(verdicts[2].problems.map(p => p.code), ['client-cert-required']);
      assert.deepEqual(open.requests.map(r => r.sha1), [undefined]);
    } finally {
      await Promise.all([pinned.close(), strict.close(), open.close()]);
    }
  });
});

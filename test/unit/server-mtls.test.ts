/**
 * An endpoint that requires a client certificate (mTLS), with the server's own certificate trusted
 * through the sandbox's SSL_CERT_FILE / NODE_EXTRA_CA_CERTS, so the only problem left is the client
 * certificate: without one the URL carries client-cert-required; once the client hands the server the
 * configured certificate, the file is clean.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { LspSession, slice } from '../helpers/lspSession';
import type { CheckNowResult } from '../../src/protocol';

describe('language server: mTLS endpoints', function () {
  this.timeout(30000);
  let tmp: ReturnType<typeof makeTempDir>;
  let certs: MtlsCertSet;
  let server: RunningServer;
  let session: LspSession;

  before(async () => {
    tmp = makeTempDir('devcert-lsp-mtls-');
    certs = makeMtlsCertSet(tmp.dir);
    server = await startTlsServer({
      cert: certs.server.certPem, key: certs.server.keyPem, ca: certs.clientCa.certPem, requestCert: true, rejectUnauthorized: true,
    });
  });
  after(async () => {
    await session?.stop();
    await server?.close();
    tmp?.cleanup();
  });

  it('says a client certificate is required, and is satisfied once the configured one is presented', async () => {
    const ws = path.join(tmp.dir, 'ws');
    const home = path.join(tmp.dir, 'home');
    mkdirSync(home, { recursive: true });
    mkdirSync(path.join(ws, 'Api', 'Properties'), { recursive: true });
    session = await LspSession.start({
      folders: [ws],
      configuration: { clientCertificates: { [`localhost:${server.port}`]: { cert: 'client.pem', key: 'client.key' } } },
      // Sandboxed trust: the servers' CA is what the system store and Node trust; no NSS database.
      env: { SSL_CERT_FILE: certs.serverCa.cert, SSL_CERT_DIR: path.join(tmp.dir, 'no-certs'), NODE_EXTRA_CA_CERTS: certs.serverCa.cert, HOME: home },
    });
    const file = path.join(ws, 'Api', 'Properties', 'launchSettings.json');
    const text = `{ "profiles": { "Api": { "commandName": "Project", "applicationUrl": "https://localhost:${server.port}" } } }\n`;
    await session.open(file, text);

    const diags = await session.waitForDiagnostics(file, d => d.some(x => x.code === 'client-cert-required'), 15000);
    const d = diags.find(x => x.code === 'client-cert-required')!;
    assert.equal(d.severity, 1);
    assert.equal(slice(text, d.range), `https://localhost:${server.port}`);
    assert.ok((d.data as { fixes: string[] }).fixes.includes('configure-client-certificate'));
    const others = diags.filter((x: Diagnostic) => x.code !== 'client-cert-required').map(x => x.code);
    assert.deepEqual(others, [], 'the server certificate itself is trusted in this sandbox');

    session.clientCertificates.set(server.port, { certPem: certs.good.certPem, keyPem: certs.good.keyPem, label: 'good-client.pem' });
    const result = await session.connection.sendRequest('devcertDoctor/checkNow', {}) as CheckNowResult;
    const v = result.folders[0].verdicts.find(x => x.port === server.port)!;
    assert.deepEqual(v.problems.map(p => p.code), []);
    assert.equal(v.trusted, true);
    await session.waitForDiagnostics(file, x => x.length === 0);
  });
});

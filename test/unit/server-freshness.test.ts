/**
 * Views that stay fresh without anyone pressing Check now: a listening server whose certificate files
 * change is looked at again on its own, and a debug session starting or stopping (lookAgain) makes the
 * server take a fresh handshake with what listens.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { makeCert } from '../helpers/openssl';
import { lspTestBed, uri } from '../helpers/lspSession';
import { startTlsServer } from '../helpers/servers';

const sha256 = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '');

describe('language server: fresh views (certificate files, debug sessions)', function () {
  this.timeout(30000);
  const testBed = lspTestBed('devcert-lsp-fresh-');
  const { folder, session, cleanups } = testBed;

  it('looks again on its own when the certificate files a listening endpoint serves from change', async () => {
    const ws = folder('files');
    const certDir = path.join(ws, 'certs');
    mkdirSync(certDir);
    const a = makeCert(certDir, 'a', { cn: 'localhost' });
    const b = makeCert(certDir, 'b', { cn: 'other.test', san: 'DNS:other.test' });
    const certFile = path.join(certDir, 'served.pem');
    const keyFile = path.join(certDir, 'served-key.pem');
    copyFileSync(a.cert, certFile);
    copyFileSync(a.key, keyFile);
    // A server that reloads its certificate when asked (as dev servers and Kestrel with reloadOnChange do).
    const server = tls.createServer({ cert: a.certPem, key: a.keyPem }, s => { s.on('error', () => {}); s.end(); });
    server.on('tlsClientError', () => {});
    await new Promise<void>(res => server.listen(0, '127.0.0.1', res));
    cleanups.push(() => new Promise<void>(res => server.close(() => res())));
    const port = (server.address() as net.AddressInfo).port;
    writeFileSync(path.join(ws, 'appsettings.json'), JSON.stringify({
      Kestrel: { Endpoints: { Https: { Url: `https://localhost:${port}`, Certificate: { Path: certFile, KeyPath: keyFile } } } },
    }));
    const s = await session({ folders: [ws] });
    const served = (want: string) => s.waitFor(() => s.verdicts.find(f => f.folder === uri(ws) && f.verdicts.some(v => v.port === port && v.certificate?.sha256 === want)), 10_000, `the verdict on ${want.slice(0, 8)}`);
    await served(sha256(a.certPem));
    // The certificate is replaced on disk and served; nobody sends a request or a file event.
    server.setSecureContext({ cert: b.certPem, key: b.keyPem });
    copyFileSync(b.cert, certFile);
    copyFileSync(b.key, keyFile);
    const after = await served(sha256(b.certPem));
    const v = after.verdicts.find(x => x.port === port)!;
    assert.ok(v.problems.some(p => p.code === 'name-mismatch'), JSON.stringify(v.problems.map(p => p.code)));
  });

  it('takes a fresh handshake with listening endpoints when asked to look again (a debug session started or stopped)', async () => {
    const ws = folder('look-again');
    const a = testBed.cert;
    const first = await startTlsServer({ cert: a.certPem, key: a.keyPem });
    const port = first.port;
    mkdirSync(path.join(ws, 'Properties'));
    writeFileSync(path.join(ws, 'Properties', 'launchSettings.json'), JSON.stringify({ profiles: { Web: { commandName: 'Project', applicationUrl: `https://localhost:${port}` } } }));
    const s = await session({ folders: [ws] });
    await s.waitFor(() => s.verdicts.find(f => f.verdicts.some(v => v.port === port && v.certificate?.sha256 === sha256(a.certPem))), 10_000, 'the first verdict');
    // The server restarts with another certificate on the same port (certificate not declared anywhere).
    await first.close();
    const b = makeCert(path.dirname(a.cert), 'restarted', { cn: 'localhost' });
    const second = await startTlsServer({ cert: b.certPem, key: b.keyPem }, undefined, port);
    cleanups.push(() => second.close());
    await s.connection.sendNotification('devcertDoctor/lookAgain', { reason: 'debug session started' });
    await s.waitFor(() => s.verdicts.find(f => f.verdicts.some(v => v.port === port && v.certificate?.sha256 === sha256(b.certPem))), 5_000, 'the new certificate');
  });
});

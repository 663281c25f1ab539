/**
 * The language server's behaviour over time and at its edges, over real LSP sessions: a server that
 * starts listening after the file was opened, IIS Express config files, a remote window, a client with
 * none of the optional capabilities, the debug gate's probe request, and input that must not crash it.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import type { CertFiles } from '../helpers/openssl';
import { freePort, startTcpServer, startTlsServer, type RunningServer } from '../helpers/servers';
import { LspSession, lspTestBed, slice, uri } from '../helpers/lspSession';
import type { CheckNowResult } from '../../src/protocol';
import type { EndpointVerdict } from '../../src/core/check/types';

const messageOf = (d: Diagnostic): string => typeof d.message === 'string' ? d.message : d.message.value;
const launchSettings = (port: number) => `{\n  "profiles": {\n    "Web": { "commandName": "Project", "applicationUrl": "https://localhost:${port}" }\n  }\n}\n`;

/** A TLS server on a given port (the port a file already declares). */
async function listenTlsOn(port: number, c: CertFiles): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: c.certPem, key: c.keyPem }, s => { s.on('error', () => {}); s.end(); });
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('tlsClientError', () => {});
  await new Promise<void>(res => server.listen(port, '127.0.0.1', res));
  return { port, close: () => new Promise<void>(res => { for (const s of sockets) s.destroy(); server.close(() => res()); }) };
}

describe('language server: over time and at the edges', function () {
  this.timeout(30000);
  const testBed = lspTestBed('devcert-lsp-life-');
  const { folder, session, cleanups } = testBed;
  let cert: CertFiles;
  before(() => { cert = testBed.cert; });

  /** A TLS server with the test certificate, declared in `ws`'s launchSettings.json (returned); closed after the test. */
  async function servedInLaunchSettings(ws: string): Promise<string> {
    const server = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => server.close());
    const file = path.join(ws, 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, launchSettings(server.port));
    return file;
  }

  it('says "start the server" while nothing listens, then gives the real verdict once it does', async () => {
    const ws = folder('later');
    const port = await freePort();
    const file = path.join(ws, 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const s = await session({ folders: [ws] });
    const text = launchSettings(port);
    await s.open(file, text);
    const idle = await s.waitForDiagnostics(file, d => d.some(x => x.code === 'not-listening'));
    const hint = idle.find(x => x.code === 'not-listening')!;
    assert.equal(hint.severity, 4 /* Hint: not a defect in the file */);
    assert.equal(slice(text, hint.range), `https://localhost:${port}`);
    assert.match(messageOf(hint), /Start the server/);
    const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: hint.range.start }) as { contents: { value: string } };
    assert.match(hover.contents.value, /nothing listening/);
    assert.match(hover.contents.value, /Next automatic look in \d+ s/);

    const started = Date.now();
    const server = await listenTlsOn(port, cert);
    cleanups.push(() => server.close());
    // The first look again is due 2 s after the first probe; allow one more step of the backoff.
    const live = await s.waitForDiagnostics(file, d => d.some(x => x.code === 'self-signed'), 9000);
    assert.ok(live.every(x => x.code !== 'not-listening'));
    const waited = Date.now() - started;
    assert.ok(waited < 7000, `re-probe took ${waited} ms`);
    console.log(`      server started → diagnostics updated by the backoff re-probe: ${waited} ms`);
  });

  it('puts the diagnostic on the bindingInformation of an IIS Express applicationhost.config', async () => {
    const ws = folder('iis');
    const server = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => server.close());
    const file = path.join(ws, '.vs', 'Shop', 'config', 'applicationhost.config');
    mkdirSync(path.dirname(file), { recursive: true });
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Shop" id="2">
        <bindings>
          <binding protocol="http" bindingInformation="*:5080:localhost" />
          <binding protocol="https" bindingInformation="*:${server.port}:localhost" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
`;
    writeFileSync(file, text);
    const s = await session({ folders: [ws] });
    // Not opened: found on disk by discovery at startup.
    const diags = await s.waitForDiagnostics(file, d => d.some(x => x.code === 'self-signed'));
    const d = diags.find(x => x.code === 'self-signed')!;
    assert.equal(slice(text, d.range), `*:${server.port}:localhost`);
    assert.equal(d.range.start.line, 7);
    assert.equal(diags.length, diags.filter(x => x.range.start.line === 7).length, 'nothing on the http binding');
  });

  it('in a remote window, says that the browser on the local machine was not checked', async () => {
    const ws = folder('remote');
    const server = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => server.close());
    const file = path.join(ws, 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const s = await session({ folders: [ws], initializationOptions: { remoteName: 'ssh-remote' } });
    await s.open(file, launchSettings(server.port));
    const diags = await s.waitForDiagnostics(file, d => d.some(x => x.code === 'self-signed'));
    const d = diags.find(x => x.code === 'self-signed')!;
    const msg = messageOf(d);
    // One short sentence, which names no browser: the browser runs on the local machine, not checked here.
    assert.match(msg, /self-signed/);
    assert.doesNotMatch(msg, /Browsers|remote/);
    const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: d.range.start }) as { contents: { value: string } };
    assert.match(hover.contents.value, /Browsers: not checked/);
  });

  it('says a trust store it cannot read: logged once, and sent with the verdicts (the status bar tooltip shows it)', async () => {
    const ws = folder('store-warning');
    await servedInLaunchSettings(ws);
    const missing = path.join(ws, 'no-such-extra-ca.pem');
    const s = await LspSession.start({ folders: [ws], env: { NODE_EXTRA_CA_CERTS: missing } });
    cleanups.push(() => s.stop());
    const warning = `NODE_EXTRA_CA_CERTS names ${missing}, which cannot be read: Node ignores it`;
    const sent = await s.waitFor(() => s.verdicts.find(v => v.verdicts.length > 0 && v.trustStoreWarnings?.length), 8000, 'verdicts with trust store warnings');
    assert.deepEqual(sent.trustStoreWarnings, [warning]);
    assert.equal(s.logs.filter(l => l.includes(`trust store: ${warning}`)).length, 1, s.logs.join('\n'));
  });

  it('works with a client that has none of the optional capabilities', async () => {
    const ws = folder('bare');
    const file = await servedInLaunchSettings(ws);
    const s = await LspSession.start({ folders: [ws], bareCapabilities: true });
    cleanups.push(() => s.stop());
    await s.waitForDiagnostics(file, d => d.some(x => x.code === 'self-signed'));
    assert.ok(!s.logs.some(l => /initialized:/.test(l)), s.logs.join('\n'));
  });

  it('answers the debug gate: probe requests in order, one handshake for concurrent asks', async () => {
    const ws = folder('gate');
    const tlsServer = await listenTlsOn(await freePort(), cert);
    cleanups.push(() => tlsServer.close());
    // A slow front: each connection waits 300 ms before reaching TLS, so the second ask surely arrives
    // while the first handshake is still in flight.
    let handshakes = 0;
    const server = await startTcpServer(sock => {
      handshakes++;
      sock.pause();
      setTimeout(() => {
        const upstream = net.connect(tlsServer.port, '127.0.0.1', () => { sock.pipe(upstream).pipe(sock); sock.resume(); });
        upstream.on('error', () => sock.destroy());
        sock.on('close', () => upstream.destroy());
      }, 300);
    });
    cleanups.push(() => server.close());
    const idle = await freePort();
    const s = await session({ folders: [ws] });
    const ask = () => s.connection.sendRequest('devcertDoctor/probe', {
      targets: [{ url: `https://localhost:${server.port}` }, { url: `https://127.0.0.1:${idle}/path` }], maxAgeMs: 0,
    }) as Promise<EndpointVerdict[]>;
    const [a, b] = await Promise.all([ask(), ask()]);
    assert.equal(handshakes, 1);
    assert.deepEqual(a.map(v => v.port), [server.port, idle]);
    assert.ok(a[0].problems.some(p => p.code === 'self-signed'));
    assert.ok(a[1].problems.some(p => p.code === 'not-listening'));
    assert.equal(a[0].certificate?.sha256, b[0].certificate?.sha256);
    // A fresh enough verdict is reused: no new handshake.
    await s.connection.sendRequest('devcertDoctor/probe', { targets: [{ url: `https://localhost:${server.port}` }], maxAgeMs: 60_000 });
    assert.equal(handshakes, 1);
  });

  it('checks on request and reports every folder it knows', async () => {
    const ws = folder('checknow');
    const server = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => server.close());
    const s = await session({ folders: [ws] });
    const file = path.join(ws, '.vscode', 'launch.json');
    mkdirSync(path.dirname(file), { recursive: true });
    // Written after startup, and no watcher event: only checkNow's re-discovery can find it.
    writeFileSync(file, `{ "version": "0.2.0", "configurations": [ { "name": "Web", "type": "node", "request": "launch", "url": "https://localhost:${server.port}" } ] }`);
    const result = await s.connection.sendRequest('devcertDoctor/checkNow', {}) as CheckNowResult;
    assert.equal(result.folders.length, 1);
    assert.equal(result.folders[0].folder, uri(ws));
    const v = result.folders[0].verdicts.find(x => x.port === server.port);
    assert.ok(v, JSON.stringify(result));
    assert.equal(v.source?.file, file);
    assert.ok(v.problems.some(p => p.code === 'self-signed'));
    await s.waitForDiagnostics(file, d => d.some(x => x.code === 'self-signed'));
  });

  it('survives bad input and keeps answering', async () => {
    const ws = folder('bad');
    const s = await session({ folders: [ws] });
    await assert.rejects(s.connection.sendRequest('devcertDoctor/probe', { targets: [{ url: 'not a url' }] }), /not a literal https URL/);
    assert.deepEqual(await s.connection.sendRequest('devcertDoctor/probe', { targets: 'nope' }), []);
    await assert.rejects(s.connection.sendRequest('devcertDoctor/verdictsFor', {}), /folder/);
    const junk = path.join(ws, 'appsettings.json');
    await s.open(junk, '\u0000\u0001{{{ "Kestrel": [ }}} \uFFFF');
    await s.change(junk, '{ "Kestrel": { "Endpoints": { "Https": { "Url": 42, "Certificate": { "Path": [] } } } } }');
    const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///not/open.json' }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    const actions = await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(junk) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'DevCert Doctor', data: 'junk' }] },
    }) as CodeAction[];
    assert.deepEqual(actions, []);
    await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { devcertDoctor: 'garbage' } });
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: 'http://not-a-file', type: 1 }] });
    const result = await s.connection.sendRequest('devcertDoctor/checkNow', {}) as CheckNowResult;
    assert.equal(result.folders.length, 1);
    assert.equal(s.child.exitCode, null, 'server process exited');
  });

  it('asks the client for a client certificate only for endpoints that have one configured', async () => {
    const ws = folder('mtls');
    const withCert = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    const without = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => withCert.close(), () => without.close());
    const s = await session({ folders: [ws], configuration: { clientCertificates: { [`127.0.0.1:${withCert.port}`]: { pfx: 'client.pfx' } } } });
    const file = path.join(ws, 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    await s.open(file, `{ "profiles": { "A": { "applicationUrl": "https://localhost:${withCert.port};https://localhost:${without.port}" } } }`);
    await s.waitForDiagnostics(file, d => d.filter(x => x.code === 'self-signed').length === 2);
    // The loopback spellings match: the entry says 127.0.0.1, the profile localhost.
    assert.deepEqual(s.clientCertificateAsks.map(a => a.port), [withCert.port]);
    assert.equal(s.clientCertificateAsks[0].folder, uri(ws));
    assert.ok(s.logs.some(l => /not available from the client; probing without one/.test(l)), s.logs.join('\n'));
  });
});

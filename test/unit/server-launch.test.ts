/**
 * The language server as the window's one verdict store, over real LSP sessions: the debug gate's
 * question (devcertDoctor/checkLaunch) in one round trip, its answer reaching the status bar's
 * notifications at once, a check right after a settings change seeing the new settings, deleted
 * declarations leaving, and probes that stay on this machine.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { CertFiles } from '../helpers/openssl';
import { freePort, startTcpServer, startTlsServer } from '../helpers/servers';
import { lspTestBed, uri, type LspSession } from '../helpers/lspSession';
import type { CheckLaunchResult, CheckNowResult } from '../../src/protocol';

const launchSettings = (port: number) => `{ "profiles": { "Web": { "commandName": "Project", "applicationUrl": "https://localhost:${port}" } } }`;

describe('language server: the one verdict store (debug gate, settings, deletions)', function () {
  this.timeout(30000);
  const testBed = lspTestBed('devcert-lsp-launch-');
  const { folder, session, cleanups } = testBed;
  let cert: CertFiles;
  before(() => { cert = testBed.cert; });
  const checkLaunch = (s: LspSession, folderUri: string, configuration: Record<string, unknown>, maxAgeMs = 0) =>
    s.connection.sendRequest('devcertDoctor/checkLaunch', { folder: folderUri, configuration, maxAgeMs }) as Promise<CheckLaunchResult>;

  it('answers the gate in one request with the launch\'s own endpoints only; one that names none gets the folder\'s, a configured certificate of a server not up yet judged from its file', async () => {
    const ws = folder('launch');
    const live = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => live.close());
    const down = await freePort();
    writeFileSync(path.join(ws, 'appsettings.json'), JSON.stringify({
      Kestrel: { Endpoints: { Https: { Url: `https://localhost:${down}`, Certificate: { Path: cert.cert, KeyPath: cert.key } } } },
    }));
    const s = await session({ folders: [ws] });
    const own = await checkLaunch(s, uri(ws), { type: 'node', request: 'launch', name: 'web', env: { ASPNETCORE_URLS: `https://127.0.0.1:${live.port}` } });
    // The folder's appsettings endpoint is not this launch's: not asked about (it stays in the status bar).
    assert.deepEqual(own.verdicts.map(v => v.port), [live.port]);
    assert.ok(own.verdicts[0].problems.some(p => p.code === 'self-signed'), JSON.stringify(own.verdicts[0].problems));
    assert.deepEqual(own.declared, []);
    const result = await checkLaunch(s, uri(ws), { type: 'coreclr', request: 'launch', name: 'dotnet run' });
    assert.deepEqual(result.verdicts.map(v => v.port), [down]);
    assert.ok(result.verdicts[0].problems.some(p => p.code === 'not-listening'));
    // The server is not up: the certificate appsettings.json names is judged from its file.
    assert.equal(result.declared.length, 1);
    assert.equal(result.declared[0].port, down);
    assert.equal(result.declared[0].certificate?.sha256, new X509Certificate(cert.certPem).fingerprint256.replace(/:/g, ''));
    assert.ok(result.declared[0].problems.some(p => p.code === 'self-signed'));
    // The folder's own endpoint reached the status bar's notification from the same probe.
    await s.waitFor(() => s.verdicts.find(f => f.folder === uri(ws) && f.verdicts.some(v => v.port === down && v.problems.some(p => p.code === 'not-listening'))), 5000, 'the folder notification');
  });

  it('shares a fresh verdict between a compound launch\'s configurations (maxAgeMs), and refuses a probe of another machine', async () => {
    const ws = folder('compound');
    let handshakes = 0;
    const live = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => live.close());
    // Counted in front of the TLS server: every connection the probe makes is one handshake.
    const front = await startTcpServer(sock => {
      handshakes++;
      const upstream = net.connect(live.port, '127.0.0.1', () => { sock.pipe(upstream).pipe(sock); });
      upstream.on('error', () => sock.destroy());
      sock.on('close', () => upstream.destroy());
    });
    cleanups.push(() => front.close());
    const s = await session({ folders: [ws] });
    const config = { type: 'node', request: 'launch', name: 'api', url: `https://localhost:${front.port}` };
    const [first, second] = await Promise.all([checkLaunch(s, uri(ws), config, 3000), checkLaunch(s, uri(ws), { ...config, name: 'web' }, 3000)]);
    const third = await checkLaunch(s, uri(ws), { ...config, name: 'web again' }, 3000);
    assert.equal(handshakes, 1);
    assert.deepEqual([first, second, third].map(r => r.verdicts[0].problems.map(p => p.code)), [['self-signed'], ['self-signed'], ['self-signed']]);
    await assert.rejects(s.connection.sendRequest('devcertDoctor/probe', { targets: [{ url: 'https://example.com:443' }] }), /not a localhost URL/);
  });

  it('a launch naming a launchSettings profile checks that profile\'s endpoints, not the other profiles\'', async () => {
    const ws = folder('profile');
    const [mine, other] = [await freePort(), await freePort()];
    mkdirSync(path.join(ws, 'Properties'), { recursive: true });
    writeFileSync(path.join(ws, 'Properties', 'launchSettings.json'), JSON.stringify({ profiles: {
      Web: { commandName: 'Project', applicationUrl: `https://localhost:${mine}` },
      Admin: { commandName: 'Project', applicationUrl: `https://localhost:${other}` },
    } }));
    const s = await session({ folders: [ws] });
    const result = await checkLaunch(s, uri(ws), { type: 'coreclr', request: 'launch', name: 'web', launchSettingsProfile: 'Web' });
    assert.deepEqual(result.verdicts.map(v => v.port), [mine]);
  });

  it('a check sent right after a settings change sees the new settings', async () => {
    const ws = folder('settings');
    const live = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    cleanups.push(() => live.close());
    const s = await session({ folders: [ws] });
    await s.connection.sendRequest('devcertDoctor/checkNow', {});
    s.configuration = { endpoints: [`https://localhost:${live.port}`] };
    s.configurationDelayMs = 300;
    await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const result = await s.connection.sendRequest('devcertDoctor/checkNow', {}) as CheckNowResult;
    const v = result.folders[0].verdicts.find(x => x.port === live.port);
    assert.ok(v, JSON.stringify(result.folders[0].endpoints.map(e => e.url)));
    assert.ok(v.problems.some(p => p.code === 'self-signed'));
  });

  it('forgets a project whose folder was deleted, even while its document is still open (the watcher reports the folder, not its files)', async () => {
    const ws = folder('deleted');
    const port = await freePort();
    const file = path.join(ws, 'WebApp', 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, launchSettings(port));
    const s = await session({ folders: [ws] });
    await s.open(file, launchSettings(port));
    await s.waitFor(() => s.verdicts.find(f => f.endpoints.some(e => e.port === port)), 5000, 'the endpoint');
    // No didClose: VS Code keeps a closed editor's document alive for a while after the editor is gone.
    rmSync(path.join(ws, 'WebApp'), { recursive: true, force: true });
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path.join(ws, 'WebApp')), type: 3 }] });
    await s.waitFor(() => [...s.verdicts].reverse().find(f => f.folder === uri(ws))?.endpoints.every(e => e.port !== port) || undefined, 5000, 'the endpoint to go');
    const result = await checkLaunch(s, uri(ws), { type: 'node', request: 'launch', name: 'nothing' });
    assert.deepEqual(result.verdicts.map(v => v.port), []);
  });
});

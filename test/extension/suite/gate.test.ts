import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import { freePort, startTcpServer, type RunningServer } from '../../helpers/servers';
import {
  answerWith, api, launch, notificationsAbout, registerTestDebugger, resetSettings, selfSignedLeaf, serve, serveOn,
  setSetting, trustedLeaf, waitFor, workspaceFolder, DEBUG_TYPE,
} from './helpers';

describe('debug gate', () => {
  let a: DevCertDoctorApi;
  const servers: RunningServer[] = [];
  let bad: RunningServer & { url: string };
  let good: RunningServer & { url: string };

  before(async () => {
    a = await api();
    registerTestDebugger();
    bad = await serve(selfSignedLeaf('gate-self-signed'));
    good = await serve(trustedLeaf('gate-trusted'));
    servers.push(bad, good);
  });
  after(async () => {
    await Promise.all(servers.map(s => s.close()));
    await resetSettings();
    fs.rmSync(path.join(workspaceFolder().uri.fsPath, '.vscode/launch.json'), { force: true });
  });
  beforeEach(() => { a.clearNotifications(); answerWith(() => undefined); });
  afterEach(async () => { await setSetting('preLaunch', undefined); });

  it('warn: launches and names the problem in a notification with fixes', async () => {
    await setSetting('preLaunch', 'warn');
    assert.strictEqual(await launch({ name: 'warn web', url: bad.url }), true);
    const o = a.lastGateOutcome()!;
    assert.strictEqual(o.action, 'warned');
    assert.deepStrictEqual(o.problems.find(p => p.url === bad.url)?.codes, ['self-signed']);
    const n = await waitFor('the warning', () => notificationsAbout(a, bad.url)[0]);
    assert.strictEqual(n.kind, 'warning');
    assert.strictEqual(n.modal, false);
    assert.ok(n.message.includes('warn web') && /self-signed/.test(n.message), n.message);
    assert.ok(n.items.includes('Trust the certificate'), n.items.join(', '));
  });

  it('block: Cancel stops the launch', async () => {
    await setSetting('preLaunch', 'block');
    answerWith(() => undefined);
    assert.strictEqual(await launch({ name: 'block web', url: bad.url }), false);
    assert.strictEqual(a.lastGateOutcome()!.action, 'cancelled');
    const n = notificationsAbout(a, bad.url)[0];
    assert.ok(n && n.modal, 'asked in a modal');
    assert.deepStrictEqual(n.items, ['Fix', 'Launch anyway']);
  });

  it('block: Launch anyway lets it start', async () => {
    await setSetting('preLaunch', 'block');
    answerWith(r => r.modal ? 'Launch anyway' : undefined);
    assert.strictEqual(await launch({ name: 'block anyway', url: bad.url }), true);
    assert.strictEqual(a.lastGateOutcome()!.action, 'launched-anyway');
  });

  it('off: no check at all', async () => {
    await setSetting('preLaunch', 'off');
    assert.strictEqual(await launch({ name: 'off web', url: bad.url }), true);
    assert.strictEqual(a.lastGateOutcome()!.action, 'off');
    assert.strictEqual(notificationsAbout(a, bad.url).length, 0);
  });

  it('healthy: silent, and adds about one handshake', async () => {
    await setSetting('preLaunch', 'block');
    const launched = await launch({ name: 'healthy web', url: good.url });
    const o = a.lastGateOutcome()!;
    assert.strictEqual(launched, true, JSON.stringify(o));
    assert.strictEqual(o.action, 'healthy');
    assert.ok(o.endpoints.includes(good.url));
    assert.deepStrictEqual(a.notifications().filter(n => n.kind !== 'info').map(n => n.message), []);
    assert.ok(o.gateMs < 1000, `gate took ${o.gateMs} ms`);
  });

  it('never adds more than the probe timeout (a peer that never finishes the handshake)', async () => {
    const silent = await startTcpServer(() => { /* accepts, says nothing */ });
    servers.push(silent);
    await setSetting('preLaunch', 'block');
    await setSetting('timeoutMs', 600);
    const t0 = Date.now();
    assert.strictEqual(await launch({ name: 'silent web', url: `https://localhost:${silent.port}` }), true);
    const o = a.lastGateOutcome()!;
    assert.ok(o.gateMs <= 600 + 150, `gate took ${o.gateMs} ms`);
    assert.ok(['timed-out', 'healthy', 'warned', 'launched-anyway', 'cancelled'].includes(o.action));
    console.log(`    bounded gate: ${o.action} after ${o.gateMs.toFixed(0)} ms (launch ${Date.now() - t0} ms)`);
    await setSetting('timeoutMs', undefined);
  });

  it('a compound launch probes once and warns once', async () => {
    await setSetting('preLaunch', 'warn');
    // Its own server: a warning about the same problem moments ago would (rightly) not be repeated.
    const bad = await serve(selfSignedLeaf('gate-compound'));
    servers.push(bad);
    const dir = path.join(workspaceFolder().uri.fsPath, '.vscode');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'launch.json'), JSON.stringify({
      version: '0.2.0',
      configurations: [
        { type: DEBUG_TYPE, request: 'launch', name: 'api', url: bad.url },
        { type: DEBUG_TYPE, request: 'launch', name: 'web', url: bad.url },
      ],
      compounds: [{ name: 'api + web', configurations: ['api', 'web'] }],
    }, null, 2));
    const sessions: vscode.DebugSession[] = [];
    const sub = vscode.debug.onDidStartDebugSession(s => sessions.push(s));
    try {
      assert.strictEqual(await vscode.debug.startDebugging(workspaceFolder(), 'api + web'), true);
      await waitFor('both sessions', () => sessions.length >= 2);
      assert.strictEqual(notificationsAbout(a, bad.url).length, 1, 'one notification for the compound');
    } finally {
      sub.dispose();
      for (const s of sessions) await vscode.debug.stopDebugging(s);
    }
  });

  it('watches a port that was not listening at launch and probes it when the server starts', async () => {
    await setSetting('preLaunch', 'warn');
    const port = await freePort();
    const url = `https://localhost:${port}`;
    registerTestDebugger();
    const started = new Promise<vscode.DebugSession>(res => {
      const sub = vscode.debug.onDidStartDebugSession(s => { if (s.name === 'late server') { sub.dispose(); res(s); } });
    });
    assert.strictEqual(await vscode.debug.startDebugging(workspaceFolder(), { type: DEBUG_TYPE, request: 'launch', name: 'late server', url }), true);
    const session = await started;
    const outcome = a.lastGateOutcome()!;
    assert.deepStrictEqual(outcome.waitingFor, [url]);
    await new Promise(r => setTimeout(r, 700));
    const late = await serveOn(port, selfSignedLeaf('gate-late'));
    servers.push(late);
    try {
      const after = await waitFor('the port watcher to probe the new server', () => outcome.afterStart.find(x => x.url === url), 15_000);
      assert.deepStrictEqual(after.codes, ['self-signed']);
      await waitFor('a notification about it', () => notificationsAbout(a, url)[0]);
    } finally {
      await vscode.debug.stopDebugging(session);
    }
  });

  it('block: one question per launch — a child session (js-debug style) and a restart are not asked again', async () => {
    await setSetting('preLaunch', 'block');
    const bad = await serve(selfSignedLeaf('gate-one-question'));
    servers.push(bad);
    answerWith(r => r.modal ? 'Launch anyway' : undefined);
    const sessions: vscode.DebugSession[] = [];
    const sub = vscode.debug.onDidStartDebugSession(x => sessions.push(x));
    try {
      assert.strictEqual(await vscode.debug.startDebugging(workspaceFolder(), { type: DEBUG_TYPE, request: 'launch', name: 'parent web', url: bad.url }), true);
      const parent = await waitFor('the parent session', () => sessions.find(x => x.name === 'parent web'));
      assert.strictEqual(a.lastGateOutcome()!.action, 'launched-anyway');
      // What js-debug does for a browser tab or a forked process: a child session with the parent's URL.
      assert.strictEqual(await vscode.debug.startDebugging(workspaceFolder(),
        { type: DEBUG_TYPE, request: 'launch', name: 'child target', url: bad.url, __pendingTargetId: 'x1' }, { parentSession: parent }), true);
      await waitFor('the child session', () => sessions.find(x => x.name === 'child target'));
      assert.strictEqual(a.lastGateOutcome()!.action, 'same-launch');
      // A second configuration of the same launch on the same endpoint (a compound member, a restart).
      assert.strictEqual(await vscode.debug.startDebugging(workspaceFolder(),
        { type: DEBUG_TYPE, request: 'launch', name: 'parent web', url: bad.url }), true);
      assert.strictEqual(a.lastGateOutcome()!.action, 'same-launch');
      assert.strictEqual(notificationsAbout(a, bad.url).filter(n => n.modal).length, 1, 'asked once for the whole launch');
    } finally {
      sub.dispose();
      for (const x of sessions.reverse()) await vscode.debug.stopDebugging(x);
    }
  });

  it('checks only the endpoints the launch uses; with several, each button names its endpoint', async () => {
    await setSetting('preLaunch', 'warn');
    const [one, two, elsewhere] = [await serve(selfSignedLeaf('gate-own-1')), await serve(selfSignedLeaf('gate-own-2')), await serve(selfSignedLeaf('gate-other'))];
    servers.push(one, two, elsewhere);
    // The workspace declares another endpoint (the status bar shows it); this launch does not use it.
    await setSetting('endpoints', [elsewhere.url]);
    assert.strictEqual(await launch({ name: 'two own', url: one.url, env: { ASPNETCORE_URLS: two.url } }), true);
    const o = a.lastGateOutcome()!;
    assert.deepStrictEqual([...o.endpoints].sort(), [one.url, two.url].sort());
    const n = await waitFor('the warning', () => notificationsAbout(a, one.url)[0]);
    assert.ok(!n.message.includes(elsewhere.url), n.message);
    const host = (u: string) => u.replace('https://', '');
    assert.ok(n.items.some(i => i.endsWith(`(${host(one.url)})`)) && n.items.some(i => i.endsWith(`(${host(two.url)})`)), n.items.join(' | '));
    await setSetting('endpoints', undefined);
  });
});

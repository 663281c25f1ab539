import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import type { RunningServer } from '../../helpers/servers';
import { answerWith, api, launch, resetSettings, selfSignedLeaf, serve, serveOn, setSetting, trustedLeaf, waitFor, workspaceFolder } from './helpers';

/** How long each view may stay wrong after a repair or a removal finished (issue: "within a second"). */
const AGREE_WITHIN_MS = 1000;

describe('views agree (one verdict store)', () => {
  let a: DevCertDoctorApi;
  let srv: RunningServer & { url: string };
  let file: string;

  const devcertDiagnostics = () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter(d => d.source === 'DevCert Doctor');
  const problemCodes = () => devcertDiagnostics().map(d => String(typeof d.code === 'object' ? d.code.value : d.code));

  before(async function () {
    if (!process.env.DEVCERT_DOCTOR_SANDBOX) this.skip();
    a = await api();
    srv = await serve(selfSignedLeaf('views-self-signed'));
    file = path.join(workspaceFolder().uri.fsPath, 'ViewsApp/Properties/launchSettings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ profiles: { ViewsApp: { commandName: 'Project', applicationUrl: srv.url } } }, null, 2));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await waitFor('the diagnostic and the status bar to show the problem', () =>
      problemCodes().includes('self-signed') && a.statusBarState().state === 'problems' ? true : undefined);
  });
  after(async () => {
    answerWith(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await srv?.close();
    fs.rmSync(path.join(workspaceFolder().uri.fsPath, 'ViewsApp'), { recursive: true, force: true });
    await resetSettings();
  });

  it('after a repair, the status bar, the Problems panel and the gate say "trusted" within a second', async () => {
    answerWith(r => r.modal ? 'Run' : undefined);
    const outcome = await vscode.commands.executeCommand<string>('devcertDoctor.repair', { fix: 'trust', url: srv.url, port: srv.port, folder: workspaceFolder().uri.toString() });
    assert.strictEqual(outcome, 'repaired');
    const done = Date.now();
    await waitFor('the status bar and the Problems panel to agree', () =>
      a.statusBarState().state === 'trusted' && problemCodes().length === 0 ? true : undefined, 5000);
    const agreedMs = Date.now() - done;
    console.log(`    views agreed ${agreedMs} ms after the repair finished`);
    assert.ok(agreedMs <= AGREE_WITHIN_MS, `status bar "${a.statusBarState().text}", diagnostics [${problemCodes()}] after ${agreedMs} ms`);
    await setSetting('preLaunch', 'block');
    answerWith(() => undefined);
    assert.strictEqual(await launch({ name: 'after repair', url: srv.url }), true);
    assert.strictEqual(a.lastGateOutcome()?.action, 'healthy');
  });

  it('after "Remove certificates added by DevCert Doctor", they all say the problem again within a second', async () => {
    answerWith(r => r.modal ? 'Run' : undefined);
    await vscode.commands.executeCommand<string>('devcertDoctor.untrust');
    const done = Date.now();
    await waitFor('the status bar and the Problems panel to agree', () =>
      a.statusBarState().state === 'problems' && problemCodes().includes('self-signed') ? true : undefined, 5000);
    const agreedMs = Date.now() - done;
    console.log(`    views agreed ${agreedMs} ms after the removal finished`);
    assert.ok(agreedMs <= AGREE_WITHIN_MS, `status bar "${a.statusBarState().text}", diagnostics [${problemCodes()}] after ${agreedMs} ms`);
    await setSetting('preLaunch', 'block');
    answerWith(() => undefined);
    assert.strictEqual(await launch({ name: 'after removal', url: srv.url }), false, 'the gate blocks again');
    assert.deepStrictEqual(a.lastGateOutcome()?.problems.map(p => p.codes), [['self-signed']]);
  });

  it('a server restarted with another certificate shows in every view within seconds of a debug session stopping, without Check now', async () => {
    await setSetting('preLaunch', 'off');
    await srv.close();
    const restarted = await serveOn(srv.port, trustedLeaf('views-restarted'));
    try {
      // No probe by the gate (off), no command: only the session starting and stopping.
      assert.strictEqual(await launch({ name: 'restart trigger' }), true);
      const stopped = Date.now();
      await waitFor('the views to show the new certificate', () =>
        a.statusBarState().state === 'trusted' && problemCodes().length === 0 ? true : undefined, 10_000);
      console.log(`    views showed the restarted server ${Date.now() - stopped} ms after the session stopped`);
    } finally {
      await restarted.close();
      await setSetting('preLaunch', undefined);
    }
  });
});

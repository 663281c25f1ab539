import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import type { RunningServer } from '../../helpers/servers';
import { answerWith, api, selfSignedLeaf, serve, waitFor, workspaceFolder } from './helpers';

const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');

describe('diagnostics and quick fixes (language server)', () => {
  let a: DevCertDoctorApi;
  let srv: RunningServer & { url: string };
  let leafPem: string;
  let file: string;

  before(async () => {
    a = await api();
    const leaf = selfSignedLeaf('diagnostics-self-signed');
    leafPem = leaf.certPem;
    srv = await serve(leaf);
    file = path.join(workspaceFolder().uri.fsPath, 'WebApp/Properties/launchSettings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({
      profiles: {
        WebApp: { commandName: 'Project', applicationUrl: `${srv.url};http://localhost:5080`, environmentVariables: { ASPNETCORE_ENVIRONMENT: 'Development' } },
      },
    }, null, 2));
  });
  after(async () => {
    answerWith(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await srv?.close();
    fs.rmSync(path.dirname(path.dirname(file)), { recursive: true, force: true });
  });

  it('puts the problem on the exact URL in launchSettings.json', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const d = await waitFor('a DevCert Doctor diagnostic', () =>
      vscode.languages.getDiagnostics(doc.uri).find(x => x.source === 'DevCert Doctor' && /self-signed/.test(String(typeof x.code === 'object' ? x.code.value : x.code) + x.message)), 30_000);
    assert.strictEqual(doc.getText(d.range), srv.url, `range covers the URL, got "${doc.getText(d.range)}"`);
    assert.ok(d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning);
    assert.ok(d.message.includes(srv.url), d.message);
    // One short sentence (who refuses it and why), without the remote note or the clients' error names.
    assert.ok(/ — .*refuses? it: self-signed, not trusted\.$/.test(d.message) && !/remote|ERR_CERT/.test(d.message), d.message);
  });

  it('offers a quick fix that runs the trust repair (against the sandbox stores)', async function () {
    if (!process.env.DEVCERT_DOCTOR_SANDBOX) this.skip();
    const doc = await vscode.workspace.openTextDocument(file);
    const d = vscode.languages.getDiagnostics(doc.uri).find(x => x.source === 'DevCert Doctor')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const trust = actions.find(x => x.command?.command === 'devcertDoctor.repair' && (x.command.arguments?.[0] as { fix?: string })?.fix === 'trust');
    assert.ok(trust, `a trust quick fix among: ${actions.map(x => x.title).join(' | ')}`);
    a.clearNotifications();
    answerWith(r => r.modal ? 'Run' : undefined);
    const outcome = await vscode.commands.executeCommand<string>(trust.command!.command, ...(trust.command!.arguments ?? []));
    assert.ok(outcome === 'repaired' || outcome === 'still-problems', `outcome ${outcome}`);
    const bundle = path.join(process.env.DEVCERT_DOCTOR_SANDBOX!, 'system/etc/ssl/certs/ca-certificates.crt');
    assert.ok(pemBody(fs.readFileSync(bundle, 'utf8')).includes(pemBody(leafPem)), 'the sandbox system store trusts the served certificate');
    // Leave the sandbox as it was for later tests.
    answerWith(r => r.modal ? 'Run' : undefined);
    await vscode.commands.executeCommand('devcertDoctor.untrust');
  });
});

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import type { EndpointVerdict } from '../../../src/core/check/types';
import type { RunningServer } from '../../helpers/servers';
import { api, resetSettings, sandboxCa, selfSignedLeaf, serve, setSetting, trustedLeaf, waitFor, workspaceFolder } from './helpers';

describe('commands', () => {
  let a: DevCertDoctorApi;
  let srv: RunningServer & { url: string };
  before(async () => {
    a = await api();
    srv = await serve(trustedLeaf('commands-trusted'));
    await setSetting('endpoints', [srv.url]);
  });
  after(async () => { await srv.close(); await resetSettings(); });

  it('"Check HTTPS endpoints now" returns the verdicts and says the result', async () => {
    a.clearNotifications();
    const verdicts = await vscode.commands.executeCommand<EndpointVerdict[]>('devcertDoctor.checkNow');
    const v = verdicts.find(x => x.url === srv.url);
    assert.ok(v, `verdict for ${srv.url}`);
    assert.deepStrictEqual(v.problems, []);
    assert.strictEqual(v.trust.system, true);
    assert.ok(a.notifications().some(n => n.kind === 'info' && /serves? (a )?trusted certificates?\./.test(n.message)));
  });

  it('"Show certificate details" opens a readable view of the certificate', async () => {
    const uri = await vscode.commands.executeCommand<string>('devcertDoctor.showCertificate', { url: srv.url });
    assert.ok(uri, 'a document was opened');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const text = doc.getText();
    const v = a.verdicts().find(x => x.url === srv.url)!;
    for (const expected of [`Certificate served by ${srv.url}`, 'Subject Alternative Names', 'localhost', v.certificate!.sha256, v.certificate!.sha1,
      'Valid until', 'Who trusts it', 'Chain as sent by the server', 'DevCert Doctor Host Test CA']) {
      assert.ok(text.includes(expected), `details mention "${expected}"`);
    }
    assert.strictEqual(doc.languageId, 'markdown');
    assert.ok(!/fixes: /.test(text), 'no internal fix ids');
    // One tab, also when asked twice: the preview alone (or the plain document without the Markdown extension).
    await vscode.commands.executeCommand('devcertDoctor.showCertificate', { url: srv.url });
    const ours = () => {
      const tabs = vscode.window.tabGroups.all.flatMap(g => g.tabs);
      return tabs.filter(t => (t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'devcert-doctor')
        || (t.input instanceof vscode.TabInputWebview && /markdown/i.test(t.input.viewType)));
    };
    await waitFor('the details tab', () => ours().length > 0 || undefined, 5000);
    await new Promise(r => setTimeout(r, 300));
    assert.strictEqual(ours().length, 1, `tabs: ${vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => `${t.label} (${(t.input as { viewType?: string })?.viewType ?? ''})`).join(', ')}`);
  });

  it('the walkthrough\'s steps complete on events VS Code knows (no "onDebug")', () => {
    const pkg = vscode.extensions.getExtension('devcert-doctor.devcert-doctor')!.packageJSON;
    const events: string[] = pkg.contributes.walkthroughs.flatMap((w: { steps: Array<{ completionEvents: string[] }> }) => w.steps.flatMap(st => st.completionEvents));
    assert.ok(events.every(e => /^(onCommand|onSettingChanged|onContext|onView|onLink|onExtensionInstalled|onStepSelected):/.test(e)), events.join(', '));
    assert.ok(events.includes('onContext:devcertDoctor.gateRan'));
  });

  it('"Export certificate…" writes the served chain as PEM and the leaf as DER', async () => {
    const dir = workspaceFolder().uri.fsPath;
    const pem = await vscode.commands.executeCommand<string>('devcertDoctor.export', { url: srv.url, target: path.join(dir, 'exported.pem') });
    assert.ok(pem && fs.readFileSync(pem, 'utf8').startsWith('-----BEGIN CERTIFICATE-----'));
    const der = await vscode.commands.executeCommand<string>('devcertDoctor.export', { url: srv.url, target: path.join(dir, 'exported.cer') });
    const { X509Certificate } = await import('crypto');
    const x = new X509Certificate(fs.readFileSync(der!));
    assert.ok(x.checkIssued(new X509Certificate(sandboxCa().certPem)), 'the exported leaf is the one the test CA issued');
    fs.rmSync(pem!); fs.rmSync(der!);
  });

  it('"Create client certificate…" writes PFX + PEM, copies the thumbprint and configures the endpoint', async () => {
    const dir = workspaceFolder().uri.fsPath;
    const created = await vscode.commands.executeCommand<{ pfx: string; cert: string; key: string; sha1: string }>('devcertDoctor.createClientCertificate',
      { cn: 'host-test-client', password: 'pw-123', pfxPath: path.join(dir, 'client.pfx'), endpoint: 'localhost:7443' });
    assert.ok(created, 'created');
    assert.ok(fs.existsSync(created.pfx) && fs.existsSync(created.cert) && fs.existsSync(created.key));
    assert.strictEqual(await vscode.env.clipboard.readText(), created.sha1);
    const { X509Certificate } = await import('crypto');
    const x = new X509Certificate(fs.readFileSync(created.cert));
    assert.strictEqual(x.fingerprint.replace(/:/g, ''), created.sha1);
    assert.ok(/CN=host-test-client/.test(x.subject));
    const configured = vscode.workspace.getConfiguration('devcertDoctor').get<Record<string, { pfx?: string }>>('clientCertificates');
    assert.strictEqual(configured?.['localhost:7443']?.pfx, created.pfx);
    for (const f of [created.pfx, created.cert, created.key]) fs.rmSync(f);
  });

  it('"Repair" with nothing wrong says so instead of planning', async () => {
    await vscode.commands.executeCommand('devcertDoctor.checkNow');
    const outcome = await vscode.commands.executeCommand<string>('devcertDoctor.repair');
    assert.strictEqual(outcome, 'nothing-to-do');
  });

  it('a self-signed endpoint shows up with its fixes in the verdicts', async () => {
    const bad = await serve(selfSignedLeaf('commands-self-signed'));
    try {
      await setSetting('endpoints', [srv.url, bad.url]);
      const verdicts = await vscode.commands.executeCommand<EndpointVerdict[]>('devcertDoctor.checkNow');
      const v = verdicts.find(x => x.url === bad.url)!;
      assert.ok(v.problems.some(p => p.code === 'self-signed' && p.fixes.includes('trust')), JSON.stringify(v.problems));
    } finally {
      await bad.close();
      await setSetting('endpoints', [srv.url]);
    }
  });
});

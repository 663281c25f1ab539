import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import type { RunningServer } from '../../helpers/servers';
import { answerWith, api, resetSettings, selfSignedLeaf, serve, serveOn, setSetting, trustedLeaf, waitFor } from './helpers';

/** The sandbox stores the runner set up (DEVCERT_DOCTOR_SANDBOX): what a repair may change. */
function sandboxStores() {
  const dir = process.env.DEVCERT_DOCTOR_SANDBOX!;
  return {
    systemBundle: path.join(dir, 'system/etc/ssl/certs/ca-certificates.crt'),
    nssdb: `sql:${path.join(dir, 'home/.pki/nssdb')}`,
  };
}
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');
function nssHas(sha1: string): boolean {
  try {
    const out = execFileSync('certutil', ['-d', sandboxStores().nssdb, '-L'], { encoding: 'utf8' });
    return out.split('\n').some(l => l.includes(sha1.slice(0, 16).toLowerCase()) || /devcert/i.test(l));
  } catch { return false; }
}

describe('repair (sandboxed trust stores)', () => {
  let a: DevCertDoctorApi;
  let srv: RunningServer & { url: string };
  let leafPem: string;
  before(async function () {
    if (!process.env.DEVCERT_DOCTOR_SANDBOX) this.skip();
    a = await api();
    const leaf = selfSignedLeaf('repair-self-signed');
    leafPem = leaf.certPem;
    srv = await serve(leaf);
    await setSetting('endpoints', [srv.url]);
    await vscode.commands.executeCommand('devcertDoctor.checkNow');
  });
  after(async () => { await srv?.close(); await resetSettings(); answerWith(() => undefined); });

  it('shows the plan in a modal and changes nothing on Cancel', async () => {
    a.clearNotifications();
    answerWith(() => undefined);
    const before = fs.readFileSync(sandboxStores().systemBundle, 'utf8');
    const outcome = await vscode.commands.executeCommand('devcertDoctor.repair', { fix: 'trust', url: srv.url, port: srv.port, folder: '' });
    assert.strictEqual(outcome, 'cancelled');
    const modal = a.notifications().find(n => n.modal)!;
    assert.ok(modal, 'a modal was shown');
    // Enter presses the first button: it must never be Run.
    assert.deepStrictEqual(modal.items, ['Copy commands', 'Run']);
    assert.ok(/^Trust the certificate: https:\/\/localhost:\d+ — \d+ steps, (none needs|\d+ needs?) administrator rights$/.test(modal.message), modal.message);
    // The sandbox elevates nothing; which steps would is planOutline's (unit-tested). The full plan is a document beside.
    assert.ok(/Nothing runs until you choose Run/.test(modal.detail ?? ''), modal.detail);
    assert.ok(!/update-ca-certificates/.test(modal.detail ?? ''), 'the commands are in the plan document, not the modal');
    // The plan of this repair is open beside the editor (earlier tests' plans may be open too).
    const planEditor = vscode.window.visibleTextEditors.find(e => e.document.uri.scheme === 'devcert-plan' && e.document.getText().includes(srv.url));
    assert.ok(planEditor, `the plan is visible beside the editor: ${vscode.window.visibleTextEditors.map(e => e.document.uri.toString()).join(', ')}`);
    const planDoc = planEditor.document;
    const planText = planDoc.getText();
    assert.ok(/^Plan: /.test(planText) && /update-ca-certificates/.test(planText), planText);
    const stepCount = Number(/(\d+) steps/.exec(modal.message)![1]);
    assert.strictEqual((planText.match(/^ {2}\d+\. /gm) ?? []).length, stepCount, 'the document holds every step the modal counts');
    assert.strictEqual(fs.readFileSync(sandboxStores().systemBundle, 'utf8'), before, 'nothing changed');
  });

  it('"Copy commands" puts the exact commands on the clipboard', async () => {
    answerWith(r => r.modal ? 'Copy commands' : undefined);
    const outcome = await vscode.commands.executeCommand('devcertDoctor.trust', { url: srv.url });
    assert.strictEqual(outcome, 'copied');
    const text = await vscode.env.clipboard.readText();
    assert.ok(/^# /m.test(text) && /update-ca-certificates/.test(text), text);
    // A script to paste: file writes as heredocs (no "# writes" placeholders), stopping at the first failure.
    assert.ok(text.startsWith('#!/bin/sh\n') && /^set -eu$/m.test(text) && /<<'DEVCERT_EOF'\n-----BEGIN CERTIFICATE-----/.test(text), text);
    assert.ok(!/^# writes /m.test(text), text);
  });

  it('Run trusts the served certificate in the sandbox stores, then re-probes: trusted by system, Node and NSS', async () => {
    a.clearNotifications();
    answerWith(r => r.modal ? 'Run' : undefined);
    const outcome = await vscode.commands.executeCommand<string>('devcertDoctor.repair', { fix: 'trust', url: srv.url, port: srv.port, folder: '' });
    // Re-probed with fresh trust anchors: every consumer now trusts it (sandbox system store, Node bundle, NSS).
    assert.strictEqual(outcome, 'repaired');
    assert.deepStrictEqual(a.verdicts().find(v => v.url === srv.url)?.trust, { system: true, node: true, nss: true });
    assert.ok(pemBody(fs.readFileSync(sandboxStores().systemBundle, 'utf8')).includes(pemBody(leafPem)), 'the system bundle now holds the certificate');
    const after = a.notifications().filter(n => !n.modal).map(n => n.message).join('\n');
    assert.ok(/^Done: https:\/\/localhost:\d+ is trusted now\.$/m.test(after), after);
  });

  it('after a plan that leaves the restart to the user: one line with Check again, then green by itself once the server serves the new certificate', async () => {
    const srv2 = await serve(selfSignedLeaf('repair-restart'));
    let restarted: RunningServer | undefined;
    try {
      await setSetting('endpoints', [srv2.url]);
      await vscode.commands.executeCommand('devcertDoctor.checkNow');
      a.clearNotifications();
      answerWith(r => r.modal ? 'Run' : undefined);
      const outcome = await vscode.commands.executeCommand<string>('devcertDoctor.repair', { fix: 'regenerate', url: srv2.url, port: srv2.port, folder: '' });
      assert.strictEqual(outcome, 'still-problems');
      const result = await waitFor('the result line', () => a.notifications().find(n => !n.modal && n.kind === 'warning'));
      assert.ok(/^Done, except what only you can do: .* turns green by itself when it serves the new certificate\.$/.test(result.message), result.message);
      assert.ok(result.message.split(/\s+/).length < 60, `short: ${result.message}`);
      assert.strictEqual(result.items[result.items.length - 1], 'Check again');
      // The user restarts the server with a certificate every client accepts; nobody presses Check now.
      await srv2.close();
      restarted = await serveOn(srv2.port, trustedLeaf('repair-restarted'));
      await waitFor('the endpoint to turn green by itself', () => {
        const v = a.verdicts().find(x => x.url === srv2.url);
        return v && v.certificate && v.problems.length === 0 ? v : undefined;
      }, 20_000);
      await waitFor('a line saying so', () => a.notifications().find(n => n.message === `${srv2.url} is trusted now.`));
    } finally {
      await restarted?.close();
      // Leave the sandbox stores as the next test expects them (nothing this test added).
      answerWith(r => r.modal ? 'Run' : undefined);
      await vscode.commands.executeCommand('devcertDoctor.untrust');
      await setSetting('endpoints', [srv.url]);
      await vscode.commands.executeCommand('devcertDoctor.checkNow');
    }
  });

  it('Remove after Trust + Regenerate leaves no certificate the tool added (system store, Node bundle, ledger)', async () => {
    answerWith(r => r.modal ? 'Run' : undefined);
    const home = process.env.DEVCERT_DOCTOR_HOME!;
    const nodeBundle = path.join(home, 'node-extra-ca-certs.pem');
    const testCa = fs.readFileSync(nodeBundle, 'utf8');
    const trusted = await vscode.commands.executeCommand<string>('devcertDoctor.repair', { fix: 'trust', url: srv.url, port: srv.port, folder: '' });
    assert.ok(trusted && !['failed', 'cancelled'].includes(trusted), `trust: ${trusted}`);
    const regenerated = await vscode.commands.executeCommand<string>('devcertDoctor.repair', { fix: 'regenerate', url: srv.url, port: srv.port, folder: '' });
    assert.ok(regenerated && !['failed', 'cancelled'].includes(regenerated), `regenerate: ${regenerated}`);
    const ca = fs.readFileSync(path.join(home, 'ca', 'rootCA.pem'), 'utf8');
    assert.ok(pemBody(fs.readFileSync(nodeBundle, 'utf8')).includes(pemBody(ca)), 'the local CA is in the Node bundle');
    assert.ok(pemBody(fs.readFileSync(nodeBundle, 'utf8')).includes(pemBody(leafPem)), 'and so is the leaf trusted before it');
    const removed = await vscode.commands.executeCommand<string>('devcertDoctor.untrust');
    assert.ok(removed && !['failed', 'cancelled'].includes(removed), `remove: ${removed}`);
    const system = pemBody(fs.readFileSync(sandboxStores().systemBundle, 'utf8'));
    const node = fs.existsSync(nodeBundle) ? pemBody(fs.readFileSync(nodeBundle, 'utf8')) : '';
    for (const [what, pem] of [['the local CA', ca], ['the served leaf', leafPem]]) {
      assert.ok(!system.includes(pemBody(pem)), `${what} is gone from the system store`);
      assert.ok(!node.includes(pemBody(pem)), `${what} is gone from the Node bundle`);
    }
    // What was in the bundle before this tool touched it (the test CA) stays.
    const others = (testCa.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).filter(b => pemBody(b) !== pemBody(leafPem));
    assert.ok(others.length > 0 && others.every(b => node.includes(pemBody(b))), 'what was in the Node bundle before stays');
    const ledger = JSON.parse(fs.readFileSync(path.join(home, 'ledger.json'), 'utf8'));
    assert.deepEqual(ledger.entries, []);
  });

  it('"Remove certificates added by DevCert Doctor" removes exactly what was added', async () => {
    a.clearNotifications();
    answerWith(r => r.modal ? 'Run' : undefined);
    const outcome = await vscode.commands.executeCommand<string>('devcertDoctor.untrust');
    assert.ok(outcome && outcome !== 'failed' && outcome !== 'cancelled', `outcome ${outcome}`);
    const said = a.notifications().filter(n => !n.modal).map(n => n.message);
    assert.ok(!said.some(m => /problems remain|still fails/.test(m)), said.join('\n'));
    assert.ok(!pemBody(fs.readFileSync(sandboxStores().systemBundle, 'utf8')).includes(pemBody(leafPem)), 'the system bundle no longer holds it');
    void nssHas;
  });
});

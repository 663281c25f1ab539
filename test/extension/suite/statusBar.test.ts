import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import { freePort, type RunningServer } from '../../helpers/servers';
import { api, resetSettings, selfSignedLeaf, serve, setSetting, trustedLeaf, waitFor } from './helpers';

describe('status bar', () => {
  let a: DevCertDoctorApi;
  const servers: RunningServer[] = [];
  before(async () => { a = await api(); });
  afterEach(async () => { await Promise.all(servers.splice(0).map(s => s.close())); await resetSettings(); });

  async function stateAfterCheck(expected: string) {
    await vscode.commands.executeCommand('devcertDoctor.checkNow');
    return waitFor(`status bar state ${expected}`, () => { const s = a.statusBarState(); return s.state === expected ? s : undefined; });
  }

  it('says all trusted for a certificate issued by a CA every store trusts', async () => {
    const srv = await serve(trustedLeaf('status-trusted'));
    servers.push(srv);
    await setSetting('endpoints', [srv.url]);
    const s = await stateAfterCheck('trusted');
    assert.strictEqual(s.text, '$(lock) HTTPS');
    assert.ok(s.visible);
    assert.strictEqual(s.background, undefined);
    assert.ok(s.tooltip.includes(srv.url), s.tooltip);
    assert.ok(s.tooltip.includes('| trusted |'), s.tooltip);
    assert.ok(s.tooltip.includes('$(check)'), s.tooltip);
  });

  it('shows the problem in warning colours for a self-signed certificate', async () => {
    const srv = await serve(selfSignedLeaf('status-self-signed'));
    servers.push(srv);
    await setSetting('endpoints', [srv.url]);
    const s = await stateAfterCheck('problems');
    assert.strictEqual(s.text, '$(warning) HTTPS: self-signed');
    assert.ok(s.background === 'statusBarItem.errorBackground' || s.background === 'statusBarItem.warningBackground', s.background);
    assert.ok(s.tooltip.includes(srv.url) && s.tooltip.includes('self-signed') && s.tooltip.includes('$(x)'), s.tooltip);
    assert.ok(s.tooltip.includes('Browsers'), 'the table has the browsers column');
  });

  it('counts endpoints when several have problems', async () => {
    const one = await serve(selfSignedLeaf('status-a'));
    const two = await serve(selfSignedLeaf('status-b'));
    servers.push(one, two);
    await setSetting('endpoints', [one.url, two.url]);
    const s = await stateAfterCheck('problems');
    assert.strictEqual(s.text, '$(warning) HTTPS: 2 endpoints');
  });

  it('is quiet while nothing listens', async () => {
    await setSetting('endpoints', [`https://localhost:${await freePort()}`]);
    const s = await stateAfterCheck('not-listening');
    assert.strictEqual(s.text, '$(circle-slash) HTTPS');
    assert.strictEqual(s.background, undefined);
    assert.ok(s.tooltip.includes('not listening'), s.tooltip);
  });

  it('says in the tooltip that the local browser was not checked in a remote window', async () => {
    // code-server's extension host is a remote one: vscode.env.remoteName is set here.
    const srv = await serve(trustedLeaf('status-remote'));
    servers.push(srv);
    await setSetting('endpoints', [srv.url]);
    const s = await stateAfterCheck('trusted');
    if (vscode.env.remoteName) assert.ok(/browser runs on the local machine/.test(s.tooltip), s.tooltip);
  });
});

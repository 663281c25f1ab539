import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import { renderTooltip } from '../../../src/extension/status';
import { summarize } from '../../../src/extension/verdicts';
import { freePort, type RunningServer } from '../../helpers/servers';
import { api, expiredTrustedLeaf, resetSettings, selfSignedLeaf, serve, setSetting, trustedLeaf, waitFor } from './helpers';

describe('status bar', () => {
  let a: DevCertDoctorApi;
  const servers: RunningServer[] = [];
  before(async () => { a = await api(); });
  afterEach(async () => { await Promise.all(servers.splice(0).map(s => s.close())); await resetSettings(); });

  async function stateAfterCheck(expected: string) {
    await vscode.commands.executeCommand('devcertDoctor.checkNow');
    return waitFor(`status bar state ${expected}`, () => { const s = a.statusBarState(); return s.state === expected ? s : undefined; });
  }

  it('names a trust store that cannot be read in the tooltip, as text (no markdown from a path)', () => {
    const warning = 'NODE_EXTRA_CA_CERTS names /tmp/*odd*|name.pem, which cannot be read: Node ignores it';
    const md = renderTooltip(summarize([], false, undefined, [warning])).value;
    assert.ok(md.includes('$(warning) Trust store: NODE\\_EXTRA\\_CA\\_CERTS names /tmp/\\*odd\\*\\|name.pem'), md);
    assert.ok(!renderTooltip(summarize([], false)).value.includes('Trust store'), 'nothing to say: no line');
  });

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
    assert.strictEqual(s.text, '$(warning) HTTPS: untrusted');
    assert.ok(s.background === 'statusBarItem.errorBackground' || s.background === 'statusBarItem.warningBackground', s.background);
    assert.ok(s.tooltip.includes(srv.url) && s.tooltip.includes('| untrusted |') && s.tooltip.includes('$(x)'), s.tooltip);
    // Acceptance columns first: Browsers, Node, curl/OpenSSL, then the expiry.
    assert.ok(/\| Endpoint \| State \| Browsers \| Node \| curl\/OpenSSL \| Expires \|/.test(s.tooltip), s.tooltip);
    assert.ok(!/self-signed|untrusted-by/.test(s.text + s.tooltip), 'no raw problem codes');
  });

  it('says "expired" for an expired certificate from a trusted CA', async () => {
    const srv = await serve(expiredTrustedLeaf('status-expired'));
    servers.push(srv);
    await setSetting('endpoints', [srv.url]);
    const s = await stateAfterCheck('problems');
    assert.strictEqual(s.text, '$(warning) HTTPS: expired');
  });

  it('counts endpoints when several have problems', async () => {
    const one = await serve(selfSignedLeaf('status-a'));
    const two = await serve(selfSignedLeaf('status-b'));
    servers.push(one, two);
    await setSetting('endpoints', [one.url, two.url]);
    const s = await stateAfterCheck('problems');
    assert.strictEqual(s.text, '$(warning) HTTPS: 2 untrusted');
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

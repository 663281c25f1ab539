import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './helpers';

describe('activation', () => {
  it('activates cheaply and registers every command', async () => {
    const a = await api();
    assert.ok(a.activationMs >= 0 && a.activationMs < 200, `activation took ${a.activationMs} ms`);
    console.log(`    activation: ${a.activationMs.toFixed(1)} ms`);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['checkNow', 'repair', 'regenerate', 'bind', 'trust', 'untrust', 'showCertificate', 'export', 'createClientCertificate', 'showLog']) {
      assert.ok(commands.includes(`devcertDoctor.${id}`), `devcertDoctor.${id} is registered`);
    }
  });

  it('declares a workspace extension with limited untrusted-workspace support', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.deepStrictEqual(pkg.extensionKind, ['workspace']);
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(!pkg.activationEvents.includes('*'));
  });

  it('exposes the test hooks in a development host', async () => {
    const a = await api();
    assert.strictEqual(typeof a.setResponder, 'function');
  });
});

/**
 * Restricted Mode: a workspace the user has not trusted may be probed and shown, never repaired — a
 * repair runs processes and may elevate, and an untrusted repo must not be able to steer that.
 */
import * as vscode from 'vscode';
import type { Notifier } from '../output';

export async function requireWorkspaceTrust(notifier: Notifier): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void notifier.show('warning',
    vscode.l10n.t('DevCert Doctor does not repair certificates in Restricted Mode. Trust this workspace to enable repairs.'), {}, manage)
    .then(answer => { if (answer === manage) void vscode.commands.executeCommand('workbench.trust.manage'); });
  return false;
}

/** How each fix id from the engine is named and drawn in the UI. */
import * as vscode from 'vscode';
import type { FixId } from '../../core/check';

export interface FixPresentation { label: string; icon: string; needsTrust: boolean }

export function presentFix(fix: FixId): FixPresentation {
  switch (fix) {
    case 'trust': return { label: vscode.l10n.t('Trust the certificate'), icon: 'shield', needsTrust: true };
    case 'regenerate': return { label: vscode.l10n.t('Regenerate the certificate'), icon: 'refresh', needsTrust: true };
    case 'bind': return { label: vscode.l10n.t('Bind a certificate to this port'), icon: 'plug', needsTrust: true };
    case 'configure-client-certificate': return { label: vscode.l10n.t('Configure a client certificate'), icon: 'key', needsTrust: false };
    case 'start-server': return { label: vscode.l10n.t('Start the server'), icon: 'play', needsTrust: false };
  }
}

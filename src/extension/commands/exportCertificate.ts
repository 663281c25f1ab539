/** "Export certificate…": saves the certificate an endpoint serves, as PEM (chain as sent) or DER (leaf). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toPem } from '../../core/certs';
import type { EndpointVerdict } from '../../core/check';
import { describeError } from '../output';
import type { Services } from '../services';
import { readSettings } from '../settings';

export async function exportCertificate(s: Services, v: EndpointVerdict, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  let chain: Buffer[];
  try {
    chain = await s.engine.servedChain(v, readSettings().timeoutMs);
  } catch (err) {
    void s.notifier.show('error', vscode.l10n.t('Could not read the certificate from {0}: {1}', v.url, describeError(s.log, 'export', err)));
    return undefined;
  }
  if (chain.length === 0) {
    void s.notifier.show('warning', vscode.l10n.t('{0} did not send a certificate.', v.url));
    return undefined;
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
  const uri = target ?? await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export the certificate served by {0}', v.url),
    defaultUri: vscode.Uri.joinPath(base, `${v.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${v.port}.pem`),
    filters: {
      [vscode.l10n.t('PEM, full chain as sent')]: ['pem', 'crt'],
      [vscode.l10n.t('DER, leaf only')]: ['cer', 'der'],
    },
  });
  if (!uri) return undefined;
  const der = /\.(cer|der)$/i.test(uri.path);
  const bytes = der ? chain[0] : Buffer.from(chain.map(d => toPem(d)).join(''), 'ascii');
  await vscode.workspace.fs.writeFile(uri, bytes);
  s.log.info(`exported ${der ? 'leaf (DER)' : `${chain.length} certificate(s) (PEM)`} of ${v.url} to ${uri.fsPath}`);
  void s.notifier.show('info', vscode.l10n.t('Saved the certificate of {0} to {1}.', v.url, path.basename(uri.fsPath)));
  return uri;
}

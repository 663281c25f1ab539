/**
 * "Create client certificate…": a self-signed client certificate (clientAuth) as PFX + PEM. Its SHA-1
 * thumbprint goes to the clipboard (what thumbprint allow-lists compare against); the password goes to
 * SecretStorage; optionally it is configured for an endpoint in `devcertDoctor.clientCertificates`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../output';
import { SECTION } from '../settings';
import type { Services } from '../services';

export interface CreateClientCertificateArgs {
  cn?: string;
  days?: number;
  password?: string;
  /** Where the PFX goes; the PEM pair is written beside it. */
  pfxPath?: string;
  /** `host:port` to configure it for, without asking. */
  endpoint?: string;
}

export interface CreatedFiles { pfx: string; cert: string; key: string; sha1: string; sha256: string }

export async function createClientCertificate(s: Services, args: CreateClientCertificateArgs = {}): Promise<CreatedFiles | undefined> {
  const cn = args.cn ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Create client certificate (1/3)'),
    prompt: vscode.l10n.t('Subject common name (CN) of the client certificate'),
    value: 'devcert-doctor-client', ignoreFocusOut: true,
    validateInput: v => v.trim() ? undefined : vscode.l10n.t('A name is needed.'),
  });
  if (!cn) return undefined;
  const password = args.password ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Create client certificate (2/3)'),
    prompt: vscode.l10n.t('Password for the PFX file (kept in VS Code\'s secret storage)'),
    password: true, ignoreFocusOut: true,
  });
  if (password === undefined) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
  const pfxUri = args.pfxPath ? vscode.Uri.file(args.pfxPath) : await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Create client certificate (3/3): where to save it'),
    defaultUri: vscode.Uri.joinPath(base, `${cn.trim().replace(/[^A-Za-z0-9.-]+/g, '-')}.pfx`),
    filters: { PFX: ['pfx', 'p12'] },
  });
  if (!pfxUri) return undefined;

  let files: CreatedFiles;
  try {
    files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating client certificate…') },
      () => s.engine.createClientCertificate({ cn: cn.trim(), days: args.days ?? 365, password, pfxPath: pfxUri.fsPath }));
  } catch (err) {
    void s.notifier.show('error', vscode.l10n.t('Could not create the client certificate: {0}', describeError(s.log, 'client certificate', err)));
    return undefined;
  }
  await s.clientCerts.rememberPassword(files.pfx, password);
  await vscode.env.clipboard.writeText(files.sha1);
  s.log.info(`client certificate CN=${cn} written to ${files.pfx}; SHA-1 ${files.sha1}, SHA-256 ${files.sha256}`);

  const endpoint = args.endpoint ?? await askEndpoint(s, files, files.sha1);
  if (endpoint) await configureFor(endpoint, files.pfx);
  return files;
}

async function askEndpoint(s: Services, files: CreatedFiles, sha1: string): Promise<string | undefined> {
  const use = vscode.l10n.t('Use it for an endpoint…');
  const answer = await s.notifier.show('info',
    vscode.l10n.t('Client certificate {0} created. Its SHA-1 thumbprint {1} is on the clipboard.', path.basename(files.pfx), sha1), {}, use);
  if (answer !== use) return undefined;
  const known = s.store.all().map(v => `${v.host}:${v.port}`);
  const picked = await vscode.window.showQuickPick([...known, vscode.l10n.t('Another host:port…')], { placeHolder: vscode.l10n.t('Present this certificate to which endpoint?') });
  if (!picked) return undefined;
  if (known.includes(picked)) return picked;
  return vscode.window.showInputBox({ prompt: 'host:port', validateInput: v => /^[^\s:]+:\d{1,5}$/.test(v) ? undefined : 'host:port' });
}

/** Writes `{ pfx }` for `host:port` into the workspace's `devcertDoctor.clientCertificates`. */
async function configureFor(endpoint: string, pfx: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const current = { ...(config.get<Record<string, unknown>>('clientCertificates') ?? {}) };
  current[endpoint] = { pfx };
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('clientCertificates', current, target);
}

/**
 * `devcertDoctor.clientCertificates` → the client certificate the probe presents, through core's one
 * loader (the language server and the CLI read the same files the same way). Passwords are asked once
 * and kept in SecretStorage, never in settings; background checks never prompt.
 */
import * as vscode from 'vscode';
import type { ClientCertificateEntry, ClientCertificateMap } from '../../core/check';

/** The loader pulls in the certificate parsers: loaded only when a client certificate is configured. */
const core = () => require('../../core/check') as typeof import('../../core/check');
import type { ClientCertificateInput } from '../../core/probe';
import type { ClientCertificatePayload } from '../../protocol';
import type { Log } from '../output';
import { SECTION } from './settings';

const SECRET_PREFIX = 'devcertDoctor.pfxPassword:';

export class ClientCertificates {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {}

  /**
   * What the language server asks for before probing an mTLS endpoint. A background check never prompts
   * (a password box must not pop up on its own); a check the user asked for may ask once and remember it.
   * Undefined when nothing usable is configured.
   */
  async payloadFor(host: string, port: number, folderUri: string, interactive = false): Promise<ClientCertificatePayload | undefined> {
    const folder = folderUri ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri)) : undefined;
    const map = vscode.workspace.getConfiguration(SECTION, folder?.uri).get<ClientCertificateMap>('clientCertificates');
    if (!map || Object.keys(map).length === 0) return undefined;
    const found = core().findClientCertificateConfig(map, host, port);
    if (!found) return undefined;
    const baseDir = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const c = await this.load(found.key, found.entry, baseDir, interactive);
    if (!c) return undefined;
    return {
      pfxBase64: c.pfx?.toString('base64'), passphrase: c.passphrase,
      certPem: c.cert?.toString(), keyPem: c.key?.toString(), label: c.label,
      requestPath: found.entry.requestPath, forwardClientCertHeader: found.entry.forwardHeader,
    };
  }

  /** Remembers a password (the "Create client certificate…" command knows it already). */
  async rememberPassword(file: string, password: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + file, password);
  }

  private async load(key: string, entry: ClientCertificateEntry, baseDir: string, interactive: boolean): Promise<ClientCertificateInput | undefined> {
    const { loadClientCertificate, ClientCertificateError } = core();
    let asked: { file: string; password: string } | undefined;
    let usedStored = false;
    const getPassword = async (file: string) => {
      const stored = usedStored ? undefined : await this.secrets.get(SECRET_PREFIX + file);
      if (stored !== undefined) { usedStored = true; return stored; }
      if (!interactive) return undefined;
      const password = await vscode.window.showInputBox({
        title: vscode.l10n.t('Password for the client certificate {0}', file),
        prompt: vscode.l10n.t('Kept in VS Code\'s secret storage, used only to present this client certificate.'),
        password: true, ignoreFocusOut: true,
      });
      if (password !== undefined) asked = { file, password };
      return password;
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const input = await loadClientCertificate(entry, { baseDir, getPassword });
        if (asked) await this.rememberPassword(asked.file, asked.password);
        return input;
      } catch (err) {
        const e = err as InstanceType<typeof ClientCertificateError>;
        // A stored password that no longer opens the file (it was re-created): forget it, ask once more.
        if (e instanceof ClientCertificateError && e.reason === 'wrong-password' && usedStored && interactive && attempt === 0) {
          if (e.file) await this.secrets.delete(SECRET_PREFIX + e.file);
          continue;
        }
        if (e instanceof ClientCertificateError && e.reason === 'password-required' && !interactive) {
          this.log.info(`client certificate for ${key}: needs its password; run "DevCert: Check HTTPS endpoints now" to enter it`);
        } else {
          this.log.warn(`client certificate for ${key}: ${(err as Error).message}`);
        }
        return undefined;
      }
    }
    return undefined;
  }
}

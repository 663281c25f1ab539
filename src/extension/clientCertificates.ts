/**
 * `devcertDoctor.clientCertificates` (keyed by `host:port`, REST Client's convention) → the client
 * certificate the probe presents. PFX passwords are asked once and kept in SecretStorage, never in
 * settings; background checks never prompt (they skip a certificate whose password is not known yet).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import type { ClientCertificateInput } from '../core/probe/types';
import type { CheckTarget } from './engine';
import type { Log } from './log';
import { readSettings, type ClientCertificateSetting } from './settings';

const SECRET_PREFIX = 'devcertDoctor.pfxPassword:';

export class ClientCertificates {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {}

  /** Returns the targets with their configured client certificate (when one is configured and readable). */
  async attach(targets: CheckTarget[], folder: vscode.WorkspaceFolder | undefined, interactive: boolean): Promise<CheckTarget[]> {
    const configured = readSettings(folder?.uri).clientCertificates;
    if (!configured || Object.keys(configured).length === 0) return targets;
    return Promise.all(targets.map(async t => {
      const entry = lookup(configured, t);
      if (!entry) return t;
      try {
        const input = await this.load(entry, folder, interactive);
        if (!input) return t;
        return { ...t, clientCertificate: input, requestPath: entry.requestPath, forwardClientCertHeader: entry.forwardHeader };
      } catch (err) {
        this.log.warn(`client certificate for ${t.host}:${t.port}: ${(err as Error).message}`);
        return t;
      }
    }));
  }

  /** Remembers a PFX password (the "Create client certificate…" command knows it already). */
  async rememberPassword(pfxPath: string, password: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + pfxPath, password);
  }

  private async load(entry: ClientCertificateSetting, folder: vscode.WorkspaceFolder | undefined, interactive: boolean): Promise<ClientCertificateInput | undefined> {
    if (entry.pfx) {
      const file = resolvePath(entry.pfx, folder);
      const pfx = await fs.readFile(file);
      const passphrase = await this.passwordFor(file, pfx, interactive);
      if (passphrase === undefined) return undefined;
      return { pfx, passphrase, label: file };
    }
    if (entry.cert && entry.key) {
      const certFile = resolvePath(entry.cert, folder);
      const [cert, key] = await Promise.all([fs.readFile(certFile), fs.readFile(resolvePath(entry.key, folder))]);
      return { cert, key, label: certFile };
    }
    return undefined;
  }

  private async passwordFor(file: string, pfx: Buffer, interactive: boolean): Promise<string | undefined> {
    const key = SECRET_PREFIX + file;
    const stored = await this.secrets.get(key);
    if (stored !== undefined && opens(pfx, stored)) return stored;
    if (opens(pfx, '')) return '';
    if (!interactive) {
      this.log.info(`client certificate ${file} needs its password: run "DevCert: Check HTTPS endpoints now" to enter it`);
      return undefined;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const password = await vscode.window.showInputBox({
        title: vscode.l10n.t('Password for {0}', path.basename(file)),
        prompt: vscode.l10n.t('Kept in VS Code\'s secret storage, used only to present this client certificate.'),
        password: true, ignoreFocusOut: true,
        validateInput: v => opens(pfx, v) ? undefined : vscode.l10n.t('This password does not open the file.'),
      });
      if (password === undefined) return undefined;
      if (opens(pfx, password)) { await this.secrets.store(key, password); return password; }
    }
    return undefined;
  }
}

function lookup(configured: Record<string, ClientCertificateSetting>, t: CheckTarget): ClientCertificateSetting | undefined {
  const keys = [`${t.host}:${t.port}`, `${t.connectHost}:${t.port}`, `localhost:${t.port}`, `127.0.0.1:${t.port}`];
  for (const k of keys) if (configured[k]) return configured[k];
  return undefined;
}

function resolvePath(p: string, folder: vscode.WorkspaceFolder | undefined): string {
  const base = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const expanded = p.replace(/\$\{workspaceFolder\}/g, base).replace(/^~(?=\/|\\|$)/, process.env.HOME ?? '~');
  return path.isAbsolute(expanded) ? expanded : path.join(base, expanded);
}

/** Whether `passphrase` opens the PFX: Node's own parser, no second implementation. */
function opens(pfx: Buffer, passphrase: string): boolean {
  try { tls.createSecureContext({ pfx, passphrase }); return true; } catch { return false; }
}

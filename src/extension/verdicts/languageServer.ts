/**
 * When and how the language server runs, from the extension's side, and the typed way to ask it. It
 * starts when there is something for it to do (a folder holds a file discovery reads, the settings name
 * endpoints, such a file is opened, or a check or a launch needs it), never inside activate(). It is
 * the window's only source of verdicts: its notifications feed the VerdictStore.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { EndpointVerdict } from '../../core/check';
import type { CheckLaunchResult, FolderVerdicts } from '../../protocol';
import type { Log } from '../output';
import type { ClientCertificates } from '../settings';
import type { VerdictStore } from './verdictStore';

/** Every file discovery reads (the server's DISCOVERY_GLOBS in one brace pattern). */
export const DISCOVERY_GLOB = '**/{.vscode/launch.json,launchSettings.json,applicationhost.config,appsettings*.json,.env,.env.*,angular.json,vite.config.*,webpack.config.*,vue.config.*,package.json,nuxt.config.*,astro.config.*,svelte.config.*}';

/** vscode-languageclient is loaded when the server starts, not when the extension activates. */
const languageClient = () => require('./languageClient') as typeof import('./languageClient');

export class ServerUnavailableError extends Error {
  constructor() { super('the DevCert Doctor language server is not running (see "DevCert: Show log")'); }
}

export class LanguageServerHost implements vscode.Disposable {
  private client?: LanguageClient;
  private starting?: Promise<LanguageClient | undefined>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: VerdictStore,
    private readonly clientCerts: ClientCertificates,
    private readonly log: Log,
  ) {}

  get running(): boolean { return !!this.client; }

  /** Starts the server now if the workspace declares endpoints, else as soon as a declaring file is opened. */
  async startWhenNeeded(): Promise<void> {
    const fromSettings = (vscode.workspace.getConfiguration('devcertDoctor').get<string[]>('endpoints') ?? []).length > 0;
    const found = fromSettings ? [] : await vscode.workspace.findFiles(DISCOVERY_GLOB, '**/node_modules/**', 1);
    if (fromSettings || found.length) { void this.start(fromSettings ? 'settings declare endpoints' : 'workspace declares endpoints'); return; }
    const sub = vscode.workspace.onDidOpenTextDocument(doc => {
      if (doc.uri.scheme === 'file' && vscode.languages.match({ pattern: DISCOVERY_GLOB }, doc) > 0) {
        sub.dispose();
        void this.start(`opened ${vscode.workspace.asRelativePath(doc.uri)}`);
      }
    });
    this.subs.push(sub);
  }

  /** The running server, started now if it is not (shared by concurrent callers); undefined if it cannot start. */
  start(reason: string): Promise<LanguageClient | undefined> {
    this.starting ??= (async () => {
      const t0 = Date.now();
      try {
        const { startLanguageClient, onVerdicts, serveClientCertificates } = languageClient();
        const client = await startLanguageClient(this.context, this.log);
        this.subs.push(
          onVerdicts(client, fv => this.store.replaceFolder(fv.folder, fv.verdicts, fv.checking.length > 0, fv.trustStoreWarnings)),
          serveClientCertificates(client, p => this.clientCerts.payloadFor(p.host, p.port, p.folder, p.interactive === true)),
        );
        this.client = client;
        this.log.info(`language server running (${reason}) after ${Date.now() - t0} ms`);
        return client;
      } catch (err) {
        this.log.error(`language server did not start: ${(err as Error).message}`);
        return undefined;
      }
    })();
    return this.starting;
  }

  /** Re-discover and probe every folder (fresh handshakes, trust stores read again). */
  async checkNow(reason: string, interactive: boolean): Promise<FolderVerdicts[]> {
    const client = await this.need(reason);
    return (await languageClient().checkNow(client, { interactive })).folders;
  }

  /** Probe URLs through the server's cache. */
  async probe(urls: string[], maxAgeMs: number, reloadTrust: boolean, folder: string | undefined): Promise<EndpointVerdict[]> {
    const client = await this.need('probe');
    return languageClient().probe(client, { targets: urls.map(url => ({ url, folder })), maxAgeMs, reloadTrust });
  }

  /** Only when the server runs (nothing to look at otherwise). */
  lookAgain(reason: string): void {
    if (this.client) void languageClient().lookAgain(this.client, { reason }).catch(() => undefined);
  }

  /** The debug gate's question, in one round trip. */
  async checkLaunch(folder: string, configuration: Record<string, unknown>, maxAgeMs: number): Promise<CheckLaunchResult> {
    const client = await this.need('debug launch');
    return languageClient().checkLaunch(client, { folder, configuration, maxAgeMs });
  }

  private async need(reason: string): Promise<LanguageClient> {
    const client = this.client ?? await this.start(reason);
    if (!client) throw new ServerUnavailableError();
    return client;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    void this.client?.stop().catch(() => undefined);
  }
}

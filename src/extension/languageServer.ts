/**
 * When and how the language server runs, from the extension's side. It starts only when there is
 * something for it to do (a folder holds a file discovery reads, or such a file is opened), never in
 * activate(). Once it runs, it is the workspace's source of verdicts: the status bar follows its
 * notifications and "Check now" asks it, so the server's probe cache is the one cache.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { FolderVerdicts } from '../protocol';
import type { ClientCertificates } from './clientCertificates';
import type { Log } from './log';
import { DISCOVERY_GLOB } from './triggers';
import type { VerdictStore } from './verdictStore';

/** vscode-languageclient is loaded when the server starts, not when the extension activates. */
const languageClient = () => require('./languageClient') as typeof import('./languageClient');

export class LanguageServerHost implements vscode.Disposable {
  private client?: LanguageClient;
  private starting?: Promise<LanguageClient | undefined>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: VerdictStore,
    private readonly clientCerts: ClientCertificates,
    private readonly log: Log,
    /** Called once the server runs (the checker then routes workspace checks through it). */
    private readonly onStarted: (host: LanguageServerHost) => void,
  ) {}

  get running(): LanguageClient | undefined { return this.client; }

  /** Starts the server now if the workspace has files for it, else as soon as one is opened. */
  async startWhenNeeded(): Promise<void> {
    const found = await vscode.workspace.findFiles(DISCOVERY_GLOB, '**/node_modules/**', 1);
    if (found.length) { void this.start('workspace declares endpoints'); return; }
    const sub = vscode.workspace.onDidOpenTextDocument(doc => {
      if (doc.uri.scheme === 'file' && vscode.languages.match({ pattern: DISCOVERY_GLOB }, doc) > 0) {
        sub.dispose();
        void this.start(`opened ${vscode.workspace.asRelativePath(doc.uri)}`);
      }
    });
    this.subs.push(sub);
  }

  start(reason: string): Promise<LanguageClient | undefined> {
    this.starting ??= (async () => {
      const t0 = Date.now();
      try {
        const { startLanguageClient, onVerdicts, serveClientCertificates } = languageClient();
        const client = await startLanguageClient(this.context, this.log);
        this.subs.push(
          onVerdicts(client, fv => this.accept(fv)),
          serveClientCertificates(client, p => this.clientCerts.payloadFor(p.host, p.port, p.folder)),
        );
        this.client = client;
        this.onStarted(this);
        this.log.info(`language server running (${reason}) after ${Date.now() - t0} ms`);
        return client;
      } catch (err) {
        this.log.error(`language server did not start: ${(err as Error).message}; checks run in the extension instead`);
        return undefined;
      }
    })();
    return this.starting;
  }

  /** Re-discover and probe every folder through the server; undefined when it is not running. */
  async checkNow(): Promise<FolderVerdicts[] | undefined> {
    if (!this.client) return undefined;
    const result = await languageClient().checkNow(this.client, {});
    return result.folders;
  }

  private accept(fv: FolderVerdicts): void {
    this.store.replaceFolder(fv.folder, fv.verdicts, fv.checking.length > 0);
    // From the server's first answer on, it is the workspace's source: drop what the extension's own
    // startup check reported (anything the server also declares stays, under the folder's name).
    if (!this.tookOver) { this.tookOver = true; this.store.replaceWorkspace([]); }
  }
  private tookOver = false;

  dispose(): void {
    for (const s of this.subs) s.dispose();
    void this.client?.stop().catch(() => undefined);
  }
}

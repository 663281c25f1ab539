/**
 * A real LSP session with the language server: the server runs as its own Node process over IPC (what
 * vscode-languageclient does), started from the TypeScript sources through esbuild-register, and this
 * side speaks the protocol with vscode-languageserver-protocol's connection. It answers the requests a
 * client must answer (configuration, workspace folders, capability registration, client certificates)
 * and records every notification the server sends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, IPCMessageReader, IPCMessageWriter,
  type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { ClientCertificateParams, ClientCertificatePayload, FolderVerdicts, InitializationOptions } from '../../src/protocol';
import { makeCert, type CertFiles } from './openssl';
import { makeTempDir } from './sandbox';

const REPO = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(REPO, 'dist', 'server.js');

export interface SessionOptions {
  folders: string[];
  initializationOptions?: InitializationOptions;
  /** What `workspace/configuration` answers for section devcertDoctor (VS Code's nested shape). */
  configuration?: Record<string, unknown>;
  /** A client with none of the optional capabilities (no configuration pull, no folder events, no registration). */
  bareCapabilities?: boolean;
  /** Run the bundle the extension ships (dist/server.js, from `npm run build`) instead of the sources. */
  bundled?: boolean;
  /** Extra environment for the server process. */
  env?: NodeJS.ProcessEnv;
}

export class LspSession {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly verdicts: FolderVerdicts[] = [];
  readonly logs: string[] = [];
  /** What the client answers to devcertDoctor/clientCertificate, by port; and what it was asked. */
  readonly clientCertificates = new Map<number, ClientCertificatePayload>();
  readonly clientCertificateAsks: ClientCertificateParams[] = [];
  configuration: Record<string, unknown>;
  /** A slow client: workspace/configuration answers after this long. */
  configurationDelayMs = 0;
  private waiters: Array<() => void> = [];
  private version = new Map<string, number>();

  private constructor(readonly connection: ProtocolConnection, readonly child: ChildProcess, options: SessionOptions) {
    this.configuration = options.configuration ?? {};
  }

  static async start(options: SessionOptions): Promise<LspSession> {
    const entry = options.bundled ? [BUNDLE] : ['-r', 'esbuild-register', path.join(REPO, 'src/server/server.ts')];
    const child = spawn(process.execPath, [...entry, '--node-ipc'], {
      cwd: REPO, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ...options.env },
    });
    let stderr = '';
    child.stderr!.on('data', d => { stderr += d; });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const session = new LspSession(connection, child, options);
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      session.diagnostics.set(p.uri, p.diagnostics);
      session.wake();
    });
    connection.onNotification('devcertDoctor/verdicts', (v: FolderVerdicts) => { session.verdicts.push(v); session.wake(); });
    connection.onNotification('window/logMessage', (m: { message: string }) => { session.logs.push(m.message); });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/workspaceFolders', () => options.folders.map(f => ({ uri: uri(f), name: path.basename(f) })));
    connection.onRequest('workspace/configuration', async (p: { items: unknown[] }) => {
      const answer = p.items.map(() => session.configuration);
      if (session.configurationDelayMs) await new Promise(r => setTimeout(r, session.configurationDelayMs));
      return answer;
    });
    connection.onRequest('devcertDoctor/clientCertificate', (p: ClientCertificateParams) => {
      session.clientCertificateAsks.push(p);
      return session.clientCertificates.get(p.port) ?? null;
    });
    connection.listen();
    child.on('exit', code => { if (code) session.logs.push(`server exited ${code}: ${stderr}`); });
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: options.folders.map(f => ({ uri: uri(f), name: path.basename(f) })),
      initializationOptions: options.initializationOptions ?? {},
      capabilities: options.bareCapabilities ? {} : {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown'] } },
      },
    });
    await connection.sendNotification('initialized', {});
    return session;
  }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }

  /** Resolves with the first value `probe` returns that is not undefined, re-checked on each notification. */
  waitFor<T>(probe: () => T | undefined, timeoutMs = 8000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiters = this.waiters.filter(w => w !== check); reject(new Error(`timed out waiting for ${what}; logs:\n${this.logs.join('\n')}`)); }, timeoutMs);
      const check = () => {
        let v: T | undefined;
        try { v = probe(); } catch (err) { clearTimeout(timer); reject(err); return; }
        if (v !== undefined) { clearTimeout(timer); resolve(v); } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Waits until the diagnostics of `file` satisfy `pred`; returns them. */
  waitForDiagnostics(file: string, pred: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]> {
    const u = uri(file);
    return this.waitFor(() => { const d = this.diagnostics.get(u); return d && pred(d) ? d : undefined; }, timeoutMs, `diagnostics on ${path.basename(file)}`);
  }

  open(file: string, text: string, languageId = 'json'): Promise<void> {
    this.version.set(file, 1);
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId, version: 1, text } });
  }

  change(file: string, text: string): Promise<void> {
    const v = (this.version.get(file) ?? 1) + 1;
    this.version.set(file, v);
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: v }, contentChanges: [{ text }] });
  }

  close(file: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(file) } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise(r => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch { /* the process may be gone already */ }
    await new Promise<void>(res => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return res();
      const t = setTimeout(() => { this.child.kill('SIGKILL'); }, 2000);
      this.child.on('exit', () => { clearTimeout(t); res(); });
    });
    this.connection.dispose();
  }
}

export function uri(file: string): string { return pathToFileURL(file).href; }

/** The text a 0-based LSP range covers. */
export function slice(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  const parts = [lines[range.start.line].slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l]);
  parts.push(lines[range.end.line].slice(0, range.end.character));
  return parts.join('\n');
}

/**
 * Mocha hooks for a suite of LSP sessions: a temporary folder with a self-signed localhost certificate,
 * workspace folders made in it, and every session and server a test registers ended after that test.
 */
export function lspTestBed(prefix: string) {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  const bed = {
    cert: undefined as unknown as CertFiles,
    cleanups: [] as Array<() => Promise<void> | void>,
    folder(name: string): string {
      const dir = path.join(tmp!.dir, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    async session(opts: SessionOptions): Promise<LspSession> {
      const s = await LspSession.start(opts);
      bed.cleanups.push(() => s.stop());
      return s;
    },
  };
  before(() => {
    tmp = makeTempDir(prefix);
    bed.cert = makeCert(tmp.dir, 'selfsigned', { cn: 'localhost' });
  });
  afterEach(async () => { while (bed.cleanups.length) await bed.cleanups.pop()!(); });
  after(() => tmp?.cleanup());
  return bed;
}

/**
 * The LSP plumbing: capabilities, document sync, watched files, configuration, and the custom messages
 * of src/protocol.ts, all forwarded to `Workspace`. Every handler is guarded: a bad message or a bug in
 * one handler is logged, never allowed to take the server down.
 */
import {
  CodeActionKind, DidChangeConfigurationNotification, ErrorCodes, FileChangeType, ResponseError, TextDocumentSyncKind, TextDocuments,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type DeclaredEndpoint, normalizeEndpointUrl } from '../core/endpoints';
import { displayText } from '../core/io';
import type { CheckLaunchParams, CheckNowParams, InitializationOptions, ProbeParams, ServerSettings, VerdictsForParams } from '../protocol';
import { codeActionsFor } from './codeActions';
import { hoverAt } from './hover';
import { checkLaunchType, checkNowType, clientCertificateType, lookAgainType, probeType, verdictsForType, verdictsType } from './protocolTypes';
import { normalizeSettings } from './settings';
import { warmUpTrustAnchors } from '../core/check';
import { Workspace, defaultCertificateUsers, type WorkspaceOptions } from './workspace';

const SECTION = 'devcertDoctor';
const SETTINGS_WAIT_MS = 2000;
/** Typing in a config file re-parses after this pause, not on every keystroke. */
const EDIT_DEBOUNCE_MS = 150;

export function startLanguageServer(connection: Connection, options: Omit<WorkspaceOptions, 'remoteName'> = {}): void {
  const documents = new TextDocuments(TextDocument);
  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    if (level === 'error') connection.console.error(message);
    else if (level === 'warn') connection.console.warn(message);
    else connection.console.info(message);
  };
  const guard = <A extends unknown[]>(name: string, fn: (...a: A) => unknown) => (...a: A): void => {
    try {
      const r = fn(...a);
      if (r instanceof Promise) r.catch(err => log('error', `${name}: ${(err as Error)?.stack ?? err}`));
    } catch (err) {
      log('error', `${name}: ${(err as Error)?.stack ?? err}`);
    }
  };

  let workspace!: Workspace;
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;
  let canWatchFolders = false;
  let initialSettings: ServerSettings;
  // Documents that arrive before the client's settings are read wait for them (bounded), so the first
  // probe already uses the user's timeout and client certificates instead of probing twice.
  let settingsRead!: () => void;
  const ready = Promise.race([
    new Promise<void>(res => { settingsRead = res; }),
    new Promise<void>(res => setTimeout(res, SETTINGS_WAIT_MS)),
  ]);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    const remoteName = typeof init.remoteName === 'string' && init.remoteName ? init.remoteName : undefined;
    initialSettings = normalizeSettings(init.settings);
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    canRegisterConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    canWatchFolders = !!params.capabilities.workspace?.workspaceFolders;
    workspace = new Workspace({
      publishDiagnostics: (uri, diagnostics) => { void connection.sendDiagnostics({ uri, diagnostics }); },
      notifyVerdicts: v => { void connection.sendNotification(verdictsType, v); },
      log,
      clientCertificate: p => connection.sendRequest(clientCertificateType, p),
    }, { ...options, remoteName });
    workspace.setInitialSettings(initialSettings);
    if (!options.check) warmUpTrustAnchors(warnings => { for (const w of warnings) log('warn', displayText(`trust store: ${w}`)); });
    const folders = params.workspaceFolders?.map(f => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'DevCert Doctor' },
    };
  });

  connection.onInitialized(guard('initialized', async () => {
    // Each optional client feature is set up on its own: one the client lacks must not stop the rest.
    if (canRegisterConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SECTION })
        .catch(err => log('warn', `configuration change registration failed: ${(err as Error).message}`));
    }
    if (canPullConfiguration) await pullSettings().catch(err => log('warn', `settings could not be read: ${(err as Error).message}`));
    settingsRead();
    if (canWatchFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(guard('workspaceFolders', async () => {
        const folders = await connection.workspace.getWorkspaceFolders();
        workspace.setFolders(folders?.map(f => f.uri) ?? []);
        await workspace.start();
      }));
    }
    await workspace.start();
  }));

  /** The pull model: one global read plus one per folder (`devcertDoctor.endpoints` may differ per folder). */
  async function pullSettings(): Promise<void> {
    const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
    const items = [{ section: SECTION }, ...folders.map(f => ({ section: SECTION, scopeUri: f.uri }))];
    const values: unknown[] = await connection.workspace.getConfiguration(items);
    const global = normalizeSettings(values[0], initialSettings);
    const perFolder = new Map<string, Partial<ServerSettings>>();
    folders.forEach((f, i) => perFolder.set(f.uri, normalizeSettings(values[i + 1], global)));
    workspace.applySettings(global, perFolder);
  }

  // A request that follows a settings change (the user set an endpoint, then asked for a check) must
  // see the new settings: requests wait for the pull the change started.
  let settingsPull: Promise<unknown> = Promise.resolve();
  connection.onDidChangeConfiguration(guard('configuration', async (change: { settings?: unknown }) => {
    if (canPullConfiguration) { settingsPull = pullSettings(); await settingsPull; return; }
    // Push model (older clients): the payload carries the section itself.
    const pushed = (change.settings as Record<string, unknown> | null | undefined)?.[SECTION];
    if (pushed !== undefined) workspace.applySettings(normalizeSettings(pushed, initialSettings));
  }));

  const editTimers = new Map<string, NodeJS.Timeout>();
  const justOpened = new Set<string>();
  documents.onDidOpen((e: { document: TextDocument }) => { justOpened.add(e.document.uri); });
  documents.onDidChangeContent(guard('didChange', (e: { document: TextDocument }) => {
    const { uri } = e.document;
    clearTimeout(editTimers.get(uri));
    // Opening a file shows its diagnostics at once; typing waits for a pause.
    const run = async () => {
      editTimers.delete(uri);
      await ready;
      const doc = documents.get(uri);
      if (doc) await workspace.documentChanged(uri, doc.getText());
    };
    if (justOpened.delete(uri)) return run();
    editTimers.set(uri, setTimeout(guard('reparse', run), EDIT_DEBOUNCE_MS));
    return undefined;
  }));
  documents.onDidClose(guard('didClose', (e: { document: TextDocument }) => {
    justOpened.delete(e.document.uri);
    clearTimeout(editTimers.get(e.document.uri));
    editTimers.delete(e.document.uri);
    return ready.then(() => workspace.documentClosed(e.document.uri));
  }));

  connection.onNotification(lookAgainType, guard('lookAgain', (p: { reason?: unknown } | undefined) => {
    workspace.lookAgain(typeof p?.reason === 'string' ? p.reason.slice(0, 200) : 'asked');
  }));

  connection.onDidChangeWatchedFiles(guard('watchedFiles', (p: { changes: Array<{ uri: string; type: number }> }) => {
    workspace.filesChanged(p.changes.map(c => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted })));
  }));

  connection.onHover(params => {
    try {
      const hit = workspace.fileView(params.textDocument.uri);
      if (!hit) return null;
      return hoverAt(hit.view.file, hit.view.parse, params.position, {
        folder: hit.state.uri,
        remoteName: workspace.remoteName,
        verdictFor: e => workspace.latest(e)?.verdict,
        checkedAt: e => workspace.latest(e)?.at,
        isChecking: e => workspace.isChecking(e),
        nextLookAt: e => workspace.nextLookAt(e),
        usersOfDefault: c => defaultCertificateUsers(hit.state.endpoints(), c.source.file),
      });
    } catch (err) {
      log('error', `hover: ${(err as Error).stack}`);
      return null;
    }
  });

  connection.onCodeAction(params => {
    try { return codeActionsFor(params); } catch (err) { log('error', `codeAction: ${(err as Error).stack}`); return []; }
  });

  const settled = () => Promise.all([ready, settingsPull.catch(() => undefined)]);
  connection.onRequest(checkNowType, async (params: CheckNowParams | undefined) => (await settled(), {
    folders: await workspace.checkNow(typeof params?.folder === 'string' ? params.folder : undefined, params?.interactive === true),
  }));
  connection.onRequest(verdictsForType, (params: VerdictsForParams | undefined) => {
    if (typeof params?.folder !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'folder (a URI string) is required');
    return workspace.verdictsFor(params.folder);
  });
  connection.onRequest(probeType, async (params: ProbeParams | undefined) => {
    const targets = Array.isArray(params?.targets) ? params.targets : [];
    const endpoints: DeclaredEndpoint[] = targets.map((t: ProbeParams['targets'][number] | undefined, i: number) => {
      const n = typeof t?.url === 'string' ? normalizeEndpointUrl(t.url) : undefined;
      if (!n) throw new ResponseError(ErrorCodes.InvalidParams, `targets[${i}].url is not a literal https URL`);
      // Probes stay on this machine: a URL from a quick fix or a setting never makes the server connect elsewhere.
      if (!n.loopback) throw new ResponseError(ErrorCodes.InvalidParams, `targets[${i}].url is not a localhost URL`);
      return { ...n, sources: [], certificates: [] };
    });
    const maxAgeMs = typeof params?.maxAgeMs === 'number' && params!.maxAgeMs >= 0 ? params!.maxAgeMs : undefined;
    await settled();
    return workspace.probeEndpoints(endpoints, maxAgeMs, targets[0]?.folder ?? '', params?.reloadTrust === true);
  });
  connection.onRequest(checkLaunchType, async (params: CheckLaunchParams | undefined) => {
    const configuration = params?.configuration;
    if (!configuration || typeof configuration !== 'object') throw new ResponseError(ErrorCodes.InvalidParams, 'configuration (an object) is required');
    const maxAgeMs = typeof params.maxAgeMs === 'number' && params.maxAgeMs >= 0 ? params.maxAgeMs : 0;
    await settled();
    return workspace.checkLaunch(typeof params.folder === 'string' ? params.folder : '', configuration, maxAgeMs);
  });

  connection.onShutdown(() => workspace?.dispose());
  documents.listen(connection);
  connection.listen();
}

/**
 * The thin client side of the language server (vscode-eslint's shape): start dist/server.js over IPC,
 * hand it the documents and file events it reads, and give the rest of the extension typed helpers for
 * the custom messages in `src/protocol.ts`. No logic lives here; the server owns discovery and probing.
 */
import * as vscode from 'vscode';
import {
  LanguageClient, NotificationType, RequestType, TransportKind,
  type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import {
  COMMANDS, CheckLaunchRequest, CheckNowRequest, ClientCertificateRequest, DEFAULT_SERVER_SETTINGS, DIAGNOSTIC_SOURCE, DISCOVERY_GLOBS, LANGUAGE_CLIENT_ID,
  LookAgainNotification, ProbeRequest, VerdictsNotification,
  type CheckLaunchParams, type CheckLaunchResult, type CheckNowParams, type CheckNowResult, type ClientCertificateParams, type ClientCertificatePayload, type FolderVerdicts, type InitializationOptions,
  type LookAgainParams, type NotificationSpec, type ProbeParams, type RequestSpec, type ServerSettings,
} from '../../protocol';
import type { EndpointVerdict } from '../../core/check';

// Built from this side's copy of vscode-jsonrpc (see the note at the top of protocol.ts).
function requestType<P, R>(spec: RequestSpec<P, R>): RequestType<P, R, void> { return new RequestType<P, R, void>(spec.method); }
function notificationType<P>(spec: NotificationSpec<P>): NotificationType<P> { return new NotificationType<P>(spec.method); }

/** The settings the server starts with; later changes reach it through workspace/configuration. */
export function readServerSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const c = vscode.workspace.getConfiguration('devcertDoctor', scope);
  return {
    timeoutMs: c.get<number>('timeoutMs', DEFAULT_SERVER_SETTINGS.timeoutMs),
    expiringSoonDays: c.get<number>('expiringSoonDays', DEFAULT_SERVER_SETTINGS.expiringSoonDays),
    diagnosticsEnable: c.get<boolean>('diagnostics.enable', DEFAULT_SERVER_SETTINGS.diagnosticsEnable),
    endpoints: c.get<string[]>('endpoints', DEFAULT_SERVER_SETTINGS.endpoints),
    clientCertificates: c.get('clientCertificates', DEFAULT_SERVER_SETTINGS.clientCertificates),
  };
}

export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // One watcher per glob: the client forwards their events as workspace/didChangeWatchedFiles, which is how
  // the server learns about files edited outside the editor (git checkout, dotnet dev-certs rewriting config).
  // A deleted folder reports only itself, not the declaring files inside it: every deletion is forwarded
  // (the server re-discovers the folder it was in, debounced), so a removed project's endpoints go too.
  const watchers = [
    ...DISCOVERY_GLOBS.map(g => vscode.workspace.createFileSystemWatcher(g)),
    vscode.workspace.createFileSystemWatcher('**/*', true, true, false),
  ];
  context.subscriptions.push(...watchers);
  const initializationOptions: InitializationOptions = {
    remoteName: vscode.env.remoteName,
    settings: readServerSettings(),
  };
  const clientOptions: LanguageClientOptions = {
    // By pattern, not language: applicationhost.config and .env have no reliable language id.
    documentSelector: DISCOVERY_GLOBS.map(pattern => ({ scheme: 'file', pattern })),
    synchronize: { fileEvents: watchers },
    initializationOptions,
    outputChannel: log,
    diagnosticCollectionName: DIAGNOSTIC_SOURCE,
    // Hovers link to the fix commands; trust exactly those, not arbitrary command URIs.
    markdown: { isTrusted: { enabledCommands: Object.values(COMMANDS) }, supportThemeIcons: true },
  };
  const client = new LanguageClient(LANGUAGE_CLIENT_ID, 'DevCert Doctor Language Server', serverOptions, clientOptions);
  await client.start();
  log.info(`language server started (${module})`);
  return client;
}

// ---------------------------------------------------------------------------------------------
// Typed helpers for the custom messages.

/** Re-discover and probe now, bypassing the cache. */
export function checkNow(client: LanguageClient, params: CheckNowParams = {}): Promise<CheckNowResult> {
  return client.sendRequest(requestType(CheckNowRequest), params);
}

/** Probe given URLs through the server's cache (shares handshakes already in flight). */
export function probe(client: LanguageClient, params: ProbeParams): Promise<EndpointVerdict[]> {
  return client.sendRequest(requestType(ProbeRequest), params);
}

/** The debug gate's question: a launch configuration's endpoints and its folder's, probed in one round trip. */
export function checkLaunch(client: LanguageClient, params: CheckLaunchParams): Promise<CheckLaunchResult> {
  return client.sendRequest(requestType(CheckLaunchRequest), params);
}

/** Something outside the files changed what is served: the server looks again. */
export function lookAgain(client: LanguageClient, params: LookAgainParams): Promise<void> {
  return client.sendNotification(notificationType(LookAgainNotification), params);
}

/** Called with every folder's new state (verdicts, endpoints, in-flight checks). */
export function onVerdicts(client: LanguageClient, handler: (v: FolderVerdicts) => void): vscode.Disposable {
  return client.onNotification(notificationType(VerdictsNotification), handler);
}

/**
 * Answers the server's `devcertDoctor/clientCertificate` requests (mTLS endpoints). `resolve` must not
 * prompt: background checks never ask for a password; return undefined to probe without a certificate.
 */
export function serveClientCertificates(
  client: LanguageClient,
  resolve: (p: ClientCertificateParams) => Promise<ClientCertificatePayload | undefined>,
): vscode.Disposable {
  return client.onRequest(requestType(ClientCertificateRequest), async (p: ClientCertificateParams) => (await resolve(p)) ?? null);
}

/**
 * Every custom message between the extension (client) and the language server, declared once.
 *
 * Why descriptors and not `new RequestType(...)` here: the client and the server bundle different
 * copies of vscode-jsonrpc (vscode-languageclient 11 pins jsonrpc 10, vscode-languageserver 10 uses 9),
 * and jsonrpc compares `ParameterStructures` by object identity. A RequestType built from one copy and
 * sent through the other throws "Unknown parameter structure". So this file holds only method names
 * and payload types (no runtime dependency on either library); each side turns a descriptor into its
 * own library's RequestType/NotificationType (see `src/extension/languageClient.ts` and
 * `src/server/protocolTypes.ts`).
 *
 * Folders and files travel as URIs (`file:///...`), as LSP does everywhere else.
 */
import { type ClientCertificateEntry, DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS, type EndpointVerdict, type FixId, type ProblemCode } from './core/check';
import type { DeclaredEndpoint, DiscoveryWarning } from './core/endpoints';

/** Client id: VS Code reads `devcertDoctor.trace.server` for the LSP trace because of it. */
export const LANGUAGE_CLIENT_ID = 'devcertDoctor';
/** `Diagnostic.source` of everything the server publishes. */
export const DIAGNOSTIC_SOURCE = 'DevCert Doctor';

// ---------------------------------------------------------------------------------------------
// Message descriptors

/** A request `P → R`. The phantom fields only carry types; they are never set. */
export interface RequestSpec<P, R> { readonly method: string; readonly _params?: P; readonly _result?: R }
/** A notification carrying `P`. */
export interface NotificationSpec<P> { readonly method: string; readonly _params?: P }

function request<P, R>(method: string): RequestSpec<P, R> { return { method }; }
function notification<P>(method: string): NotificationSpec<P> { return { method }; }

// ---------------------------------------------------------------------------------------------
// Settings and initialization

/**
 * One value of `devcertDoctor.clientCertificates` (keyed by `host:port`, REST Client's convention): the
 * core's entry type. The server only uses the keys, to know which endpoints expect a client certificate;
 * the certificate itself (and its password, kept in SecretStorage) comes from the client through
 * `ClientCertificateRequest`.
 */
export type ClientCertificateSetting = ClientCertificateEntry;

/** The settings the server acts on (section `devcertDoctor`). Missing fields take these defaults. */
export interface ServerSettings {
  /** `devcertDoctor.timeoutMs`: handshake timeout per endpoint. */
  timeoutMs: number;
  /** `devcertDoctor.expiringSoonDays`: below this many days left, `expiring-soon`. */
  expiringSoonDays: number;
  /** `devcertDoctor.diagnostics.enable`: false → the server publishes no diagnostics (it still probes). */
  diagnosticsEnable: boolean;
  /** `devcertDoctor.endpoints`: extra `https://host:port` URLs to check in every folder. */
  endpoints: string[];
  /** `devcertDoctor.clientCertificates`, keyed by `host:port`. */
  clientCertificates: Record<string, ClientCertificateSetting>;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  timeoutMs: DEFAULT_TIMEOUT_MS,
  expiringSoonDays: DEFAULT_EXPIRING_SOON_DAYS,
  diagnosticsEnable: true,
  endpoints: [],
  clientCertificates: {},
};

/** `initialize.initializationOptions`. */
export interface InitializationOptions {
  /** `vscode.env.remoteName` (`ssh-remote`, `wsl`, `dev-container`, `codespaces`…), absent when local. */
  remoteName?: string;
  settings?: Partial<ServerSettings>;
}

// After start, settings follow `workspace/didChangeConfiguration` with `{ settings: { devcertDoctor: {...} } }`
// in the shape VS Code's configuration has (nested `diagnostics.enable`), as `synchronize.configurationSection` sends it.

// ---------------------------------------------------------------------------------------------
// What the server knows about a workspace folder

export interface FolderVerdicts {
  /** Workspace folder URI. */
  folder: string;
  /** Everything declared in the folder (open editors' unsaved text included) plus `devcertDoctor.endpoints`. */
  endpoints: DeclaredEndpoint[];
  /** The latest verdict per probed endpoint (loopback only), in `endpoints` order. */
  verdicts: EndpointVerdict[];
  /** URLs with a probe in flight right now (the status bar shows "checking"). */
  checking: string[];
  /** Files discovery could not read (also published as diagnostics). */
  warnings: DiscoveryWarning[];
  /** When the newest verdict in `verdicts` was taken (ISO 8601); null before the first probe. */
  checkedAt: string | null;
  /** What reading the trust stores found wrong (the same for every folder); absent when nothing. */
  trustStoreWarnings?: string[];
}

// ---------------------------------------------------------------------------------------------
// Requests (client → server)

export interface CheckNowParams {
  /** Only this workspace folder (URI); every folder when absent. */
  folder?: string;
  /** The user asked (a command): the client may prompt for a client certificate's password. */
  interactive?: boolean;
}
export interface CheckNowResult { folders: FolderVerdicts[] }
/** Re-discover and probe now, ignoring the cache (the "Check HTTPS endpoints now" command, window focus). */
export const CheckNowRequest = request<CheckNowParams, CheckNowResult>('devcertDoctor/checkNow');

export interface VerdictsForParams { folder: string }
/** What the server holds for a folder, without probing. Null for unknown folders. */
export const VerdictsForRequest = request<VerdictsForParams, FolderVerdicts | null>('devcertDoctor/verdictsFor');

export interface ProbeTarget {
  /** `https://host:port`; host and port are read from it. */
  url: string;
  /** The workspace folder it belongs to (for client certificates); optional. */
  folder?: string;
}
export interface ProbeParams {
  targets: ProbeTarget[];
  /** Reuse a cached verdict younger than this (ms); 0 forces a fresh handshake. Default: the cache's TTL. */
  maxAgeMs?: number;
  /** Read the trust stores again first (right after a repair changed them). */
  reloadTrust?: boolean;
}
/**
 * Probe given endpoints through the server's cache (a repair's re-probe, the port watcher, a quick fix
 * for a URL), so a handshake already in flight is shared and every view (diagnostics, status bar) is
 * updated from the same answer. Verdicts come back in `targets` order.
 */
export const ProbeRequest = request<ProbeParams, EndpointVerdict[]>('devcertDoctor/probe');

export interface CheckLaunchParams {
  /** The workspace folder the launch runs in (URI); '' when none. */
  folder: string;
  /** The launch configuration after variable substitution, as the debug gate receives it. */
  configuration: Record<string, unknown>;
  /** Reuse a verdict younger than this (ms): a compound launch's configurations share one probe. */
  maxAgeMs: number;
}
export interface CheckLaunchResult {
  /**
   * The endpoints this launch uses (loopback only): its own url/env/args/serverReadyAction and the
   * launchSettings profile it names; the folder's declared endpoints only when it names none.
   */
  verdicts: EndpointVerdict[];
  /**
   * For endpoints that are not listening yet: the verdict on the certificate their configuration says
   * they will serve (judged from the file), when it names one.
   */
  declared: EndpointVerdict[];
}
/**
 * The debug gate's one question: the endpoints of this launch configuration (url, ASPNETCORE_URLS,
 * --urls, serverReadyAction, launchSettings profile) — the folder's only when it names none —
 * probed through the server's cache, in one round trip.
 */
export const CheckLaunchRequest = request<CheckLaunchParams, CheckLaunchResult>('devcertDoctor/checkLaunch');

export interface LookAgainParams { reason: string }
/**
 * Client → server: something outside the files changed what is served (a debug session started or
 * stopped). Listening endpoints get fresh handshakes; silent ones are looked at from the shortest pause.
 */
export const LookAgainNotification = notification<LookAgainParams>('devcertDoctor/lookAgain');

// ---------------------------------------------------------------------------------------------
// Requests (server → client)

export interface ClientCertificateParams {
  url: string;
  host: string;
  port: number;
  /** Workspace folder URI ('' outside every folder): relative paths in settings resolve against it. */
  folder: string;
  /** The user is waiting on this check (a command): the client may ask for a missing password. */
  interactive?: boolean;
}
/** A client certificate as Node's `tls` takes it; binary travels as base64. */
export interface ClientCertificatePayload {
  pfxBase64?: string;
  passphrase?: string;
  certPem?: string;
  keyPem?: string;
  /** Where it came from, for messages (never the password). */
  label?: string;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
}
/**
 * Asked before probing an endpoint that has a `devcertDoctor.clientCertificates` entry, so the server's
 * verdict for an mTLS endpoint matches the extension's. The client answers without prompting (null when
 * the password is not known yet); the server then probes without a certificate.
 */
export const ClientCertificateRequest = request<ClientCertificateParams, ClientCertificatePayload | null>('devcertDoctor/clientCertificate');

// ---------------------------------------------------------------------------------------------
// Notifications (server → client)

/** Sent whenever a folder's endpoints, verdicts or in-flight set change: feeds the status bar and the gate. */
export const VerdictsNotification = notification<FolderVerdicts>('devcertDoctor/verdicts');

// ---------------------------------------------------------------------------------------------
// Commands the server's code actions and hover links invoke. The extension registers them.

export const COMMANDS = {
  /** Arguments: one `RunFixArgs`. Without arguments (palette) the extension asks which endpoint and fix. */
  repair: 'devcertDoctor.repair',
  /** Arguments: none. Sends `CheckNowRequest`. */
  checkNow: 'devcertDoctor.checkNow',
  /** Arguments: one `ShowCertificateArgs`. */
  showCertificate: 'devcertDoctor.showCertificate',
} as const;

/** What a quick fix passes to `devcertDoctor.repair`. */
export interface RunFixArgs {
  fix: FixId;
  url: string;
  port: number;
  /** Workspace folder URI the endpoint was declared in ('' when the file is outside every folder). */
  folder: string;
  /** The file (URI) whose diagnostic offered the fix. */
  file?: string;
}

export interface ShowCertificateArgs { url: string; folder: string }

/** `Diagnostic.data` on every endpoint diagnostic: what a code action needs, no second lookup. */
export interface EndpointDiagnosticData {
  url: string;
  port: number;
  folder: string;
  code: ProblemCode;
  fixes: FixId[];
}

// ---------------------------------------------------------------------------------------------
// Files the server reads. The client syncs these documents and watches these globs.

/**
 * Glob patterns of every file discovery reads (src/core/endpoints/walk.ts `classifyFile` decides exactly;
 * these may match a little more, never less).
 */
export const DISCOVERY_GLOBS: readonly string[] = [
  '**/.vscode/launch.json',
  '**/launchSettings.json',
  '**/applicationhost.config',
  '**/appsettings*.json',
  '**/.env',
  '**/.env.local',
  '**/.env.development',
  '**/.env.development.local',
  '**/angular.json',
  '**/vite.config.{js,mjs,cjs,ts,mts,cts}',
  '**/webpack*.{js,mjs,cjs,ts}',
  '**/vue.config.{js,mjs,cjs,ts}',
  '**/package.json',
  '**/nuxt.config.{js,mjs,cjs,ts,mts}',
  '**/astro.config.{js,mjs,cjs,ts,mts}',
  '**/svelte.config.{js,mjs,cjs,ts}',
];

/**
 * The language server's state and its one loop: something changed (a document, a file on disk, the
 * settings, a timer) → re-read what is declared → render diagnostics from the verdicts already known →
 * probe what is stale → render again. Rendering is a function of the current state, so the order in
 * which probes finish never matters. No LSP plumbing here: outputs go through `WorkspaceOutputs`.
 */
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { checkTargets, findClientCertificateConfig, judgeDeclaredCertificate, trustStoreWarnings, type CheckFn, type CheckSettings, type EndpointVerdict, type ProbeTarget } from '../core/check';
import { DEFAULT_MAX_FILE_BYTES, endpointsFromLaunchConfiguration, mergeEndpoints, readContainedText, type DeclaredEndpoint } from '../core/endpoints';
import type { ClientCertificateInput } from '../core/probe';
import {
  DEFAULT_SERVER_SETTINGS,
  type CheckLaunchResult, type ClientCertificateParams, type ClientCertificatePayload, type FolderVerdicts, type ServerSettings,
} from '../protocol';
import { fileDiagnostics } from './diagnostics';
import { discoverFolder, parserFor } from './discovery';
import { FolderState, type FileView } from './folderState';
import { CertificateFileWatch } from './certificateFileWatch';
import { DEFAULT_TTL_MS, ProbeCache, listenerKey } from './probeCache';
import { DEFAULT_BACKOFF, ReprobeScheduler, type BackoffOptions } from './reprobe';
import { isInside, uriToPath } from './uris';

export interface WorkspaceOutputs {
  publishDiagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void;
  notifyVerdicts(v: FolderVerdicts): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Ask the client for an endpoint's client certificate; null/undefined when it has none (or cannot answer). */
  clientCertificate?(p: ClientCertificateParams): Promise<ClientCertificatePayload | null | undefined>;
}

export interface WorkspaceOptions {
  remoteName?: string;
  check?: CheckFn;
  ttlMs?: number;
  backoff?: BackoffOptions;
  /** Handshakes at once per batch. */
  concurrency?: number;
  /** The slow poll of listening endpoints (ms): a certificate changed by means nobody reports shows within it. */
  pollMs?: number;
}

/** Listening endpoints are looked at again this often, whatever else happens. */
export const DEFAULT_POLL_MS = 60_000;
/** After a certificate file changed, looks again at once and once more a moment later (a server reloading it). */
const CERT_CHANGE_SECOND_LOOK_MS = 3_000;

const DISCOVERY_DEBOUNCE_MS = 300;
const CLIENT_CERT_TIMEOUT_MS = 2000;

export class Workspace {
  private readonly folders = new Map<string, FolderState>();
  /** Open documents outside every workspace folder still get diagnostics. */
  private readonly orphan = new FolderState('', undefined);
  private readonly cache: ProbeCache;
  private readonly reprobe: ReprobeScheduler;
  private readonly published = new Map<string, string>();
  private readonly notified = new Map<string, string>();
  /** Which URIs each folder published last time, so a file that stops declaring anything is cleared. */
  private readonly ownership = new Map<FolderState, Set<string>>();
  private readonly discoveryTimers = new Map<string, NodeJS.Timeout>();
  private readonly discoveryRuns = new Map<string, Promise<void>>();
  private settings: ServerSettings = { ...DEFAULT_SERVER_SETTINGS };
  private disposed = false;

  constructor(private readonly out: WorkspaceOutputs, private readonly options: WorkspaceOptions = {}) {
    this.cache = new ProbeCache(options.check ?? checkTargets, (e, v) => this.probed(e, v));
    this.reprobe = new ReprobeScheduler(key => this.onReprobeDue(key), options.backoff ?? DEFAULT_BACKOFF);
    this.certFiles = new CertificateFileWatch(keys => {
      this.out.log('info', `certificate files changed: looking again at ${keys.length} endpoint(s)`);
      this.probeKeys(keys);
      setTimeout(() => this.probeKeys(keys), CERT_CHANGE_SECOND_LOOK_MS).unref?.();
    }, m => this.out.log('warn', m));
    this.poll = setInterval(() => this.probeKeys(this.listeningKeys()), options.pollMs ?? DEFAULT_POLL_MS);
    this.poll.unref?.();
  }

  private readonly certFiles: CertificateFileWatch;
  private readonly poll: NodeJS.Timeout;

  /**
   * Something outside the files changed what is served (a debug session started or stopped): look at the
   * listening endpoints now, and at the silent ones again from the shortest pause.
   */
  lookAgain(reason: string): void {
    this.out.log('info', `looking again: ${reason}`);
    this.reprobe.resetAll();
    this.probeKeys(this.listeningKeys());
  }

  private listeningKeys(): string[] {
    const keys = new Set<string>();
    for (const s of this.allStates()) for (const e of s.endpoints()) {
      const v = e.loopback ? this.cache.latest(e)?.verdict : undefined;
      if (v && !v.problems.some(p => p.code === 'not-listening')) keys.add(listenerKey(e));
    }
    return [...keys];
  }

  /** Fresh handshakes with these listeners, then every view rendered from them. */
  private probeKeys(keys: string[]): void {
    if (this.disposed || keys.length === 0) return;
    const want = new Set(keys);
    const found = new Map<string, { e: DeclaredEndpoint; folder: string }>();
    for (const s of this.allStates()) for (const e of s.endpoints()) {
      const k = listenerKey(e);
      if (want.has(k) && !found.has(k)) found.set(k, { e, folder: s.uri });
    }
    const list = [...found.values()];
    if (!list.length) return;
    this.cache.probe(list.map(x => x.e), this.checkSettings(), 0, x => this.prepare(x, found.get(listenerKey(x))?.folder ?? ''))
      .then(() => { if (!this.disposed) this.renderAll(); })
      .catch(err => this.out.log('error', `look again failed: ${(err as Error).message}`));
  }

  /** The certificate files endpoints declare, watched for changes. */
  private watchCertificateFiles(): void {
    const files = new Map<string, Set<string>>();
    for (const s of this.allStates()) for (const e of s.endpoints()) {
      if (!e.loopback) continue;
      for (const c of e.certificates) for (const f of [c.path, c.keyPath]) {
        if (!f || !path.isAbsolute(f)) continue;
        (files.get(f) ?? files.set(f, new Set()).get(f)!).add(listenerKey(e));
      }
    }
    this.certFiles.update(files);
  }

  get remoteName(): string | undefined { return this.options.remoteName; }

  // ------------------------------------------------------------------------------------------
  // Inputs

  setFolders(uris: string[]): void {
    const keep = new Set(uris);
    for (const uri of [...this.folders.keys()]) if (!keep.has(uri)) this.removeFolder(uri);
    for (const uri of uris) {
      if (this.folders.has(uri)) continue;
      const p = uriToPath(uri);
      if (p === undefined) continue; // non-file folders (virtual workspaces): nothing on disk to read
      const state = new FolderState(uri, p);
      state.setSettingEndpoints(this.settings.endpoints);
      this.folders.set(uri, state);
    }
    this.orphan.setSettingEndpoints(this.folders.size ? [] : this.settings.endpoints);
  }

  private removeFolder(uri: string): void {
    const state = this.folders.get(uri);
    this.folders.delete(uri);
    if (state) for (const u of this.publishedBy(state)) this.clearPublished(u);
    if (state) this.ownership.delete(state);
    this.notified.delete(uri);
  }

  /** Settings known at initialize, before any folder exists: nothing to refresh yet. */
  setInitialSettings(s: ServerSettings): void { this.settings = s; }

  /**
   * New settings (global, and per folder for the folder-scoped ones). Changes that alter a verdict's
   * meaning (timeout, expiring-soon threshold, client certificates) drop the cache and re-probe.
   */
  applySettings(global: ServerSettings, perFolder: Map<string, Partial<ServerSettings>> = new Map()): void {
    const before = this.settings;
    this.settings = global;
    for (const [uri, state] of this.folders) state.setSettingEndpoints(perFolder.get(uri)?.endpoints ?? global.endpoints);
    this.orphan.setSettingEndpoints(this.folders.size ? [] : global.endpoints);
    const verdictsChange = before.timeoutMs !== global.timeoutMs || before.expiringSoonDays !== global.expiringSoonDays
      || JSON.stringify(before.clientCertificates) !== JSON.stringify(global.clientCertificates);
    if (verdictsChange) this.cache.clear();
    if (!this.disposed) void this.refreshAll(verdictsChange ? 0 : undefined);
  }

  /** An open document's text (new or edited): parsed as it is, unsaved. */
  documentChanged(uri: string, text: string): Promise<void> {
    const file = uriToPath(uri);
    const parse = file && parserFor(file);
    if (!file || !parse) return Promise.resolve();
    const state = this.folderOf(file);
    state.setOpen(file, uri, text, parse(file, text));
    return this.refresh([state]);
  }

  documentClosed(uri: string): Promise<void> {
    const file = uriToPath(uri);
    if (!file) return Promise.resolve();
    const state = this.folderOf(file);
    if (!state.closeOpen(file)) return Promise.resolve();
    // Outside any folder nothing else reads the file: its diagnostics go with the editor.
    return this.refresh([state]);
  }

  /**
   * workspace/didChangeWatchedFiles: re-discover the folders those files are in (debounced). A deleted
   * file or folder also takes the open documents in it along: VS Code keeps a closed editor's document
   * for a while, and a project that is gone from disk must not stay declared through it.
   */
  filesChanged(changes: Array<{ uri: string; deleted?: boolean }>): void {
    const touched = new Set<FolderState>();
    for (const { uri, deleted } of changes) {
      const file = uriToPath(uri);
      if (!file) continue;
      const state = this.folderOf(file);
      if (deleted) state.forgetOpenUnder(file);
      if (state.path !== undefined) touched.add(state);
    }
    for (const state of touched) this.scheduleDiscovery(state);
  }

  // ------------------------------------------------------------------------------------------
  // Requests

  /** Re-discover and probe now, bypassing the cache. `interactive`: the user asked and may be prompted. */
  async checkNow(folderUri?: string, interactive = false): Promise<FolderVerdicts[]> {
    const states = folderUri !== undefined ? [this.stateOf(folderUri)].filter((s): s is FolderState => !!s) : this.workspaceStates();
    await Promise.all(states.map(s => this.discover(s)));
    // Asked for after a repair too: the trust stores are read again, not taken from the last check.
    await this.refresh(states, 0, true, interactive);
    return states.map(s => this.folderVerdicts(s));
  }

  verdictsFor(folderUri: string): FolderVerdicts | null {
    const s = this.stateOf(folderUri);
    return s ? this.folderVerdicts(s) : null;
  }

  /**
   * Probe given endpoints through the cache (a repair's re-probe, the port watcher, a quick fix's URL).
   * Every view is rendered from the answer at once: diagnostics, and the verdicts the status bar shows.
   */
  async probeEndpoints(endpoints: DeclaredEndpoint[], maxAgeMs = this.options.ttlMs ?? DEFAULT_TTL_MS, folderUri = '', reloadTrust = false): Promise<EndpointVerdict[]> {
    const probing = this.cache.probe(endpoints, this.checkSettings(reloadTrust), maxAgeMs, e => this.prepare(e, folderUri));
    this.renderAll();
    try {
      return (await probing).map((v, i) => asDeclared(endpoints[i], v));
    } finally {
      if (!this.disposed) this.renderAll();
    }
  }

  /**
   * The debug gate's question: the endpoints this launch configuration names plus what its folder and
   * the settings declare (loopback only, one per listener, the configuration's own first), probed
   * through the cache; for those not listening yet, the certificate their configuration names.
   */
  async checkLaunch(folderUri: string, configuration: Record<string, unknown>, maxAgeMs: number): Promise<CheckLaunchResult> {
    const state = this.stateOf(folderUri);
    // A launch right after the window opened must see what the folder declares: wait for its discovery.
    if (state) await this.discovered(state);
    const launchJson = state?.path !== undefined ? path.join(state.path, '.vscode', 'launch.json') : undefined;
    const folderEndpoints = state?.endpoints() ?? [];
    // Only what this launch uses: its url/env/args/serverReadyAction, and the launchSettings profile it
    // names. The folder's other endpoints stay in the status bar. A configuration that names none (a
    // plain `dotnet run`) may serve any of the folder's: then those are its endpoints.
    const profile = typeof configuration.launchSettingsProfile === 'string' ? configuration.launchSettingsProfile : undefined;
    const own = mergeEndpoints([
      ...endpointsFromLaunchConfiguration(configuration, { file: launchJson }),
      ...(profile ? folderEndpoints.filter(e => e.sources.some(src => src.kind === 'launchSettings.json' && src.detail === profile)) : []),
    ]);
    // The folder's declaration of the same listener adds what it knows (the certificate it will serve).
    const ownKeys = new Set(own.map(listenerKey));
    const endpoints = (own.length ? mergeEndpoints([...own, ...folderEndpoints.filter(e => ownKeys.has(listenerKey(e)))]) : folderEndpoints)
      .filter(e => e.loopback);
    const verdicts = await this.probeEndpoints(endpoints, maxAgeMs, folderUri);
    const down = endpoints.filter((e, i) => e.certificates.length > 0 && verdicts[i].problems.some(p => p.code === 'not-listening'));
    const declared = await Promise.all(down.map(e => judgeDeclaredCertificate(e, this.settings).catch(() => undefined)));
    return { verdicts, declared: declared.filter((v): v is EndpointVerdict => !!v) };
  }

  // ------------------------------------------------------------------------------------------
  // The loop

  /** First start: discover every folder, then probe. */
  async start(): Promise<void> {
    const states = this.workspaceStates();
    await Promise.all(states.map(s => this.discover(s)));
    await this.refresh(states);
  }

  private refreshAll(maxAgeMs?: number): Promise<void> {
    return this.refresh([...this.folders.values(), this.orphan], maxAgeMs);
  }

  /**
   * Render what is known now, probe what is stale in these folders, render again. Probe failures are
   * logged, never thrown: callers are event handlers.
   */
  private async refresh(states: FolderState[], maxAgeMs = this.options.ttlMs ?? DEFAULT_TTL_MS, reloadAnchors = false, interactive = false): Promise<void> {
    this.forgetUndeclared();
    const endpoints = uniqueListeners(states.flatMap(s => s.endpoints().filter(e => e.loopback)));
    const folderOf = new Map<string, string>();
    for (const s of states) for (const e of s.endpoints()) if (!folderOf.has(listenerKey(e))) folderOf.set(listenerKey(e), s.uri);
    const probing = endpoints.length
      ? this.cache.probe(endpoints, this.checkSettings(reloadAnchors), maxAgeMs, e => this.prepare(e, folderOf.get(listenerKey(e)) ?? '', interactive))
      : Promise.resolve([]);
    // Rendered after probe() has marked what is in flight, so "checking" reaches the client at once.
    this.renderAll();
    try {
      await probing;
    } catch (err) {
      this.out.log('error', `probe failed: ${(err as Error).message}`);
    }
    if (!this.disposed) this.renderAll();
  }

  /** Every real handshake (not cache hits): log it, and keep looking while nothing listens. */
  private probed(e: DeclaredEndpoint, v: EndpointVerdict): void {
    const listening = !v.problems.some(p => p.code === 'not-listening');
    if (!this.disposed) this.reprobe.observed(listenerKey(e), listening);
    this.out.log('info', `probe ${e.url}: ${v.problems.length ? v.problems.map(p => p.code).join(', ') : 'trusted'} (${v.handshakeMs} ms)`);
  }

  private onReprobeDue(key: string): void {
    if (this.disposed) return;
    const states = this.allStates().filter(s => s.endpoints().some(e => listenerKey(e) === key));
    const e = states[0]?.endpoints().find(x => listenerKey(x) === key);
    if (!e) return;
    this.cache.probe([e], this.checkSettings(), 0, x => this.prepare(x, states[0].uri))
      .then(() => this.renderAll())
      .catch(err => this.out.log('error', `re-probe of ${e.url} failed: ${(err as Error).message}`));
  }

  /** Timers and cache entries for listeners nothing declares any more are dropped. */
  private forgetUndeclared(): void {
    const keys = new Set(this.allStates().flatMap(s => s.endpoints().map(listenerKey)));
    this.reprobe.retain(keys);
    this.cache.retain(keys, this.options.ttlMs ?? DEFAULT_TTL_MS);
  }

  private scheduleDiscovery(state: FolderState): void {
    const key = state.uri;
    clearTimeout(this.discoveryTimers.get(key));
    this.discoveryTimers.set(key, setTimeout(() => {
      this.discoveryTimers.delete(key);
      this.discover(state).then(() => this.refresh([state])).catch(err => this.out.log('error', `discovery failed: ${(err as Error).message}`));
    }, DISCOVERY_DEBOUNCE_MS));
  }

  /** Resolves once the folder has been discovered at least once (joining a run in progress). */
  private discovered(state: FolderState): Promise<void> {
    const running = this.discoveryRuns.get(state.uri);
    if (running) return running.catch(() => undefined);
    return state.discovered ? Promise.resolve() : this.discover(state).catch(() => undefined);
  }

  /** Runs discovery for a folder; concurrent callers share one run. */
  private discover(state: FolderState): Promise<void> {
    if (state.path === undefined) return Promise.resolve();
    const running = this.discoveryRuns.get(state.uri);
    if (running) return running;
    const started = Date.now();
    const run = discoverFolder(state.path).then(async result => {
      state.setDiscovery(result);
      await this.loadWarningLines(state);
      this.out.log('info', `discovery ${state.path}: ${result.endpoints.length} endpoint(s), ${result.warnings.length} warning(s) in ${Date.now() - started} ms`);
    }).finally(() => this.discoveryRuns.delete(state.uri));
    this.discoveryRuns.set(state.uri, run);
    return run;
  }

  /**
   * Warnings underline their line; for files not open, that needs the file's text, read as discovery
   * reads (a file skipped because it is a FIFO or leads out of the folder is not read here either).
   */
  private async loadWarningLines(state: FolderState): Promise<void> {
    const folder = state.path;
    if (folder === undefined) return;
    await Promise.all(state.files().filter(f => f.parse.warnings.length && f.text === undefined && parserFor(f.file)).map(async f => {
      const read = await readContainedText(f.file, { within: folder, maxBytes: DEFAULT_MAX_FILE_BYTES });
      if (read.text !== undefined) f.text = read.text; // else the warning stays, without a width
    }));
  }

  // ------------------------------------------------------------------------------------------
  // Outputs

  private renderAll(): void {
    for (const s of this.allStates()) this.render(s);
    if (!this.disposed) this.watchCertificateFiles();
  }

  private render(state: FolderState): void {
    const current = new Set<string>();
    for (const view of state.files()) {
      if (!parserFor(view.file)) continue; // walker warnings about folders have no document to sit in
      current.add(view.uri);
      const diagnostics = this.settings.diagnosticsEnable ? this.diagnosticsFor(state, view) : [];
      this.publish(view.uri, diagnostics);
    }
    for (const uri of this.publishedBy(state)) if (!current.has(uri)) this.clearPublished(uri);
    this.ownership.set(state, current);
    if (state.path !== undefined || (state === this.orphan && this.folders.size === 0)) this.notify(state);
  }

  private publishedBy(state: FolderState): Set<string> { return this.ownership.get(state) ?? new Set(); }

  private diagnosticsFor(state: FolderState, view: FileView): Diagnostic[] {
    const lines = view.text?.split(/\r?\n/);
    return fileDiagnostics(view.file, view.parse, {
      folder: state.uri,
      remoteName: this.options.remoteName,
      verdictFor: e => this.cache.latest(e)?.verdict,
      lineText: line => lines?.[line],
      usersOfDefault: c => defaultCertificateUsers(state.endpoints(), c.source.file),
    });
  }

  private publish(uri: string, diagnostics: Diagnostic[]): void {
    const json = JSON.stringify(diagnostics);
    if (this.published.get(uri) === json) return;
    this.published.set(uri, json);
    this.out.publishDiagnostics(uri, diagnostics);
  }

  private clearPublished(uri: string): void {
    if (!this.published.has(uri)) return;
    this.published.delete(uri);
    this.out.publishDiagnostics(uri, []);
  }

  private notify(state: FolderState): void {
    const v = this.folderVerdicts(state);
    const json = JSON.stringify(v);
    if (this.notified.get(state.uri) === json) return;
    this.notified.set(state.uri, json);
    this.out.notifyVerdicts(v);
  }

  folderVerdicts(state: FolderState): FolderVerdicts {
    const endpoints = state.endpoints();
    const verdicts: EndpointVerdict[] = [];
    let newest = 0;
    for (const e of endpoints) {
      if (!e.loopback) continue;
      const c = this.cache.latest(e);
      if (!c) continue;
      verdicts.push(asDeclared(e, c.verdict));
      newest = Math.max(newest, c.at);
    }
    const storeWarnings = trustStoreWarnings();
    return {
      folder: state.uri,
      endpoints,
      verdicts,
      checking: endpoints.filter(e => e.loopback && this.cache.isChecking(e)).map(e => e.url),
      warnings: state.warnings(),
      checkedAt: newest ? new Date(newest).toISOString() : null,
      ...(storeWarnings.length ? { trustStoreWarnings: [...storeWarnings] } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Lookups used by hovers and code actions

  folderOf(file: string): FolderState {
    let best: FolderState | undefined;
    for (const s of this.folders.values()) {
      if (s.path !== undefined && isInside(s.path, file) && (!best || s.path.length > best.path!.length)) best = s;
    }
    return best ?? this.orphan;
  }

  fileView(uri: string): { state: FolderState; view: FileView } | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const state = this.folderOf(file);
    const view = state.fileView(file);
    return view ? { state, view } : undefined;
  }

  latest(e: DeclaredEndpoint): { verdict: EndpointVerdict; at: number } | undefined { return this.cache.latest(e); }
  isChecking(e: DeclaredEndpoint): boolean { return this.cache.isChecking(e); }
  nextLookAt(e: DeclaredEndpoint): number | undefined { return this.reprobe.nextAt(listenerKey(e)); }

  dispose(): void {
    this.disposed = true;
    this.reprobe.dispose();
    this.certFiles.dispose();
    clearInterval(this.poll);
    for (const t of this.discoveryTimers.values()) clearTimeout(t);
    this.discoveryTimers.clear();
  }

  // ------------------------------------------------------------------------------------------

  private allStates(): FolderState[] { return [...this.folders.values(), this.orphan]; }

  /** What a workspace-wide check covers: every folder, or, in a window without folders, the settings' endpoints. */
  private workspaceStates(): FolderState[] { return this.folders.size ? [...this.folders.values()] : [this.orphan]; }

  /** A folder by URI; '' is the window itself when it has no folders. */
  private stateOf(folderUri: string): FolderState | undefined {
    return this.folders.get(folderUri) ?? (folderUri === '' && this.folders.size === 0 ? this.orphan : undefined);
  }

  private checkSettings(reloadAnchors = false): CheckSettings {
    return { timeoutMs: this.settings.timeoutMs, expiringSoonDays: this.settings.expiringSoonDays, concurrency: this.options.concurrency ?? 8, reloadAnchors };
  }

  /**
   * Adds the client certificate `devcertDoctor.clientCertificates` names for this endpoint (matched the
   * way every part of DevCert Doctor matches it). The client loads it, because PFX passwords live in its
   * SecretStorage; when it cannot (password not known yet) the endpoint is probed without one.
   */
  private async prepare(e: DeclaredEndpoint, folder: string, interactive = false): Promise<ProbeTarget> {
    const target: ProbeTarget = { endpoint: e };
    const hit = findClientCertificateConfig(this.settings.clientCertificates, e.connectHost ?? e.host, e.port);
    if (!hit || !this.out.clientCertificate) return target;
    let timer: NodeJS.Timeout | undefined;
    try {
      const payload = await Promise.race([
        this.out.clientCertificate({ url: e.url, host: e.host, port: e.port, folder, interactive }),
        // A user typing a password is not a stuck client: no limit then.
        ...(interactive ? [] : [new Promise<undefined>(res => { timer = setTimeout(() => res(undefined), CLIENT_CERT_TIMEOUT_MS); })]),
      ]);
      if (!payload) {
        this.out.log('info', `client certificate "${hit.key}" for ${e.url}: not available from the client; probing without one`);
        return target;
      }
      const input: ClientCertificateInput = { label: payload.label };
      if (payload.pfxBase64) input.pfx = Buffer.from(payload.pfxBase64, 'base64');
      if (payload.passphrase !== undefined) input.passphrase = payload.passphrase;
      if (payload.certPem) input.cert = payload.certPem;
      if (payload.keyPem) input.key = payload.keyPem;
      return {
        ...target, clientCertificate: input,
        requestPath: payload.requestPath ?? hit.entry.requestPath,
        forwardClientCertHeader: payload.forwardClientCertHeader ?? hit.entry.forwardHeader,
      };
    } catch (err) {
      this.out.log('warn', `client certificate "${hit.key}" for ${e.url} unavailable: ${(err as Error).message}`);
      return target;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A verdict under the endpoint's own spelling of the URL and its first declaring file (a listener has several). */
function asDeclared(e: DeclaredEndpoint, v: EndpointVerdict): EndpointVerdict {
  const first = e.sources.find(s => s.file);
  return { ...v, url: e.url, host: e.host, port: e.port, source: first ? { file: first.file, line: first.line } : v.source };
}

function uniqueListeners(endpoints: DeclaredEndpoint[]): DeclaredEndpoint[] {
  const seen = new Map<string, DeclaredEndpoint>();
  for (const e of endpoints) if (!seen.has(listenerKey(e))) seen.set(listenerKey(e), e);
  return [...seen.values()];
}

/**
 * The endpoints Kestrel serves a project's `Certificates:Default` on: those declared in the same project
 * (the appsettings file's folder, with its Properties/launchSettings.json) that name no certificate of
 * their own. IIS Express endpoints are not Kestrel: http.sys serves its own binding there.
 */
export function defaultCertificateUsers(endpoints: DeclaredEndpoint[], declaringFile: string): DeclaredEndpoint[] {
  const project = path.dirname(declaringFile);
  const inProject = (file: string) => {
    const dir = path.dirname(file);
    return dir === project || (path.basename(dir).toLowerCase() === 'properties' && path.dirname(dir) === project);
  };
  return endpoints.filter(e => e.certificates.length === 0 && e.sources.some(s =>
    inProject(s.file) && (s.kind === 'appsettings.json' || (s.kind === 'launchSettings.json' && !s.detail?.startsWith('iisSettings')))));
}

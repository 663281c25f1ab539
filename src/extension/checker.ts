/**
 * Runs checks and feeds the VerdictStore: the whole workspace (status bar, "Check now"), or a given set
 * of endpoints (the debug gate, re-probes after a repair). Endpoints checked moments ago, or being
 * checked right now, are not probed again — that is what makes a compound launch probe once.
 */
import * as vscode from 'vscode';
import type { EndpointVerdict } from '../core/check';
import type { DiscoveryResult } from '../core/endpoints';
import type { CheckTarget, Engine } from './engine';
import type { ClientCertificates } from './clientCertificates';
import type { Log } from './log';
import { readSettings } from './settings';
import { mergeTargets, targetFromDeclared, targetFromSetting } from './targets';
import type { VerdictStore } from './verdictStore';

/** How long a verdict counts as fresh for the gate (a compound launch resolves its configurations within this). */
export const GATE_CACHE_MS = 3000;

export class Checker {
  private readonly discoveries = new Map<string, Promise<DiscoveryResult>>();
  private readonly inFlight = new Map<string, Promise<EndpointVerdict>>();
  private workspaceCheck?: Promise<EndpointVerdict[]>;
  /** Set once the language server runs: it then owns workspace-wide discovery and probing. */
  private server?: { checkNow(): Promise<Array<{ folder: string; verdicts: EndpointVerdict[] }> | undefined> };

  useServer(server: Checker['server']): void { this.server = server; }

  constructor(
    private readonly engine: Engine,
    private readonly store: VerdictStore,
    private readonly clientCerts: ClientCertificates,
    private readonly log: Log,
  ) {}

  /** Discovery for a folder, cached until one of the files it reads changes. */
  discover(folder: vscode.WorkspaceFolder): Promise<DiscoveryResult> {
    const key = folder.uri.toString();
    let p = this.discoveries.get(key);
    if (!p) {
      const started = Date.now();
      p = this.engine.discover(folder.uri.fsPath).then(r => {
        this.log.info(`discovery ${folder.name}: ${r.endpoints.length} endpoint(s), ${r.warnings.length} warning(s) in ${Date.now() - started} ms`);
        for (const w of r.warnings) this.log.warn(`discovery: ${w.file}:${w.line}: ${w.message}`);
        return r;
      });
      // A failed discovery is not cached: the next trigger tries again.
      p.catch(() => this.discoveries.delete(key));
      this.discoveries.set(key, p);
    }
    return p;
  }

  /** Forget cached discovery (a declaring file changed). */
  invalidate(): void { this.discoveries.clear(); }

  /** Every endpoint a folder declares plus `devcertDoctor.endpoints`, loopback only. */
  async targetsFor(folder: vscode.WorkspaceFolder | undefined): Promise<CheckTarget[]> {
    const fromSettings = readSettings(folder?.uri).endpoints.map(targetFromSetting).filter((t): t is CheckTarget => !!t);
    let discovered: CheckTarget[] = [];
    if (folder) {
      try {
        discovered = (await this.discover(folder)).endpoints.map(targetFromDeclared).filter((t): t is CheckTarget => !!t);
      } catch (err) {
        this.log.warn(`discovery ${folder.name} failed: ${(err as Error).message}`);
      }
    }
    return mergeTargets(discovered, fromSettings);
  }

  /** Checks everything the workspace declares; concurrent callers share one run. */
  checkWorkspace(reason: string, interactive = false): Promise<EndpointVerdict[]> {
    if (!this.workspaceCheck) {
      this.workspaceCheck = this.runWorkspaceCheck(reason, interactive).finally(() => { this.workspaceCheck = undefined; });
    }
    return this.workspaceCheck;
  }

  private async runWorkspaceCheck(reason: string, interactive: boolean): Promise<EndpointVerdict[]> {
    this.store.beginCheck();
    try {
      if (this.server) {
        try {
          const folders = await this.server.checkNow();
          if (folders) {
            this.log.info(`check (${reason}) through the language server: ${folders.reduce((n, f) => n + f.verdicts.length, 0)} endpoint(s)`);
            return uniqueByUrl(folders.flatMap(f => f.verdicts));
          }
        } catch (err) {
          this.log.warn(`language server check failed (${(err as Error).message}); checking in the extension`);
        }
      }
      const folders = vscode.workspace.workspaceFolders ?? [];
      const perFolder = folders.length ? folders : [undefined];
      const lists = await Promise.all(perFolder.map(async f =>
        this.clientCerts.attach(await this.targetsFor(f), f, interactive)));
      const targets = mergeTargets(...lists);
      this.log.info(`check (${reason}): ${targets.length} endpoint(s)`);
      // "Check now" is when a user expects changes made outside (a terminal, another tool) to show.
      const verdicts = await this.probe(targets, 0, interactive);
      this.store.replaceWorkspace(verdicts);
      return verdicts;
    } finally {
      this.store.endCheck();
    }
  }

  /**
   * Verdicts for these targets, in order. A verdict younger than `maxAgeMs` (or a probe in flight) is
   * reused; the rest are probed together in one call.
   */
  async checkTargets(targets: CheckTarget[], maxAgeMs: number, reloadTrust = false): Promise<EndpointVerdict[]> {
    const verdicts = await this.probe(targets, maxAgeMs, reloadTrust);
    this.store.update(verdicts);
    return verdicts;
  }

  private async probe(targets: CheckTarget[], maxAgeMs: number, reloadTrust = false): Promise<EndpointVerdict[]> {
    const settings = readSettings();
    const options = { timeoutMs: settings.timeoutMs, expiringSoonDays: settings.expiringSoonDays, reloadTrust };
    const pending: CheckTarget[] = [];
    const results = new Map<string, Promise<EndpointVerdict>>();
    for (const t of targets) {
      const fresh = maxAgeMs > 0 ? this.store.fresh(t.url, maxAgeMs) : undefined;
      const shared = this.inFlight.get(t.url);
      if (fresh) results.set(t.url, Promise.resolve(fresh));
      else if (shared) results.set(t.url, shared);
      else pending.push(t);
    }
    if (pending.length) {
      const started = Date.now();
      const batch = this.engine.check(pending, options).then(vs => {
        for (const v of vs) this.log.info(`probe ${v.url}: ${describeVerdict(v)} (${v.handshakeMs.toFixed(1)} ms)`);
        this.log.debug(`probe batch of ${pending.length} in ${Date.now() - started} ms`);
        return vs;
      });
      pending.forEach((t, i) => {
        const one = batch.then(vs => vs.find(v => v.url === t.url) ?? vs[i]);
        results.set(t.url, one);
        this.inFlight.set(t.url, one);
        void one.catch(() => undefined).finally(() => { if (this.inFlight.get(t.url) === one) this.inFlight.delete(t.url); });
      });
    }
    return Promise.all(targets.map(t => results.get(t.url)!));
  }
}

function uniqueByUrl(verdicts: EndpointVerdict[]): EndpointVerdict[] {
  return [...new Map(verdicts.map(v => [v.url, v])).values()];
}

export function describeVerdict(v: EndpointVerdict): string {
  if (v.problems.length === 0) return 'trusted';
  return v.problems.map(p => p.code).join(', ');
}

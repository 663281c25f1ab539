/**
 * The extension's one way to get verdicts: it asks the language server, which owns discovery, probing
 * and the one probe cache, and feeds every answer into the VerdictStore the views read. So the status
 * bar, the gate, the pick list, hovers and the Problems panel are rendered from the same verdicts. The
 * server is started on first need (a check, a launch) when the workspace has not started it already.
 */
import type * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import type { CheckLaunchResult } from '../../protocol';
import type { Log } from '../output';
import type { LanguageServerHost } from './languageServer';
import type { VerdictStore } from './verdictStore';

/** How long a verdict counts as fresh for the gate (a compound launch resolves its configurations within this). */
export const GATE_CACHE_MS = 3000;

export interface ProbeOptions {
  /** Reuse a verdict younger than this; 0 (the default) forces a fresh handshake. */
  maxAgeMs?: number;
  /** Read the trust stores again first (a repair just changed them). */
  reloadTrust?: boolean;
  /** The workspace folder the URLs belong to (for client certificates). */
  folder?: vscode.WorkspaceFolder;
}

export class Checker {
  private workspaceCheck?: Promise<EndpointVerdict[]>;

  constructor(
    private readonly server: LanguageServerHost,
    private readonly store: VerdictStore,
    private readonly log: Log,
  ) {}

  /** Re-discovers and probes every folder now; concurrent callers share one run. `interactive`: a password may be asked. */
  checkWorkspace(reason: string, interactive = false): Promise<EndpointVerdict[]> {
    this.workspaceCheck ??= this.busy(async () => {
      const folders = await this.server.checkNow(reason, interactive);
      const verdicts = uniqueByUrl(folders.flatMap(f => f.verdicts));
      this.log.info(`check (${reason}): ${verdicts.length} endpoint(s)`);
      return verdicts;
    }).finally(() => { this.workspaceCheck = undefined; });
    return this.workspaceCheck;
  }

  /** Verdicts for these URLs, in order, through the server's cache; every view is updated from them. */
  probe(urls: string[], options: ProbeOptions = {}): Promise<EndpointVerdict[]> {
    if (urls.length === 0) return Promise.resolve([]);
    return this.busy(async () => {
      const verdicts = await this.server.probe(urls, options.maxAgeMs ?? 0, options.reloadTrust ?? false, options.folder?.uri.toString());
      for (const v of verdicts) this.log.info(`probe ${v.url}: ${describeVerdict(v)} (${v.handshakeMs.toFixed(1)} ms)`);
      this.store.update(verdicts);
      return verdicts;
    });
  }

  /** The debug gate's question: this launch configuration's endpoints plus what its folder declares. */
  checkLaunch(folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration, maxAgeMs: number): Promise<CheckLaunchResult> {
    return this.busy(async () => {
      const result = await this.server.checkLaunch(folder?.uri.toString() ?? '', configuration, maxAgeMs);
      this.store.update(result.verdicts);
      return result;
    });
  }

  /** The status bar says "checking" while the first answer is awaited. */
  private async busy<T>(work: () => Promise<T>): Promise<T> {
    this.store.beginCheck();
    try { return await work(); } finally { this.store.endCheck(); }
  }
}

function uniqueByUrl(verdicts: EndpointVerdict[]): EndpointVerdict[] {
  return [...new Map(verdicts.map(v => [v.url, v])).values()];
}

export function describeVerdict(v: EndpointVerdict): string {
  if (v.problems.length === 0) return 'trusted';
  return v.problems.map(p => p.code).join(', ');
}

/**
 * The window's verdicts, as the language server last reported them: its per-folder notifications, plus
 * the answers to the gate's and the commands' requests for URLs no folder declares. The status bar, the
 * quick pick, the gate and the certificate view read from here; the Problems panel is rendered by the
 * server from the same cache, so they all agree.
 */
import * as vscode from 'vscode';
import type { EndpointVerdict, Problem } from '../../core/check';

export type OverallState = 'no-endpoints' | 'checking' | 'trusted' | 'problems' | 'not-listening';

export interface Summary {
  state: OverallState;
  verdicts: EndpointVerdict[];
  /** Endpoints with at least one problem that is not "nothing listens there". */
  withProblems: EndpointVerdict[];
  /** The worst severity among those problems (decides the status bar colour). */
  worst?: 'error' | 'warning' | 'info';
  listening: number;
  checkedAt?: Date;
  /** What reading the trust stores found wrong (an unreadable NODE_EXTRA_CA_CERTS...): why a client refuses, said once. */
  trustStoreWarnings: readonly string[];
}

/** "Nothing listens yet" is a state, not a certificate problem: it must never paint the status bar. */
export function realProblems(v: EndpointVerdict): Problem[] {
  return v.problems.filter(p => p.code !== 'not-listening');
}

export function isListening(v: EndpointVerdict): boolean {
  return !v.problems.some(p => p.code === 'not-listening');
}

export function summarize(verdicts: EndpointVerdict[], checking: boolean, checkedAt?: Date, trustStoreWarnings: readonly string[] = []): Summary {
  const withProblems = verdicts.filter(v => realProblems(v).length > 0);
  const listening = verdicts.filter(isListening).length;
  const severities = withProblems.flatMap(v => realProblems(v).map(p => p.severity));
  const worst = severities.includes('error') ? 'error' : severities.includes('warning') ? 'warning'
    : severities.length ? 'info' : undefined;
  let state: OverallState;
  // A re-check keeps showing the last answer; "checking" is only for the very first one.
  if (checking && verdicts.length === 0) state = 'checking';
  else if (verdicts.length === 0) state = 'no-endpoints';
  else if (withProblems.length > 0) state = 'problems';
  else if (listening === 0) state = 'not-listening';
  else state = 'trusted';
  return { state, verdicts, withProblems, worst, listening, checkedAt, trustStoreWarnings };
}

export class VerdictStore implements vscode.Disposable {
  private readonly byUrl = new Map<string, { verdict: EndpointVerdict; at: number }>();
  /** Which URLs the server last reported for each folder (URI). An endpoint no folder declares any more disappears. */
  private readonly sources = new Map<string, Set<string>>();
  private readonly transient = new Set<string>();
  private inFlight = 0;
  private readonly serverChecking = new Set<string>();
  private checkedAt?: Date;
  private storeWarnings: readonly string[] = [];
  private readonly changed = new vscode.EventEmitter<Summary>();
  readonly onDidChange = this.changed.event;

  /** The language server's state for one folder (`trustStoreWarnings` are the window's, not the folder's). */
  replaceFolder(folder: string, verdicts: EndpointVerdict[], checking: boolean, trustStoreWarnings: readonly string[] = []): void {
    if (checking) this.serverChecking.add(folder); else this.serverChecking.delete(folder);
    this.storeWarnings = trustStoreWarnings;
    this.replaceSource(folder, verdicts);
  }

  private replaceSource(key: string, verdicts: EndpointVerdict[]): void {
    const now = Date.now();
    // Endpoints only the gate or a re-probe saw (a launch configuration's own URL) last until the next
    // workspace-wide answer: they must not linger in the status bar after that launch is long gone.
    const before = new Set([...(this.sources.get(key) ?? []), ...this.transient]);
    this.transient.clear();
    const after = new Set(verdicts.map(v => v.url));
    this.sources.set(key, after);
    for (const url of before) {
      if (!after.has(url) && ![...this.sources.values()].some(set => set.has(url))) this.byUrl.delete(url);
    }
    for (const v of verdicts) this.byUrl.set(v.url, { verdict: v, at: now });
    if (verdicts.length) this.checkedAt = new Date(now);
    this.fire();
  }

  /** Adds or refreshes some endpoints (the gate's and the commands' answers from the server). */
  update(verdicts: EndpointVerdict[]): void {
    if (verdicts.length === 0) return;
    const now = Date.now();
    for (const v of verdicts) {
      if (![...this.sources.values()].some(set => set.has(v.url))) this.transient.add(v.url);
      this.byUrl.set(v.url, { verdict: v, at: now });
    }
    this.checkedAt = new Date(now);
    this.fire();
  }

  get(url: string): EndpointVerdict | undefined { return this.byUrl.get(url)?.verdict; }

  all(): EndpointVerdict[] {
    return [...this.byUrl.values()].map(e => e.verdict).sort((a, b) => a.port - b.port || a.url.localeCompare(b.url));
  }

  beginCheck(): void { this.inFlight++; if (this.inFlight === 1) this.fire(); }
  endCheck(): void { this.inFlight = Math.max(0, this.inFlight - 1); if (this.inFlight === 0) this.fire(); }
  get checking(): boolean { return this.inFlight > 0 || this.serverChecking.size > 0; }

  summary(): Summary { return summarize(this.all(), this.checking, this.checkedAt, this.storeWarnings); }

  private fire(): void { this.changed.fire(this.summary()); }

  dispose(): void { this.changed.dispose(); }
}

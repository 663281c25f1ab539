/**
 * After a launch, the endpoints that were not listening yet are the server being started. Watch their
 * ports with a bounded backoff and probe each as soon as it answers, so a bad certificate is reported
 * when the server comes up rather than when the browser fails.
 */
import type * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import { type Checker, isListening } from '../verdicts';
import type { Log } from '../output';

/** Delays between attempts: quick at first (most dev servers start in seconds), then every 5 s. */
const BACKOFF_MS = [250, 500, 1000, 2000, 3000, 5000];
/** Give up after this long: a server that has not started by then is not coming. */
export const WATCH_LIMIT_MS = 120_000;

export class PortWatcher {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private readonly started = Date.now();
  private remaining: string[];

  constructor(
    urls: string[],
    private readonly checker: Checker,
    private readonly log: Log,
    /** Called once per endpoint, with its first verdict after it started listening. */
    private readonly onListening: (v: EndpointVerdict) => void,
    private readonly limitMs = WATCH_LIMIT_MS,
  ) {
    this.remaining = [...urls];
    this.log.info(`watching ${urls.join(', ')} until the server listens (up to ${this.limitMs / 1000} s)`);
    this.schedule();
  }

  get watching(): string[] { return [...this.remaining]; }

  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.remaining.length) this.log.info(`stopped watching ${this.watching.join(', ')}: ${reason}`);
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    if (Date.now() - this.started + delay > this.limitMs) { this.stop('time limit reached'); return; }
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.attempt++;
    try {
      const verdicts = await this.checker.probe(this.remaining, { maxAgeMs: 0 });
      const up = verdicts.filter(isListening);
      if (up.length) {
        this.remaining = this.remaining.filter(url => !up.some(v => v.url === url));
        for (const v of up) if (!this.stopped) this.onListening(v);
      }
    } catch (err) {
      this.log.warn(`port watch: ${(err as Error).message}`);
    }
    if (this.remaining.length === 0) { this.stopped = true; return; }
    this.schedule();
  }
}

/** Watchers per debug session, stopped when the session ends. */
export class SessionWatchers {
  private readonly bySession = new Map<string, PortWatcher>();

  add(session: vscode.DebugSession, watcher: PortWatcher): void { this.bySession.get(session.id)?.stop('replaced'); this.bySession.set(session.id, watcher); }
  end(session: vscode.DebugSession): void { this.bySession.get(session.id)?.stop('debug session ended'); this.bySession.delete(session.id); }
  dispose(): void { for (const w of this.bySession.values()) w.stop('extension deactivated'); this.bySession.clear(); }
}

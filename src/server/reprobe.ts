/**
 * While nothing listens on an endpoint, look again with growing pauses (2 s, 4 s, 8 s, then every 15 s), so
 * diagnostics turn from "start the server" into the real verdict within seconds of the server starting,
 * without a busy loop for servers nobody starts. A listening endpoint, or one no longer declared, stops
 * its timer.
 */
export interface BackoffOptions { initialMs: number; maxMs: number }

// A refused connection costs nothing: the pause stays short (a restarted server is seen within 15 s at worst).
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 2000, maxMs: 15_000 };

export class ReprobeScheduler {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; delayMs: number; due: number }>();
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly reprobe: (key: string) => void,
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** After each probe of `key`: keep watching while it is not listening, stop once it is. */
  observed(key: string, listening: boolean): void {
    if (listening) { this.cancel(key); return; }
    const delayMs = this.delays.get(key) ?? this.options.initialMs;
    this.delays.set(key, Math.min(this.options.maxMs, delayMs * 2));
    this.schedule(key, delayMs);
  }

  /** Start over from the shortest pause (the file declaring it changed: the user is working on it). */
  reset(key: string): void {
    if (!this.timers.has(key)) return;
    this.delays.delete(key);
    this.schedule(key, this.options.initialMs);
  }

  /** Every silent endpoint from the shortest pause again (a debug session started: its server is coming). */
  resetAll(): void { for (const key of [...this.timers.keys()]) this.reset(key); }

  /** When the next look at `key` is due (epoch ms), if one is scheduled. */
  nextAt(key: string): number | undefined { return this.timers.get(key)?.due; }

  /** Stop watching keys that are no longer declared. */
  retain(keep: Set<string>): void {
    for (const key of [...this.timers.keys()]) if (!keep.has(key)) this.cancel(key);
    for (const key of [...this.delays.keys()]) if (!keep.has(key)) this.delays.delete(key);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t.timer);
    this.timers.delete(key);
    this.delays.delete(key);
  }

  dispose(): void { for (const key of [...this.timers.keys()]) this.cancel(key); }

  private schedule(key: string, delayMs: number): void {
    const old = this.timers.get(key);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => { this.timers.delete(key); this.reprobe(key); }, delayMs);
    this.timers.set(key, { timer, delayMs, due: Date.now() + delayMs });
  }
}

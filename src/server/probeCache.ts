/**
 * One handshake per listener at a time, and not again for a short while: editing a file re-renders
 * diagnostics from here instead of re-probing, a compound launch shares one probe, and the server never
 * has more probes running than one batch per trigger.
 */
import { type DeclaredEndpoint, endpointKey } from '../core/endpoints';
import type { CheckFn, CheckSettings, EndpointVerdict, ProbeTarget } from '../core/check';

export interface CachedVerdict { verdict: EndpointVerdict; at: number }

/** How long a verdict is reused without a new handshake. Short: servers start and stop while people work. */
export const DEFAULT_TTL_MS = 10_000;

/** The cache key of an endpoint: loopback spellings of one port are one listener. */
export function listenerKey(e: Pick<DeclaredEndpoint, 'host' | 'port'>): string {
  return endpointKey(e.host, e.port);
}

export class ProbeCache {
  private readonly entries = new Map<string, CachedVerdict>();
  private readonly inFlight = new Map<string, Promise<EndpointVerdict>>();

  /** `onProbed` hears every real handshake result (not cache hits): the backoff and the log follow it. */
  constructor(
    private readonly check: CheckFn,
    private readonly onProbed: (e: DeclaredEndpoint, v: EndpointVerdict) => void = () => {},
    private readonly now: () => number = Date.now,
    /** Added to the engine's own bound before the watchdog gives up on a batch. */
    private readonly slackMs = 5000,
  ) {}

  latest(e: Pick<DeclaredEndpoint, 'host' | 'port'>): CachedVerdict | undefined {
    return this.entries.get(listenerKey(e));
  }

  isChecking(e: Pick<DeclaredEndpoint, 'host' | 'port'>): boolean {
    return this.inFlight.has(listenerKey(e));
  }

  /** Forget every verdict (settings that change the verdict itself, such as expiringSoonDays, changed). */
  clear(): void { this.entries.clear(); }

  /**
   * Drop verdicts of listeners no longer declared anywhere once they are older than `graceMs`, so the
   * cache does not grow without bound, yet a verdict the debug gate just asked for (declared nowhere)
   * is still there when the gate asks again.
   */
  retain(keep: Set<string>, graceMs: number): void {
    const cutoff = this.now() - graceMs;
    for (const [k, v] of this.entries) if (!keep.has(k) && v.at < cutoff) this.entries.delete(k);
  }

  /**
   * A verdict per endpoint, in order: cached when younger than `maxAgeMs`, shared when a probe is in
   * flight, otherwise one batched check for all the rest. `prepare` adds what a probe needs (a client
   * certificate) and runs only for endpoints that are really probed. Never rejects for one endpoint's sake:
   * a failed batch rejects every promise of that batch, and the in-flight entries are cleared either way.
   */
  probe(
    endpoints: DeclaredEndpoint[],
    settings: CheckSettings,
    maxAgeMs: number,
    prepare: (e: DeclaredEndpoint) => Promise<ProbeTarget> = async e => ({ endpoint: e }),
  ): Promise<EndpointVerdict[]> {
    const fresh = this.now() - maxAgeMs;
    const batch: DeclaredEndpoint[] = [];
    const results: Array<Promise<EndpointVerdict>> = endpoints.map(e => {
      const key = listenerKey(e);
      const cached = this.entries.get(key);
      if (cached && maxAgeMs > 0 && cached.at >= fresh) return Promise.resolve(cached.verdict);
      const running = this.inFlight.get(key);
      if (running) return running;
      batch.push(e);
      return undefined as unknown as Promise<EndpointVerdict>; // filled in below, once the batch exists
    });
    if (batch.length) {
      const run = this.runBatch(batch, settings, prepare);
      batch.forEach((e, i) => {
        const key = listenerKey(e);
        const p = run.then(vs => vs[i]);
        this.inFlight.set(key, p);
        // Only clear our own entry: a forced probe may have replaced it meanwhile.
        const clear = () => { if (this.inFlight.get(key) === p) this.inFlight.delete(key); };
        p.then(v => { this.entries.set(key, { verdict: v, at: this.now() }); clear(); this.onProbed(e, v); }, clear);
      });
      endpoints.forEach((e, i) => { if (!results[i]) results[i] = this.inFlight.get(listenerKey(e))!; });
    }
    return Promise.all(results);
  }

  private async runBatch(batch: DeclaredEndpoint[], settings: CheckSettings, prepare: (e: DeclaredEndpoint) => Promise<ProbeTarget>): Promise<EndpointVerdict[]> {
    const targets = await Promise.all(batch.map(e => prepare(e).catch(() => ({ endpoint: e }))));
    // The engine bounds each handshake by timeoutMs; this bounds the engine, so a stuck probe can never
    // pin an endpoint as "checking" forever.
    const limitMs = settings.timeoutMs * Math.ceil(batch.length / Math.max(1, settings.concurrency)) + this.slackMs;
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`probe of ${batch.length} endpoint(s) did not finish within ${limitMs} ms`)), limitMs);
    });
    try {
      const verdicts = await Promise.race([this.check(targets, settings), watchdog]);
      if (verdicts.length !== batch.length) throw new Error(`probe returned ${verdicts.length} verdict(s) for ${batch.length} endpoint(s)`);
      return verdicts;
    } finally {
      clearTimeout(timer);
    }
  }
}

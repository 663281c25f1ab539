/**
 * The two timing-sensitive parts of the language server on their own: the probe cache (reuse, sharing
 * in-flight probes, a stuck engine) and the backoff while nothing listens. The engine here is a stand-in
 * that records calls, because what is under test is when the engine gets called, not what it answers.
 */
import * as assert from 'node:assert/strict';
import type { DeclaredEndpoint } from '../../src/core/endpoints/types';
import type { EndpointVerdict } from '../../src/core/check/types';
import type { CheckFn } from '../../src/core/check/service';
import { ProbeCache } from '../../src/server/probeCache';
import { ReprobeScheduler } from '../../src/server/reprobe';

const endpoint = (host: string, port: number): DeclaredEndpoint => ({
  url: `https://${host}:${port}`, host, port, loopback: true, sources: [], certificates: [],
});
const verdict = (e: DeclaredEndpoint): EndpointVerdict => ({
  url: e.url, host: e.host, port: e.port, source: null, trusted: true, trust: { system: true, node: true }, problems: [], certificate: null, handshakeMs: 1,
});
const settings = { timeoutMs: 200, expiringSoonDays: 14, concurrency: 4 };

describe('language server: probe cache', () => {
  it('reuses fresh verdicts, shares probes in flight, and treats loopback spellings as one listener', async () => {
    const calls: string[][] = [];
    let now = 1000;
    const check: CheckFn = async targets => {
      calls.push(targets.map(t => t.endpoint.url));
      await new Promise(r => setTimeout(r, 20));
      return targets.map(t => verdict(t.endpoint));
    };
    const probed: string[] = [];
    const cache = new ProbeCache(check, e => probed.push(e.url), () => now);
    const [a, b] = await Promise.all([
      cache.probe([endpoint('localhost', 5001), endpoint('localhost', 5002)], settings, 10_000),
      cache.probe([endpoint('127.0.0.1', 5001)], settings, 0), // forced, but the same listener is in flight
    ]);
    assert.deepEqual(calls, [['https://localhost:5001', 'https://localhost:5002']]);
    assert.equal(a[0], b[0]);
    assert.deepEqual(probed.sort(), ['https://localhost:5001', 'https://localhost:5002']);

    now += 5000;
    await cache.probe([endpoint('localhost', 5001)], settings, 10_000);
    assert.equal(calls.length, 1, 'a 5 s old verdict is fresh enough');
    now += 6000;
    await cache.probe([endpoint('localhost', 5001)], settings, 10_000);
    assert.equal(calls.length, 2, 'an 11 s old verdict is not');
  });

  it('gives up on an engine that never answers, and does not stay "checking"', async () => {
    const cache = new ProbeCache(() => new Promise(() => {}), undefined, undefined, 40);
    const e = endpoint('localhost', 5003);
    const p = cache.probe([e], { ...settings, timeoutMs: 10 }, 0);
    assert.equal(cache.isChecking(e), true);
    // timeoutMs × batches + the slack.
    await assert.rejects(p, /did not finish within 50 ms/);
    assert.equal(cache.isChecking(e), false);
  });
});

describe('language server: backoff while nothing listens', () => {
  it('looks again after 2×, 4×… the first pause, capped, and stops when listening or undeclared', async () => {
    const fired: Array<{ key: string; at: number }> = [];
    const start = Date.now();
    const s = new ReprobeScheduler(key => fired.push({ key, at: Date.now() - start }), { initialMs: 20, maxMs: 80 });
    try {
      const pauses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const before = Date.now();
        s.observed('a', false);
        await new Promise<void>(res => { const t = setInterval(() => { if (fired.length > i) { clearInterval(t); res(); } }, 2); });
        pauses.push(Date.now() - before);
      }
      // Timers fire late, never early: each pause is at least its step of 20, 40, 80 (capped), 80, 80.
      [20, 40, 80, 80, 80].forEach((min, i) => assert.ok(pauses[i] >= min - 2, `pause ${i}: ${pauses[i]} ms`));
      // The schedule itself, read from the scheduler rather than from a loaded machine's clock: capped at 80.
      const t = Date.now();
      s.observed('a', false);
      const scheduled = s.nextAt('a')! - t;
      assert.ok(scheduled >= 80 && scheduled <= 82, `next pause scheduled in ${scheduled} ms`);

      s.observed('a', false);
      s.observed('a', true); // it listens now: no more looks
      s.observed('b', false);
      s.retain(new Set(['a'])); // b is no longer declared anywhere
      const count = fired.length;
      await new Promise(r => setTimeout(r, 150));
      assert.equal(fired.length, count);
      assert.equal(s.nextAt('a'), undefined);
    } finally {
      s.dispose();
    }
  });
});

/** Medians and p95 over repeated runs, after one warm-up that is not counted. */
export interface Stats { median: number; p95: number; n: number }

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), n: s.length };
}

export async function timeRuns(runs: number, fn: () => Promise<unknown> | unknown): Promise<Stats> {
  await fn(); // warm-up, not counted
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return stats(samples);
}

/**
 * Several cases timed in rounds, each case once per round (after one warm-up round), so a slow moment
 * of the machine falls on all of them alike and their ratios stay comparable.
 */
export async function timeInterleaved<K extends string>(runs: number, cases: Record<K, () => Promise<unknown> | unknown>): Promise<Record<K, Stats>> {
  const names = Object.keys(cases) as K[];
  for (const k of names) await cases[k]();
  const samples = Object.fromEntries(names.map(k => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const k of names) {
      const t0 = process.hrtime.bigint();
      await cases[k]();
      samples[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries(names.map(k => [k, stats(samples[k])])) as Record<K, Stats>;
}

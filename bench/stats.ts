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

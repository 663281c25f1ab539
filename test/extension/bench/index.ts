/**
 * Bench entry loaded by the extension host (bench/extension.mjs): activation and module load cost, and
 * what the debug gate adds to a launch with 1, 5 and 20 endpoints, against the bare TLS handshakes.
 * Writes its results as JSON to DEVCERT_BENCH_OUT.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as tls from 'tls';
import * as vscode from 'vscode';
import { api, launch, serve, setSetting, trustedLeaf } from '../suite/helpers';

const ROUNDS = Number(process.env.DEVCERT_BENCH_ROUNDS ?? 7);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function bareHandshakes(ports: number[]): Promise<number> {
  const t0 = performance.now();
  return Promise.all(ports.map(port => new Promise<void>((res, rej) => {
    const s = tls.connect({ host: 'localhost', port, servername: 'localhost', rejectUnauthorized: false }, () => { s.destroy(); res(); });
    s.on('error', rej);
  }))).then(() => performance.now() - t0);
}

export async function run(): Promise<void> {
  const results: Record<string, unknown> = {};
  const a = await api();
  results.activationMs = a.activationMs;

  // Loading the bundle again from a fresh path: its parse + evaluation cost, which activation does not include.
  const copy = path.join(os.tmpdir(), `devcert-extension-${process.pid}.js`);
  const ext = vscode.extensions.getExtension('devcert-doctor.devcert-doctor')!;
  fs.copyFileSync(path.join(ext.extensionPath, 'dist/extension.js'), copy);
  const t0 = performance.now();
  require(copy);
  results.bundleLoadMs = performance.now() - t0;
  fs.rmSync(copy);

  const leaf = trustedLeaf('bench');
  const gate: Record<number, unknown> = {};
  for (const n of [1, 5, 20]) {
    const gateMs: number[] = [], bareMs: number[] = [], launchWarn: number[] = [], launchOff: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Fresh servers (fresh ports) each round, so the gate's short cache never answers for them.
      const servers = await Promise.all(Array.from({ length: n }, () => serve(leaf)));
      try {
        // The endpoints come from the configuration itself (ASPNETCORE_URLS), so no settings change
        // triggers a background check that would warm the gate's cache: the gate probes them cold.
        const env = { ASPNETCORE_URLS: servers.map(x => x.url).join(';') };
        await setSetting('preLaunch', 'warn');
        let t = performance.now();
        await launch({ name: `bench warn ${n}/${round}`, env });
        launchWarn.push(performance.now() - t);
        const o = a.lastGateOutcome()!;
        if (o.endpoints.length < n) throw new Error(`the gate saw ${o.endpoints.length} of ${n} endpoints`);
        gateMs.push(o.gateMs);
        bareMs.push(await bareHandshakes(servers.map(x => x.port)));
        await setSetting('preLaunch', 'off');
        t = performance.now();
        await launch({ name: `bench off ${n}/${round}`, env });
        launchOff.push(performance.now() - t);
      } finally {
        await Promise.all(servers.map(s => s.close()));
      }
    }
    gate[n] = {
      gateMedianMs: median(gateMs), bareHandshakesMedianMs: median(bareMs),
      launchWithGateMedianMs: median(launchWarn), launchWithoutGateMedianMs: median(launchOff),
      gateMs, bareMs,
    };
    console.log(`gate with ${n} endpoint(s): gate ${median(gateMs).toFixed(1)} ms vs bare handshakes ${median(bareMs).toFixed(1)} ms; ` +
      `launch ${median(launchWarn).toFixed(0)} ms with gate, ${median(launchOff).toFixed(0)} ms without`);
  }
  results.gate = gate;
  await setSetting('preLaunch', undefined);
  console.log(`activation ${a.activationMs.toFixed(2)} ms, bundle load ${(results.bundleLoadMs as number).toFixed(1)} ms`);
  if (process.env.DEVCERT_BENCH_OUT) fs.writeFileSync(process.env.DEVCERT_BENCH_OUT, JSON.stringify(results, null, 2));
}

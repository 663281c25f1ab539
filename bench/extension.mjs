// Extension bench, in a real VS Code extension host (code-server, see scripts/setup-vscode-host.sh):
// activation time, bundle load time, and the debug gate's added time with 1, 5 and 20 endpoints against
// the bare TLS handshakes to the same servers. Writes bench/extension-results.json.
//   bash scripts/setup-vscode-host.sh && node bench/extension.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clock, root } from '../test/extension/host/codeServer.mjs';
import { buildAll, runInHost } from '../test/extension/host/runInHost.mjs';

const log = clock();
const out = path.join(root, 'bench/extension-results.json');
buildAll();
const code = await runInHost({ testsPath: path.join(root, 'out/test/extension/bench'), log, env: { DEVCERT_BENCH_OUT: out } });
if (code !== 0) process.exit(code);
const r = JSON.parse(readFileSync(out, 'utf8'));
console.log('\n| endpoints | gate (median ms) | bare handshakes (median ms) | F5 with gate | F5 without gate |');
console.log('|---:|---:|---:|---:|---:|');
for (const [n, g] of Object.entries(r.gate)) {
  console.log(`| ${n} | ${g.gateMedianMs.toFixed(1)} | ${g.bareHandshakesMedianMs.toFixed(1)} | ${g.launchWithGateMedianMs.toFixed(0)} | ${g.launchWithoutGateMedianMs.toFixed(0)} |`);
}
console.log(`\nactivate(): ${r.activationMs.toFixed(2)} ms; loading dist/extension.js: ${r.bundleLoadMs.toFixed(1)} ms`);

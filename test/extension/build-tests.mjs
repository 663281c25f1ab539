// Bundles the extension-host suite for the host: one JS file per test plus the mocha entry, into
// out/test/extension/suite/. `vscode` comes from the host; mocha is loaded from node_modules at runtime.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const suiteDir = path.join(here, 'suite');
const entryPoints = readdirSync(suiteDir).filter(f => f === 'index.ts' || f.endsWith('.test.ts')).map(f => path.join(suiteDir, f));
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning' };
await build({
  ...common, entryPoints: [path.join(here, 'bench/index.ts')], outdir: path.resolve(here, '../../out/test/extension/bench'),
});
await build({
  entryPoints, outdir: path.resolve(here, '../../out/test/extension/suite'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline',
  external: ['vscode', 'mocha'], logLevel: 'warning',
});

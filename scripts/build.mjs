// Bundles the entry points. `vscode` is provided by the extension host, so it stays external.
//
// Start-up is paid per byte a process loads, so what only some paths need is a bundle of its own,
// `require`d on first use (esbuild cannot split CommonJS output into chunks):
//   dist/forge.js   node-forge, for reading PFX files only (src/core/certs/pfxRead.ts);
//   dist/engine.js  the extension's repair engine (src/extension/engine/coreEngine.ts, via lazyEngine.ts).
// The source keeps plain `require('node-forge')` / `require('./coreEngine')`, so tests run it unbundled.
import { build } from 'esbuild';
import { chmodSync, readFileSync, statSync } from 'node:fs';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

/** Resolve `from` (an import path, optionally only from importers matching `importer`) to a sibling bundle. */
const siblingBundle = (name, from, importer) => ({
  name,
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${from.replace(/[./]/g, '\\$&')}$`) }, args =>
      !importer || importer.test(args.importer) ? { path: `./${name}.js`, external: true } : undefined);
  },
});
const forge = siblingBundle('forge', 'node-forge');
const engine = siblingBundle('engine', './coreEngine', /lazyEngine\.ts$/);

const common = {
  define: { __VERSION__: JSON.stringify(version) },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  minify: true, sourcemap: true, external: ['vscode'], logLevel: 'warning',
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow (the bundle then
  // fails at load with "Cannot find module './impl/format'"); its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [forge],
};
const outputs = {
  'dist/extension.js': { entryPoints: ['src/extension/extension.ts'], plugins: [forge, engine] },
  'dist/engine.js': { entryPoints: ['src/extension/engine/coreEngine.ts'] },
  'dist/server.js': { entryPoints: ['src/server/server.ts'] },
  'dist/cli.js': { entryPoints: ['src/cli/main.ts'], banner: { js: '#!/usr/bin/env node' } },
  'dist/forge.js': { entryPoints: ['scripts/forge-entry.cjs'], plugins: [] },
};
await Promise.all(Object.entries(outputs).map(([outfile, o]) => build({ ...common, ...o, outfile })));
chmodSync('dist/cli.js', 0o755);
if (process.argv.includes('--sizes')) {
  for (const f of Object.keys(outputs)) console.log(`${f.padEnd(18)} ${(statSync(f).size / 1024).toFixed(1)} KiB`);
}

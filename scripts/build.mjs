// Bundles the three entry points. `vscode` is provided by the extension host, so it stays external.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
const common = {
  define: { __VERSION__: JSON.stringify(version) },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  minify: true, sourcemap: true, external: ['vscode'], logLevel: 'warning',
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow (the bundle then
  // fails at load with "Cannot find module './impl/format'"); its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};
await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync('dist/cli.js', 0o755);

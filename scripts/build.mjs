// Bundles the entry points. `vscode` is provided by the extension host, so it stays external.
//
// Start-up is paid per byte a process loads, so what only some paths need is a bundle of its own,
// `require`d on first use (esbuild cannot split CommonJS output into chunks):
//   dist/forge.js   node-forge, for reading PFX files only (src/core/certs/pfxRead.ts);
//   dist/engine.js  the extension's repair engine (src/extension/engine/coreEngine.ts, via lazyEngine.ts).
// The source keeps plain `require('node-forge')` / `require('./coreEngine')`, so tests run it unbundled.
//
// And what several bundles need is in one file: dist/core.js holds src/core (every room, behind its
// door) and the CLI's commands, for the CLI, the language server and the engine, so the package carries
// it once. Its doors are getters: a room's modules are initialized when the room is first used, and the
// CLI, inside the bundle, initializes only what its command imports (commands are loaded lazily by
// src/cli/main.ts) — a `check` process never starts up `repair` or `bind`. The extension bundles the few
// core helpers it imports (tree-shaken: core's modules are marked free of side effects there) and reaches
// the rest through a lazy `require` of a door, which loads dist/core.js on first use.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeCodeCaches } from './codeCache.mjs';

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

const ROOMS = ['io', 'certs', 'endpoints', 'probe', 'plan', 'trust', 'check', 'bind', 'repair'];
const coreDir = path.resolve('src/core');
/** Imports of a core room's door from outside src/core (only `require` calls, with `lazyOnly`) become that room of dist/core.js. */
const sharedCore = ({ lazyOnly = false } = {}) => ({
  name: 'core',
  setup(b) {
    b.onResolve({ filter: new RegExp(`(^|/)core/(${ROOMS.join('|')})$`) }, args => {
      if (args.importer.startsWith(coreDir + path.sep) || (lazyOnly && args.kind !== 'require-call')) return undefined;
      return { path: path.basename(args.path), namespace: 'core-room' };
    });
    b.onResolve({ filter: /^\.\/core\.js$/ }, () => ({ path: './core.js', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'core-room' }, args => ({ contents: `module.exports = require("./core.js").${args.path};`, loader: 'js' }));
  },
});

/** src/core's modules do nothing when imported but define things: unused ones can be left out. */
const coreWithoutSideEffects = {
  name: 'core-pure',
  setup(b) {
    b.onResolve({ filter: /^\./ }, async args => {
      if (args.pluginData?.again) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { again: true } });
      return !r.errors.length && r.path.startsWith(coreDir + path.sep) ? { path: r.path, sideEffects: false } : undefined;
    });
  },
};

/**
 * `import * as fs from 'node:fs'` bundles as `__toESM(require("node:fs"))`: a copy of every property of
 * the module, once per importing file — ~100 builtin namespaces and 20 of `vscode` cost 20–40 ms of
 * start-up. Our sources only read properties of them, so the bundle takes the module itself.
 */
const plainBuiltinNamespaces = {
  name: 'plain-namespaces',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async args => ({
      contents: (await readFile(args.path, 'utf8')).replace(/^import \* as (\w+) from '(node:[\w/]+|vscode)';$/gm, "const $1 = require('$2');"),
      loader: 'ts',
    }));
  },
};

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
  'dist/extension.js': { entryPoints: ['src/extension/extension.ts'], plugins: [forge, engine, sharedCore({ lazyOnly: true }), coreWithoutSideEffects] },
  'dist/engine.js': { entryPoints: ['src/extension/engine/coreEngine.ts'], plugins: [sharedCore()] },
  'dist/server.js': { entryPoints: ['src/server/server.ts'], plugins: [sharedCore()] },
  // `devcert-doctor`: a launcher of Node built-ins only that loads core.js with its code cache
  // (scripts/codeCache.mjs makes it after the bundles) and runs its `cli`.
  'dist/cli.js': { entryPoints: ['src/cli/launch.ts'], banner: { js: '#!/usr/bin/env node' }, plugins: [] },
  'dist/core.js': {
    stdin: {
      contents: [
        'const loaded = {};',
        'const door = (name, load) => Object.defineProperty(exports, name, { enumerable: true, get: () => (loaded[name] ??= load()) });',
        ...ROOMS.map(r => `door('${r}', () => require('./src/core/${r}'));`),
        "door('cli', () => require('./src/cli/main'));",
      ].join('\n'),
      resolveDir: '.', sourcefile: 'core.js', loader: 'js',
    },
  },
  'dist/forge.js': { entryPoints: ['scripts/forge-entry.cjs'], plugins: [] },
};
// dist/ holds exactly what this build makes: nothing left from an earlier layout, and no code cache of an
// earlier build (an interrupted build never leaves a stale one).
rmSync('dist', { recursive: true, force: true });
await Promise.all(Object.entries(outputs).map(([outfile, o]) =>
  build({ ...common, ...o, plugins: [plainBuiltinNamespaces, ...(o.plugins ?? common.plugins)], outfile })));
chmodSync('dist/cli.js', 0o755);
// Without caches the CLI still works, only slower: a failed run is a warning here (the integration test
// cli-code-cache fails on it, so CI still notices).
await makeCodeCaches().catch(err => console.warn(`code caches not made: ${err.stack ?? err}`));
if (process.argv.includes('--sizes')) {
  for (const f of Object.keys(outputs)) console.log(`${f.padEnd(18)} ${(statSync(f).size / 1024).toFixed(1)} KiB`);
}

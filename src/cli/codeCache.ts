/**
 * Loading a bundle with the V8 code cache the build made for it (`<bundle>.cache`, see
 * scripts/codeCache.mjs). Most of a short CLI run was V8 compiling the functions it calls; with the
 * cache, their bytecode is read instead. Nothing is written at run time: the cache is part of the build,
 * like the bundle, and V8 refuses one made by another Node/V8 version or other flags — the bundle is then
 * compiled as usual, only slower.
 *
 * A cache belongs to one build of its bundle: the build appends `//# build=<id>` to the bundle and
 * writes the same id first in the cache, so a cache left from another build is never used (V8 itself
 * only compares the source's length).
 *
 * Only Node built-ins here: this runs before any bundle is loaded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

const BUILD_LINE = /\n\/\/# build=([0-9a-f]{16,64})\s*$/;
/** The build line is the bundle's last; searching only its tail spares a scan of the whole source (~0.3 ms). */
const buildIdOf = (source: string) => BUILD_LINE.exec(source.slice(-200))?.[1];
/** The cache file: this header line, then V8's data. */
const header = (id: string) => `devcert-doctor code cache ${id}\n`;

export interface LoadedBundle {
  exports: unknown;
  /** The compiled script, for the build to make the cache from after a run. */
  script: vm.Script;
  /** Whether V8 used the cache (false: none, another build's, or refused by V8). */
  cacheUsed: boolean;
}

/** A CommonJS wrapper, as Node's own loader writes it. */
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;

function cacheFor(bundle: string, source: string): Buffer | undefined {
  const id = buildIdOf(source);
  if (!id) return undefined;
  let data: Buffer;
  try { data = readFileSync(`${bundle}.cache`); } catch { return undefined; }
  const h = Buffer.from(header(id), 'latin1');
  return data.subarray(0, h.length).equals(h) ? data.subarray(h.length) : undefined;
}

/** Load `bundle` as Node would (CommonJS, its own `require`), with its code cache when there is a valid one. */
export function loadBundle(bundle: string): LoadedBundle {
  // esbuild writes ASCII only (its default charset escapes the rest), and latin1 is the cheaper decode.
  const source = readFileSync(bundle, 'latin1');
  const cachedData = cacheFor(bundle, source);
  const script = new vm.Script(wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown, id: bundle, filename: bundle, loaded: false };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  module.loaded = true;
  return { exports: module.exports, script, cacheUsed: !!cachedData && !script.cachedDataRejected };
}

/** The cache file's bytes for `bundle` after `script` ran (the functions it compiled are in it), or undefined for a bundle without a build id. */
export function codeCacheOf(source: string, script: vm.Script): Buffer | undefined {
  const id = buildIdOf(source);
  return id ? Buffer.concat([Buffer.from(header(id), 'latin1'), script.createCachedData()]) : undefined;
}

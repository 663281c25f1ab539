import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { codeCacheOf, loadBundle } from '../../src/cli/codeCache';
import { makeTempDir } from '../helpers/sandbox';

/** Load `bundle` in a fresh Node (no in-memory compilation cache) and say whether V8 took the code cache. */
function loadInChild(bundle: string): { cacheUsed: boolean; answer: unknown } {
  const loader = path.resolve(__dirname, '../../src/cli/codeCache.ts');
  const out = execFileSync(process.execPath, ['-r', 'esbuild-register', '-e',
    `const r = require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundle)});` +
    'process.stdout.write(JSON.stringify({ cacheUsed: r.cacheUsed, answer: r.exports.answer() }))'], { encoding: 'utf8' });
  return JSON.parse(out);
}

describe('CLI code cache: bundles loaded with the cache their build made', function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-codecache-');
  // What the bundles `require`, beside them as a bundle's siblings are (resolved by the bundle's own require).
  before(() => writeFileSync(path.join(tmp.dir, 'dep.js'), 'exports.n = 41;\n'));
  after(() => tmp.cleanup());
  const source = (id?: string) => `'use strict';\nconst dep = require('./dep.js');\nexports.answer = () => dep.n + 1;\n${id ? `//# build=${id}\n` : ''}`;

  it('a bundle with its own build id and cache: loaded from the cache, behaves the same', () => {
    const bundle = path.join(tmp.dir, 'with-cache.js');
    writeFileSync(bundle, source('0123456789abcdef0123456789abcdef'));
    const made = loadBundle(bundle);
    (made.exports as { answer(): number }).answer();
    writeFileSync(`${bundle}.cache`, codeCacheOf(source('0123456789abcdef0123456789abcdef'), made.script)!);
    assert.deepEqual(loadInChild(bundle), { cacheUsed: true, answer: 42 });
  });

  it('a cache from another build, a corrupt cache, or a bundle without a build id: compiled as usual', () => {
    const other = path.join(tmp.dir, 'other-build.js');
    writeFileSync(other, source('ffffffffffffffffffffffffffffffff'));
    const made = loadBundle(other);
    writeFileSync(`${other}.cache`, codeCacheOf(source('0123456789abcdef0123456789abcdef'), made.script)!);
    assert.deepEqual(loadInChild(other), { cacheUsed: false, answer: 42 }, 'the header names another build');

    const corrupt = path.join(tmp.dir, 'corrupt.js');
    writeFileSync(corrupt, source('0123456789abcdef0123456789abcdef'));
    writeFileSync(`${corrupt}.cache`, Buffer.concat([Buffer.from('devcert-doctor code cache 0123456789abcdef0123456789abcdef\n'), Buffer.alloc(512, 7)]));
    assert.deepEqual(loadInChild(corrupt), { cacheUsed: false, answer: 42 }, 'V8 refuses data that is not its own');

    const bare = path.join(tmp.dir, 'no-id.js');
    writeFileSync(bare, source());
    assert.equal(codeCacheOf(source(), loadBundle(bare).script), undefined, 'no build id: no cache is made');
    assert.deepEqual(loadInChild(bare), { cacheUsed: false, answer: 42 });
  });
});

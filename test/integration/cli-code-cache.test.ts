import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const LOADER = path.resolve(__dirname, '..', '..', 'src', 'cli', 'codeCache.ts');

describe('the built CLI loads its bundles from the code cache the build made (npm run build)', function () {
  this.timeout(30000);

  it('this Node accepts the cache of dist/core.js, which holds the CLI', () => {
    const out = execFileSync(process.execPath, ['-r', 'esbuild-register', '-e', [
      `const { loadBundle } = require(${JSON.stringify(LOADER)});`,
      `const core = loadBundle(${JSON.stringify(path.join(DIST, 'core.js'))});`,
      'process.stdout.write(JSON.stringify([core.cacheUsed, typeof core.exports.cli.main]));',
    ].join('\n')], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [true, 'function']);
  });
});

/**
 * Issue 13's readers on realistic files (test/fixtures/endpoints/frontend): every declared HTTPS port
 * found with the exact range that declares it, and every trap file silent (no endpoint, no warning).
 * The last test measures the corpus as a whole and prints it.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parserFor } from '../../src/core/endpoints';
import { rangeText } from '../fixtures/endpoints/ranges';

const CORPUS = path.join(__dirname, '../fixtures/endpoints/frontend');

interface Expected { url: string; range: string; detail: string; cert?: string; key?: string }
const EXPECTED: Record<string, Expected[]> = {
  'vue-cli4/vue.config.js': [{ url: 'https://localhost:8443', range: '8443', detail: 'devServer', cert: 'certs/localhost.pem', key: 'certs/localhost-key.pem' }],
  'vue-cli5/vue.config.js': [{ url: 'https://localhost:8080', range: 'https', detail: 'devServer' }],
  'vue-cli5-object/vue.config.ts': [{ url: 'https://localhost:8081', range: '8081', detail: 'devServer', cert: 'ssl/dev.crt', key: 'ssl/dev.key' }],
  'next-app/package.json': [
    { url: 'https://localhost:3443', range: '3443', detail: 'scripts.dev:https' },
    { url: 'https://localhost:3000', range: '--experimental-https', detail: 'scripts.dev:https-default' },
  ],
  'next-follow/package.json': [{ url: 'https://localhost:4443', range: '4443', detail: 'scripts.dev:ssl', cert: 'certs/cert.pem', key: 'certs/key.pem' }],
  'angular-cli/package.json': [
    // Port and certificate from angular.json's serve options; the range is the flag that turns SSL on.
    { url: 'https://localhost:4201', range: '--ssl', detail: 'scripts.start', cert: 'ssl/server.crt', key: 'ssl/server.key' },
    { url: 'https://localhost:4443', range: '4443', detail: 'scripts.start:secure', cert: 'ssl/server.crt', key: 'ssl/server.key' },
  ],
  'vite-cli/package.json': [
    { url: 'https://localhost:5443', range: '5443', detail: 'scripts.dev:https' },
    { url: 'https://localhost:4173', range: '--https', detail: 'scripts.preview' },
  ],
  'webpack-cli/package.json': [
    { url: 'https://localhost:9443', range: '9443', detail: 'scripts.start' },
    { url: 'https://localhost:9444', range: '9444', detail: 'scripts.start:legacy' },
  ],
  'vue-cli-script/package.json': [{ url: 'https://localhost:8444', range: '8444', detail: 'scripts.serve:https' }],
  'cra-cross-env/package.json': [
    { url: 'https://localhost:3006', range: '3006', detail: 'scripts.start' },
    { url: 'https://localhost:3007', range: '3007', detail: 'scripts.start:win' },
  ],
  'office-addin/package.json': [{ url: 'https://localhost:3001', range: '3001', detail: 'config.dev_server_port' }],
  'office-addin/webpack.config.js': [{ url: 'https://localhost:3001', range: 'npm_package_config_dev_server_port', detail: 'devServer' }],
  'nuxt3/nuxt.config.ts': [{ url: 'https://localhost:3443', range: '3443', detail: 'devServer', cert: 'certs/localhost.pem', key: 'certs/localhost-key.pem' }],
  'nuxt2/nuxt.config.js': [{ url: 'https://localhost:8000', range: '8000', detail: 'server', cert: 'server.crt', key: 'server.key' }],
  'astro/astro.config.mjs': [{ url: 'https://localhost:4443', range: '4443', detail: 'vite.server' }],
  'sveltekit-legacy/svelte.config.js': [{ url: 'https://localhost:3030', range: '3030', detail: 'kit.vite.server', cert: 'cert/cert.pem', key: 'cert/key.pem' }],
};
/** Proxy targets, public URLs, API base URLs, comments, `https: false`, ports that are variables. */
const TRAPS = [
  'vue-trap/vue.config.js', 'scripts-trap/package.json', 'nuxt-trap/nuxt.config.ts', 'astro-trap/astro.config.mjs',
  'office-trap/package.json', 'office-trap/webpack.config.js', 'webpack-env-trap/webpack.config.js',
];

function parse(rel: string) {
  const file = path.join(CORPUS, rel);
  const text = readFileSync(file, 'utf8');
  const parser = parserFor(file);
  assert.ok(parser, `${rel} has a reader`);
  return { text, out: parser(file, text) };
}

describe('endpoints: front-end configs (issue 13 corpus)', () => {
  for (const [rel, expected] of Object.entries(EXPECTED)) {
    it(`${rel}: ${expected.map((e) => e.url).join(', ')}`, () => {
      const { text, out } = parse(rel);
      assert.deepEqual(out.warnings, []);
      assert.deepEqual(out.endpoints.map((e) => e.url), expected.map((e) => e.url));
      out.endpoints.forEach((e, i) => {
        const want = expected[i];
        assert.equal(e.sources.length, 1);
        assert.equal(rangeText(text, e.sources[0].range), want.range);
        assert.equal(e.sources[0].detail, want.detail);
        const dir = path.dirname(path.join(CORPUS, rel));
        assert.equal(e.certificates[0]?.path, want.cert && path.join(dir, want.cert));
        assert.equal(e.certificates[0]?.keyPath, want.key && path.join(dir, want.key));
      });
    });
  }

  for (const rel of TRAPS) {
    it(`trap ${rel}: no endpoint, no warning`, () => {
      const { out } = parse(rel);
      assert.deepEqual(out.endpoints, []);
      assert.deepEqual(out.warnings, []);
    });
  }

  it('package.json scripts name the dev server they run (where a regenerated certificate goes)', () => {
    const servers = ['next-app', 'angular-cli', 'vite-cli', 'webpack-cli', 'vue-cli-script', 'cra-cross-env']
      .map((d) => parse(`${d}/package.json`).out.endpoints[0].sources[0].server);
    assert.deepEqual(servers, ['next', 'angular', 'vite', 'webpack', 'vue', 'cra']);
  });

  it('corpus: declared HTTPS ports found / total, traps reported', () => {
    let total = 0;
    let found = 0;
    for (const [rel, expected] of Object.entries(EXPECTED)) {
      const urls = new Set(parse(rel).out.endpoints.map((e) => e.url));
      total += expected.length;
      found += expected.filter((e) => urls.has(e.url)).length;
    }
    const traps = TRAPS.reduce((n, rel) => { const o = parse(rel).out; return n + o.endpoints.length + o.warnings.length; }, 0);
    console.log(`      corpus: ${found}/${total} declared HTTPS ports found, ${traps} trap(s) reported`);
    assert.equal(found, total);
    assert.equal(traps, 0);
  });
});

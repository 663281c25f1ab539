import * as assert from 'node:assert/strict';
import { parseViteOrWebpackConfig } from '../../src/core/endpoints/devServerConfig';
import { rangeText } from '../fixtures/endpoints/ranges';

const VITE = '/web/vite.config.ts';
const WEBPACK = '/web/webpack.config.js';
const ports = (file: string, text: string): number[] => parseViteOrWebpackConfig(file, text).endpoints.map((e) => e.port);

describe('endpoints: vite / webpack configs (text scan, never evaluated)', () => {
  it('vite: server.https object with readFileSync paths; port literal range', () => {
    const text = `import { defineConfig } from 'vite'
import fs from 'fs'
export default defineConfig({
  server: {
    https: { key: fs.readFileSync('certs/key.pem'), cert: fs.readFileSync(\`\${__dirname}/certs/cert.pem\`) },
    port: 3100,
  },
})`;
    const r = parseViteOrWebpackConfig(VITE, text);
    assert.deepEqual(r.endpoints.map((e) => e.url), ['https://localhost:3100']);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), '3100');
    assert.equal(r.endpoints[0].certificates[0].path, '/web/certs/cert.pem');
    assert.equal(r.endpoints[0].certificates[0].keyPath, '/web/certs/key.pem');
  });

  it('vite: https: true with the default port 5173; https: false and no https are not endpoints', () => {
    assert.deepEqual(ports(VITE, 'export default { server: { https: true } }'), [5173]);
    assert.deepEqual(ports(VITE, 'export default { server: { https: false, port: 3000 } }'), []);
    assert.deepEqual(ports(VITE, 'export default { server: { port: 3000 } }'), []);
  });

  it('vite: basic-ssl / mkcert plugins turn HTTPS on', () => {
    const text = "import basicSsl from '@vitejs/plugin-basic-ssl'\nexport default { plugins: [basicSsl()], server: { port: 3200 } }";
    assert.deepEqual(ports(VITE, text), [3200]);
    assert.deepEqual(ports(VITE, "import mkcert from 'vite-plugin-mkcert'\nexport default defineConfig({ plugins: [mkcert()] })"), [5173]);
  });

  it('vite traps: proxy targets, hmr ports, vitest test.server, comments and strings', () => {
    const text = `// server: { https: true, port: 1111 }
const note = "server: { https: true, port: 2222 }";
export default defineConfig({
  /* server: { https: true, port: 3333 } */
  server: {
    port: 3300,
    proxy: { '/api': { target: 'https://localhost:7080', secure: false }, '/b': 'https://localhost:7081' },
    hmr: { port: 24678, protocol: 'wss' },
  },
  test: { server: { https: true, port: 4444 } },
  preview: { port: 4173 },
});`;
    assert.deepEqual(ports(VITE, text), []);
  });

  it('vite: a port expression with one number literal, and a const followed one step', () => {
    assert.deepEqual(ports(VITE, 'export default { server: { https: {}, port: Number(process.env.PORT) || 3400 } }'), [3400]);
    assert.deepEqual(ports(VITE, 'const PORT = 3401\nconst httpsOptions = { pfx: readFileSync("dev.pfx"), passphrase: "x" }\nexport default { server: { https: httpsOptions, port: PORT } }'), [3401]);
    const r = parseViteOrWebpackConfig(VITE, 'const httpsOptions = { pfx: readFileSync("dev.pfx"), passphrase: "x" }\nexport default { server: { https: httpsOptions } }');
    assert.equal(r.endpoints[0].certificates[0].path, '/web/dev.pfx');
    assert.equal(r.endpoints[0].certificates[0].hasPassword, true);
  });

  it('vite: preview inherits server.https and defaults to 4173', () => {
    assert.deepEqual(ports(VITE, 'export default { server: { https: true }, preview: { open: true } }'), [5173, 4173]);
  });

  it('webpack: devServer https / server: "https" / server.type / http2, port default 8080', () => {
    assert.deepEqual(ports(WEBPACK, 'module.exports = { devServer: { https: true, port: 9000 } }'), [9000]);
    assert.deepEqual(ports(WEBPACK, "module.exports = { devServer: { server: 'https' } }"), [8080]);
    assert.deepEqual(ports(WEBPACK, "module.exports = { devServer: { server: 'http', port: 9001 } }"), []);
    const text = `const path = require('path');
module.exports = (env) => ({
  entry: './src/index.js',
  module: { rules: [{ test: /\\.{js,jsx}$/, exclude: /node_modules/ }] },
  devServer: {
    port: '9002',
    server: { type: 'https', options: { key: path.join(__dirname, 'certs', 'k.pem'), cert: path.resolve(__dirname, './certs/c.pem') } },
    proxy: [{ context: ['/api'], target: 'https://localhost:7080', secure: false }],
    client: { webSocketURL: 'wss://localhost:9999/ws' },
  },
});`;
    const r = parseViteOrWebpackConfig(WEBPACK, text);
    assert.deepEqual(r.endpoints.map((e) => e.port), [9002]);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), '9002');
    assert.equal(r.endpoints[0].certificates[0].path, '/web/certs/c.pem');
    assert.equal(r.endpoints[0].certificates[0].keyPath, '/web/certs/k.pem');
    assert.equal(r.endpoints[0].sources[0].kind, 'webpack.config');
    assert.deepEqual(ports(WEBPACK, "module.exports = { devServer: { http2: true, port: 9003 } }"), [9003]);
    assert.deepEqual(ports(WEBPACK, "module.exports = { devServer: { https: true, port: 'auto' } }"), []);
  });

  it('never throws on garbage or half-written files', () => {
    for (const t of ['', 'export default {', 'server: {', '`unterminated ${ {', '/* open', 'devServer: { https: true, port: ']) {
      assert.doesNotThrow(() => parseViteOrWebpackConfig(VITE, t));
      assert.doesNotThrow(() => parseViteOrWebpackConfig(WEBPACK, t));
    }
  });
});

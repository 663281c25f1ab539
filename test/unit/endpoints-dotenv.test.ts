import * as assert from 'node:assert/strict';
import { parseDotEnv, parseDotEnvSet, readDotEnv } from '../../src/core/endpoints/dotenv';
import { rangeText } from '../fixtures/endpoints/ranges';

describe('endpoints: CRA .env files', () => {
  it('HTTPS=true with PORT: the range is the PORT value; HOST and certificate files are read', () => {
    const text = '# comment\nexport HTTPS=true\nHOST=127.0.0.1\nPORT = "3443"\nSSL_CRT_FILE=./certs/cert.pem  # trailing comment\nSSL_KEY_FILE=\'./certs/key.pem\'\n';
    const r = parseDotEnv('/app/.env', text, []);
    assert.deepEqual(r.endpoints.map((e) => e.url), ['https://127.0.0.1:3443']);
    const e = r.endpoints[0];
    assert.equal(rangeText(text, e.sources[0].range), '3443');
    assert.equal(e.sources[0].line, 4);
    assert.equal(e.certificates[0].path, '/app/certs/cert.pem');
    assert.equal(e.certificates[0].keyPath, '/app/certs/key.pem');
    assert.equal(rangeText(text, e.certificates[0].source.range), './certs/cert.pem');
  });

  it('HTTPS=true alone: port 3000, range on the HTTPS value', () => {
    const text = 'HTTPS=true\n';
    const r = parseDotEnv('/app/.env', text, []);
    assert.deepEqual(r.endpoints.map((e) => e.port), [3000]);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), 'true');
  });

  it('no HTTPS=true (or HTTPS=1): a plain http dev server, and REACT_APP_* URLs are what the app calls', () => {
    assert.deepEqual(parseDotEnv('/app/.env', 'PORT=3443\nREACT_APP_API=https://localhost:7080\n', []).endpoints, []);
    assert.deepEqual(parseDotEnv('/app/.env', 'HTTPS=1\nPORT=3443\n', []).endpoints, []);
  });

  it('layers files as react-scripts does: .env.development.local > .env.local > .env.development > .env', () => {
    const r = parseDotEnvSet([
      { file: '/app/.env', text: 'HTTPS=true\nPORT=3000\n' },
      { file: '/app/.env.development', text: 'PORT=3001\n' },
      { file: '/app/.env.development.local', text: 'PORT=${BASE_PORT}\nBASE_PORT=3002\n' },
    ]);
    assert.deepEqual(r.endpoints.map((e) => e.port), [3002]);
    assert.equal(r.endpoints[0].sources[0].file, '/app/.env.development.local');
  });

  it('re-parsing one open file uses its siblings and reports only what that file declares', () => {
    const siblings = [{ file: '/app/.env.local', text: 'PORT=3005\n' }];
    assert.deepEqual(parseDotEnv('/app/.env', 'HTTPS=true\nPORT=3000\n', siblings).endpoints, [], 'the port is declared by .env.local');
    const local = parseDotEnv('/app/.env.local', 'PORT=3005\n', [{ file: '/app/.env', text: 'HTTPS=true\n' }]);
    assert.deepEqual(local.endpoints.map((e) => e.port), [3005]);
  });

  it('reads values with their offsets', () => {
    const vars = readDotEnv('A=1\r\nB = "two words" \r\n  export C=x#notacomment\n');
    assert.deepEqual([...vars.entries()].map(([k, v]) => [k, v.value]), [['A', '1'], ['B', 'two words'], ['C', 'x#notacomment']]);
    assert.equal(vars.get('B')!.start, 'A=1\r\nB = "'.length);
  });
});

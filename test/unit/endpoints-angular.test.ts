import * as assert from 'node:assert/strict';
import { parseAngularJson } from '../../src/core/endpoints/angularJson';
import { rangeText } from '../fixtures/endpoints/ranges';

const FILE = '/ng/angular.json';

describe('endpoints: angular.json', () => {
  it('ssl: true uses port 4200 by default, range on the ssl value; sslCert/sslKey resolved against the file', () => {
    const text = '{"projects":{"app":{"architect":{"serve":{"options":{"ssl":true,"sslCert":"ssl/a.crt","sslKey":"ssl/a.key"}}}}}}';
    const r = parseAngularJson(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.url), ['https://localhost:4200']);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), 'true');
    assert.equal(r.endpoints[0].certificates[0].path, '/ng/ssl/a.crt');
    assert.equal(r.endpoints[0].certificates[0].keyPath, '/ng/ssl/a.key');
  });

  it('configurations layer over options: ssl turned on or off, port and host changed', () => {
    const text = `{
  "projects": {
    "app": {
      "architect": {
        "serve": {
          "options": { "port": 4300 },
          "configurations": {
            "secure": { "ssl": true },
            "lan": { "ssl": true, "host": "0.0.0.0", "port": 4401 },
          }
        }
      }
    },
    "other": { "targets": { "serve": { "options": { "ssl": true, "port": 4500 }, "configurations": { "insecure": { "ssl": false, "port": 4501 } } } } },
    "lib": { "architect": { "test": { "options": { "port": 9876 } } } }
  }
}`;
    const r = parseAngularJson(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.port), [4300, 4401, 4500]);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), '4300');
    assert.equal(r.endpoints[0].sources[0].detail, 'app:serve:secure');
    assert.equal(r.endpoints[1].host, '0.0.0.0');
  });

  it('malformed angular.json: warning with line', () => {
    const r = parseAngularJson(FILE, '{\n "projects": {\n  "a": {"architect": {"serve": {"options": {"ssl": true,, "port": 4600}}}}\n }\n}');
    assert.equal(r.warnings[0].line, 3);
  });
});

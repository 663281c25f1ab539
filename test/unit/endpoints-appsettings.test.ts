import * as assert from 'node:assert/strict';
import { parseAppSettings } from '../../src/core/endpoints/appSettings';
import { rangeText } from '../fixtures/endpoints/ranges';

const FILE = '/ws/Api/appsettings.Development.json';

describe('endpoints: appsettings*.json', () => {
  const text = `{
  // Kestrel configuration (keys are case-insensitive in .NET)
  "kestrel": {
    "endpoints": {
      "Http": { "Url": "http://localhost:44300" },
      "HttpsInlineCertAndKeyFile": {
        "url": "https://localhost:7501",
        "Certificate": { "Path": "certs/server.crt", "KeyPath": "certs/server.key" }
      },
      "HttpsFromStore": {
        "Url": "https://localhost:7502",
        "ClientCertificateMode": "RequireCertificate",
        "Certificate": { "Subject": "localhost", "Store": "My", "Location": "CurrentUser", "AllowInvalid": true }
      },
      "Pfx": {
        "Url": "https://localhost:7503",
        "Certificate": { "Path": "C:\\\\certs\\\\dev.pfx", "Password": "hunter2" },
        "Sni": { "a.localhost": { "Certificate": { "Path": "a.pfx" } } }
      },
    },
    "Certificates": { "Default": { "Path": "default.pfx", "Password": "" } },
  },
  "Urls": "http://localhost:5000;https://localhost:7504",
  "HTTPS_PORTS": "7505",
  "https_port": 44399,
  "HttpsRedirection": { "HttpsPort": 44398 },
  "AllowedOrigins": "https://localhost:44397",
  "Cors": { "Origins": [ "https://localhost:44396" ] },
  "ClientUrl": "https://localhost:44395",
  "Authentication": { "Authority": "https://localhost:44394", "Issuer": "https://localhost:44394" },
  "RedirectUris": [ "https://localhost:44393/signin-oidc" ],
  "PostLogoutRedirectUris": [ "https://localhost:44392/" ],
  "ReverseProxy": { "Clusters": { "c": { "Destinations": { "d": { "Address": "https://localhost:44391" } } } } },
}`;
  const r = parseAppSettings(FILE, text);

  it('reads Kestrel endpoints (case-insensitively), Urls and HTTPS_PORTS; no traps', () => {
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7501, 7502, 7503, 7504, 7505]);
  });

  it('attaches endpoint certificates, resolving paths against the file folder, never keeping a password', () => {
    const e1 = r.endpoints[0];
    assert.equal(e1.certificates[0].path, '/ws/Api/certs/server.crt');
    assert.equal(e1.certificates[0].keyPath, '/ws/Api/certs/server.key');
    assert.equal(rangeText(text, e1.certificates[0].source.range), 'certs/server.crt');
    const store = r.endpoints[1];
    assert.deepEqual(
      { subject: store.certificates[0].subject, store: store.certificates[0].store, location: store.certificates[0].location, allowInvalid: store.certificates[0].allowInvalid },
      { subject: 'localhost', store: 'My', location: 'CurrentUser', allowInvalid: true });
    assert.equal(store.clientCertificateMode, 'RequireCertificate');
    const pfx = r.endpoints[2];
    assert.equal(pfx.certificates[0].path, 'C:\\certs\\dev.pfx', 'a Windows absolute path stays as written');
    assert.equal(pfx.certificates[0].hasPassword, true);
    assert.equal(pfx.certificates[1].path, '/ws/Api/a.pfx');
    assert.ok(!JSON.stringify(r).includes('hunter2'));
  });

  it('Kestrel:Certificates:Default goes to the default certificates; an empty password is no password', () => {
    assert.equal(r.certificates.length, 1);
    assert.equal(r.certificates[0].path, '/ws/Api/default.pfx');
    assert.equal(r.certificates[0].hasPassword, undefined);
  });

  it('ranges: the Url value, a list item, the HTTPS_PORTS value', () => {
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), 'https://localhost:7501');
    assert.equal(r.endpoints[0].sources[0].line, 7);
    assert.equal(rangeText(text, r.endpoints[3].sources[0].range), 'https://localhost:7504');
    assert.equal(rangeText(text, r.endpoints[4].sources[0].range), '7505');
  });

  it('a JSON escape before a list item does not shift its range', () => {
    const t = '{"Urls": "http://l\\u006fcalhost:5000;https://localhost:7601"}';
    const e = parseAppSettings(FILE, t).endpoints[0];
    assert.equal(rangeText(t, e.sources[0].range), 'https://localhost:7601');
  });

  it('malformed: warning on the line of the first error', () => {
    const w = parseAppSettings(FILE, '{\n  "Urls": "https://localhost:7701",\n  "Kestrel": {\n    "Endpoints": \n  }\n}').warnings;
    assert.equal(w.length, 1);
    assert.equal(w[0].line, 5);
  });
});

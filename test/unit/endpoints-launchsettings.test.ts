import * as assert from 'node:assert/strict';
import { endpointsFromLaunchSettingsProfile, parseLaunchSettings } from '../../src/core/endpoints/launchSettings';
import { rangeText } from '../fixtures/endpoints/ranges';

const FILE = '/ws/Api/Properties/launchSettings.json';

describe('endpoints: launchSettings.json', () => {
  it('reads every profile applicationUrl item with its own range; launchUrl and http items are not listeners', () => {
    const text = `{
  "profiles": {
    "https": {
      "commandName": "Project",
      "launchUrl": "https://localhost:9001/swagger",
      "applicationUrl": "https://localhost:7001;http://localhost:44305;https://0.0.0.0:7002",
    },
  }
}`;
    const r = parseLaunchSettings(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7001, 7002]);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), 'https://localhost:7001');
    assert.equal(rangeText(text, r.endpoints[1].sources[0].range), 'https://0.0.0.0:7002');
    assert.equal(r.endpoints[1].url, 'https://localhost:7002', 'a wildcard listener is probed on localhost');
    assert.equal(r.endpoints[1].host, '0.0.0.0');
    assert.equal(r.endpoints[0].sources[0].detail, 'https');
  });

  it('comments never produce endpoints, and for duplicate keys the last one wins', () => {
    const text = `{
  "iisSettings": {
    "iisExpress": {
      "applicationUrl": "http://localhost:8080",
      //#if (HasHttpsProfile)
      // "sslPort": 44390,
      /* "sslPort": 44391, */
      //#endif
      "sslPort": 44392,
      "sslPort": 44393
    }
  },
  "profiles": { "p": { "applicationUrl": "https://localhost:7100" }, "p": { "applicationUrl": "https://localhost:7101" } }
}`;
    const r = parseLaunchSettings(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.port).sort(), [44393, 7101]);
    const iis = r.endpoints.find((e) => e.port === 44393)!;
    assert.equal(rangeText(text, iis.sources[0].range), '44393');
    assert.equal(iis.sources[0].line, 10);
  });

  it('sslPort 0 means no HTTPS; an https iisExpress.applicationUrl counts', () => {
    const r = parseLaunchSettings(FILE, '{"iisSettings":{"iisExpress":{"applicationUrl":"https://localhost:44320/","sslPort":0}}}');
    assert.deepEqual(r.endpoints.map((e) => e.port), [44320]);
  });

  it('reads environmentVariables ASPNETCORE_URLS and HTTPS ports, and --urls in commandLineArgs', () => {
    const text = '{"profiles":{"a":{"commandName":"Project","environmentVariables":{"aspnetcore_urls":"https://+:7201","ASPNETCORE_HTTPS_PORTS":"7202"},"commandLineArgs":"--urls https://localhost:7203 --inspect=9229"}}}';
    const r = parseLaunchSettings(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7201, 7202, 7203]);
    assert.equal(rangeText(text, r.endpoints[2].sources[0].range), 'https://localhost:7203');
  });

  it('Docker profiles: container ports in the environment are not host listeners; the published sslPort is', () => {
    const text = '{"profiles":{"Docker":{"commandName":"Docker","launchUrl":"{Scheme}://{ServiceHost}:{ServicePort}","environmentVariables":{"ASPNETCORE_URLS":"https://+:443","ASPNETCORE_HTTPS_PORTS":"8081"},"sslPort":44360,"useSSL":true}}}';
    const r = parseLaunchSettings(FILE, text);
    assert.deepEqual(r.endpoints.map((e) => e.port), [44360]);
  });

  it('a malformed file warns on the right line', () => {
    const r = parseLaunchSettings(FILE, '{\n  "profiles": {\n    "a": { "applicationUrl": "https://localhost:7301" },\n    "b": { "applicationUrl": "https://localhost:7302" ]\n  }\n}');
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].line, 4);
    assert.ok(r.endpoints.some((e) => e.port === 7301));
  });

  it('one profile object for the debug gate, with IIS Express ports when the profile runs IIS Express', () => {
    const eps = endpointsFromLaunchSettingsProfile({ commandName: 'Project', applicationUrl: 'https://localhost:7401;http://localhost:5401' }, 'https');
    assert.deepEqual(eps.map((e) => e.url), ['https://localhost:7401']);
    assert.equal(eps[0].sources[0].detail, 'https');
    const iis = endpointsFromLaunchSettingsProfile({ commandName: 'IISExpress' }, 'IIS Express', { iisSettings: { iisExpress: { sslPort: 44321 } } });
    assert.deepEqual(iis.map((e) => e.port), [44321]);
    const notIis = endpointsFromLaunchSettingsProfile({ commandName: 'Project' }, 'p', { iisSettings: { iisExpress: { sslPort: 44321 } } });
    assert.deepEqual(notIis, []);
  });
});

import * as assert from 'node:assert/strict';
import { endpointsFromLaunchConfiguration, parseLaunchJson } from '../../src/core/endpoints/launchJson';
import { lineText, rangeText } from '../fixtures/endpoints/ranges';

const FILE = '/ws/.vscode/launch.json';

describe('endpoints: launch.json', () => {
  const text = `{
  // Use IntelliSense to learn about possible attributes.
  "version": "0.2.0",
  "configurations": [
    {
      "name": ".NET Core Launch (web)",
      "type": "coreclr",
      "request": "launch",
      "program": "\${workspaceFolder}/bin/Debug/net8.0/Api.dll",
      "args": ["--urls", "https://localhost:7001;http://localhost:5001"],
      "env": {
        "ASPNETCORE_ENVIRONMENT": "Development",
        "ASPNETCORE_URLS": "http://localhost:44321; https://127.0.0.1:7002 ;https://localhost:\${env:PORT}",
        "ASPNETCORE_HTTPS_PORT": "7003",
      },
      "serverReadyAction": { "action": "openExternally", "pattern": "\\\\bNow listening on:\\\\s+(https?://\\\\S+)", "uriFormat": "%s/swagger" },
    },
    {
      "name": "Worker",
      "type": "coreclr",
      "request": "launch",
      "args": ["--urls=https://[::1]:7004"],
      "env": { "ASPNETCORE_HTTPS_PORTS": "7005;7006" },
      "serverReadyAction": { "action": "openExternally", "uriFormat": "https://localhost:7007/health" }
    },
    /* { "name": "old", "url": "https://localhost:7999" }, */
    { "name": "Chrome", "type": "chrome", "request": "launch", "url": "https://localhost:4200/", "webRoot": "\${workspaceFolder}" },
    { "name": "Vars", "type": "chrome", "request": "launch", "url": "https://localhost:\${config:port}" },
    { "name": "Attach", "type": "node", "request": "attach", "port": 9229, "runtimeArgs": ["--inspect=9230"] },
    { "name": "Plain", "type": "chrome", "request": "launch", "url": "http://localhost:44300" },
  ],
  "compounds": [{ "name": "All", "configurations": [".NET Core Launch (web)", "Chrome"] }]
}`;
  const out = parseLaunchJson(FILE, text);
  const ports = out.endpoints.map((e) => e.port).sort((a, b) => a - b);

  it('reads url, env URLS and HTTPS ports, --urls in both forms and literal uriFormat', () => {
    assert.deepEqual(ports, [4200, 7001, 7002, 7003, 7004, 7005, 7006, 7007]);
    assert.deepEqual(out.warnings, []);
  });

  it('ignores http URLs (even 443xx), variables, %s, commented configurations and debugger ports', () => {
    for (const p of [44300, 44321, 5001, 7999, 9229, 9230]) assert.ok(!ports.includes(p), `port ${p} must not be an endpoint`);
  });

  it('gives each item of a ; list its own exact range and line', () => {
    const e = out.endpoints.find((x) => x.port === 7002)!;
    assert.equal(rangeText(text, e.sources[0].range), 'https://127.0.0.1:7002');
    assert.equal(e.sources[0].line, 13);
    assert.equal(e.sources[0].detail, '.NET Core Launch (web)');
    assert.equal(e.host, '127.0.0.1');
    assert.equal(e.loopback, true);
    const p = out.endpoints.find((x) => x.port === 7006)!;
    assert.equal(rangeText(text, p.sources[0].range), '7006');
    assert.equal(p.url, 'https://localhost:7006');
    assert.equal(rangeText(text, out.endpoints.find((x) => x.port === 7004)!.sources[0].range), 'https://[::1]:7004');
    assert.equal(rangeText(text, out.endpoints.find((x) => x.port === 7001)!.sources[0].range), 'https://localhost:7001');
    assert.match(lineText(text, out.endpoints.find((x) => x.port === 7007)!.sources[0].line), /uriFormat/);
  });

  it('normalises hosts: [::1] keeps brackets for the URL, not for connecting', () => {
    const e = out.endpoints.find((x) => x.port === 7004)!;
    assert.equal(e.url, 'https://[::1]:7004');
    assert.equal(e.connectHost, '::1');
  });

  it('warns with the line of the first syntax error and still reads what it can', () => {
    const broken = '{\n  "configurations": [\n    { "name": "a", "url": "https://localhost:7010" }\n    { "name": "b" }\n  ]\n}';
    const r = parseLaunchJson(FILE, broken);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].line, 4);
    assert.equal(r.warnings[0].file, FILE);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7010]);
  });

  it('does not crash on files that are not objects', () => {
    assert.deepEqual(parseLaunchJson(FILE, '').endpoints, []);
    assert.deepEqual(parseLaunchJson(FILE, '[1,2]').endpoints, []);
    assert.deepEqual(parseLaunchJson(FILE, '{"configurations": {"url": "https://localhost:1"}}').endpoints, []);
  });

  it('extracts endpoints from one configuration object (the debug gate)', () => {
    const eps = endpointsFromLaunchConfiguration({
      name: 'web', type: 'coreclr', url: 'https://localhost:5001/',
      env: { ASPNETCORE_URLS: 'https://*:5001;https://localhost:5002', ASPNETCORE_HTTPS_PORT: 5003 },
      args: ['--urls', 'https://+:5004'], port: 9229,
      serverReadyAction: { uriFormat: 'https://localhost:5005' },
    });
    assert.deepEqual(eps.map((e) => e.port), [5001, 5002, 5003, 5004, 5005]);
    const e5001 = eps[0];
    assert.equal(e5001.sources.length, 2, 'url and ASPNETCORE_URLS both declare 5001: merged');
    assert.equal(e5001.host, 'localhost');
    assert.equal(eps[3].url, 'https://localhost:5004', 'wildcard + becomes localhost in the URL');
    assert.equal(eps[3].host, '+');
    assert.equal(eps[0].sources[0].line, 0);
  });
});

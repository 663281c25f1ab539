import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyFile } from '../../src/core/endpoints/walk';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import { parseLaunchJson } from '../../src/core/endpoints/launchJson';
import type { DeclaredEndpoint, DiscoveryResult } from '../../src/core/endpoints/types';
import { makeTempDir } from '../helpers/sandbox';
import { rangeText } from '../fixtures/endpoints/ranges';

const FIXTURES = path.resolve(__dirname, '../fixtures/endpoints');
const byPort = (r: DiscoveryResult, port: number): DeclaredEndpoint => {
  const e = r.endpoints.find((x) => x.port === port);
  assert.ok(e, `expected an endpoint on port ${port}, got ${r.endpoints.map((x) => x.port).join(', ')}`);
  return e;
};
const sliceOf = (file: string, e: { range: Parameters<typeof rangeText>[1] }): string => rangeText(readFileSync(file, 'utf8'), e.range);

describe('endpoints: discovery over fixture workspaces', () => {
  it('ASP.NET Core project: merges the same port from launch.json, launchSettings.json and appsettings.json', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'aspnetcore'));
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7080, 7081, 7443, 44351]);
    const e = byPort(r, 7080);
    assert.deepEqual(e.sources.map((s) => s.kind), ['launch.json', 'launchSettings.json', 'appsettings.json']);
    for (const s of e.sources) assert.equal(sliceOf(s.file, s), 'https://localhost:7080');
    assert.equal(e.certificates.length, 1);
    assert.equal(e.certificates[0].path, path.join(FIXTURES, 'aspnetcore/certs/weatherapi.pfx'));
    assert.equal(e.certificates[0].hasPassword, true);
    assert.ok(!JSON.stringify(r).includes('not-a-real-secret'), 'the password value is never kept');
    // The template's commented-out `//"sslPort": 0` must not win over the live 44351.
    const iis = byPort(r, 44351);
    assert.equal(sliceOf(iis.sources[0].file, iis.sources[0]), '44351');
    // Kestrel:Certificates:Default from appsettings.Development.json.
    assert.equal(r.defaultCertificates.length, 1);
    assert.equal(r.defaultCertificates[0].keyPath, path.join(FIXTURES, 'aspnetcore/src/WeatherApi/certs/dev.key'));
    assert.equal(byPort(r, 7443).clientCertificateMode, 'RequireCertificate');
  });

  it('ASP.NET Core project: no trap is reported (CORS, authority, redirect URIs, https_port, proxies, http, Docker container ports)', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'aspnetcore'));
    const ports = r.endpoints.map((e) => e.port);
    for (const trap of [4200, 44300, 3000, 5173, 4201, 5001, 44302, 44303, 5080, 38512, 8081]) assert.ok(!ports.includes(trap), `trap ${trap} reported`);
  });

  it('IIS Express solution: https bindings from .vs/<sln>/config/applicationhost.config, merged with sslPort', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'iisexpress'));
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.endpoints.map((e) => e.port), [44312, 44313]);
    const e = byPort(r, 44312);
    assert.deepEqual(e.sources.map((s) => s.kind), ['launchSettings.json', 'applicationhost.config']);
    const binding = e.sources[1];
    assert.equal(sliceOf(binding.file, binding), '*:44312:localhost');
    assert.equal(binding.detail, 'site LegacyShop');
    assert.equal(byPort(r, 44313).host, '127.0.0.1');
  });

  it('CRA app: .env layers (HTTPS=true in .env, PORT and certificate in .env.local), .env.production ignored', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'cra'));
    assert.deepEqual(r.endpoints.map((e) => e.url), ['https://localhost:3443']);
    const e = r.endpoints[0];
    assert.equal(path.basename(e.sources[0].file), '.env.local');
    assert.equal(sliceOf(e.sources[0].file, e.sources[0]), '3443');
    assert.equal(e.certificates[0].path, path.join(FIXTURES, 'cra/certs/localhost.pem'));
    assert.equal(e.certificates[0].keyPath, path.join(FIXTURES, 'cra/certs/localhost-key.pem'));
  });

  it('Angular app: serve options and a configuration that changes the port; proxy.conf.json and plain configurations ignored', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'angular'));
    assert.deepEqual(r.endpoints.map((e) => e.port), [4200, 4443]);
    assert.equal(byPort(r, 4200).sources.length, 1, 'configurations that do not change the listener add no source');
    assert.equal(byPort(r, 4443).sources[0].detail, 'shop-ui:serve:e2e');
  });

  it('Vite app: server.https with readFileSync certificates and a const port; proxy targets, hmr and vitest test.server ignored', async () => {
    const r = await discoverEndpoints(path.join(FIXTURES, 'vite'));
    assert.deepEqual(r.endpoints.map((e) => e.url), ['https://localhost:5443']);
    const e = r.endpoints[0];
    assert.equal(sliceOf(e.sources[0].file, e.sources[0]), '5443');
    assert.equal(e.certificates[0].keyPath, path.join(FIXTURES, 'vite/certs/localhost-key.pem'));
    assert.equal(e.certificates[0].path, path.join(FIXTURES, 'vite/certs/localhost.pem'));
  });

  it('whole fixture tree at once: every project found, sources in a stable order across runs', async () => {
    const a = await discoverEndpoints(FIXTURES);
    const b = await discoverEndpoints(FIXTURES);
    assert.deepEqual(a, b);
    // frontend/ is issue 13's corpus (vue.config, package.json scripts, nuxt, astro, svelte, Office add-ins).
    assert.deepEqual(a.endpoints.map((e) => e.port), [3000, 3001, 3006, 3007, 3030, 3443, 4173, 4200, 4201, 4443, 5443, 7080, 7081, 7443, 8000, 8080, 8081, 8443, 8444, 9443, 9444, 44312, 44313, 44351]);
  });

  describe('in a temporary tree', () => {
    let tmp: ReturnType<typeof makeTempDir>;
    beforeEach(() => { tmp = makeTempDir('devcert-endpoints-'); });
    afterEach(() => tmp.cleanup());
    const write = (rel: string, text: string): string => {
      const f = path.join(tmp.dir, rel);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, text);
      return f;
    };
    const settings = (port: number): string => `{"profiles":{"p":{"commandName":"Project","applicationUrl":"https://localhost:${port}"}}}`;

    it('skips node_modules, .git, bin, obj, dist, out and .vscode-host', async () => {
      write('app/Properties/launchSettings.json', settings(7001));
      for (const d of ['node_modules/pkg', '.git', 'app/bin/Debug', 'app/obj', 'dist', 'out', '.vscode-host/x']) write(`${d}/Properties/launchSettings.json`, settings(7999));
      const r = await discoverEndpoints(tmp.dir);
      assert.deepEqual(r.endpoints.map((e) => e.port), [7001]);
    });

    it('a malformed file gives a warning with its line; the other files still give endpoints', async () => {
      write('a/Properties/launchSettings.json', settings(7001));
      const bad = write('b/appsettings.json', '{\n  "Kestrel": {\n    "Endpoints": {\n      "Https": { "Url": "https://localhost:7002" }\n      "Other": { "Url": "https://localhost:7003" }\n  }\n}\n');
      const badXml = write('.vs/S/config/applicationhost.config', '<configuration>\n<system.applicationHost>\n<sites>\n<site name="x"><bindings><binding protocol="https" bindingInformation="*:44330:localhost" /></bindings></site>\n</sites>\n</system.applicationHost>\n</configuratio>\n');
      const r = await discoverEndpoints(tmp.dir);
      assert.ok(r.endpoints.some((e) => e.port === 7001));
      const w = r.warnings.find((x) => x.file === bad);
      assert.ok(w, JSON.stringify(r.warnings));
      assert.equal(w.line, 5);
      const wx = r.warnings.find((x) => x.file === badXml);
      assert.ok(wx, JSON.stringify(r.warnings));
      assert.equal(wx.line, 7);
    });

    it('skips files over 1 MB with a warning', async () => {
      const big = write('x/appsettings.json', `{"Urls":"https://localhost:7005","pad":"${'x'.repeat(1100 * 1024)}"}`);
      write('y/appsettings.json', '{"Urls":"https://localhost:7006"}');
      const r = await discoverEndpoints(tmp.dir);
      assert.deepEqual(r.endpoints.map((e) => e.port), [7006]);
      assert.equal(r.warnings.length, 1);
      assert.equal(r.warnings[0].file, big);
      assert.match(r.warnings[0].message, /larger than/);
    });

    it('survives symlink loops and reads a linked folder once', async () => {
      write('proj/Properties/launchSettings.json', settings(7010));
      symlinkSync(tmp.dir, path.join(tmp.dir, 'proj', 'loop'));
      symlinkSync(path.join(tmp.dir, 'proj'), path.join(tmp.dir, 'alias'));
      symlinkSync(path.join(tmp.dir, 'missing'), path.join(tmp.dir, 'dangling'));
      const r = await discoverEndpoints(tmp.dir);
      assert.deepEqual(r.endpoints.map((e) => e.port), [7010]);
      assert.equal(r.endpoints[0].sources.length, 1);
    });

    it('respects maxDepth', async () => {
      write('a/b/c/d/Properties/launchSettings.json', settings(7020));
      assert.deepEqual((await discoverEndpoints(tmp.dir, { maxDepth: 3 })).endpoints, []);
      assert.equal((await discoverEndpoints(tmp.dir, { maxDepth: 5 })).endpoints.length, 1);
    });

    it('reads .vs/config/applicationhost.config (VS 2015 layout) and strips a BOM so ranges match the editor', async () => {
      const f = write('.vs/config/applicationhost.config', '\uFEFF<configuration><system.applicationHost><sites><site name="s"><bindings><binding protocol="https" bindingInformation="*:44340:localhost" /></bindings></site></sites></system.applicationHost></configuration>');
      const r = await discoverEndpoints(tmp.dir);
      const s = byPort(r, 44340).sources[0];
      assert.equal(readFileSync(f, 'utf8').replace(/^\uFEFF/, '').slice(s.range.start.character, s.range.end.character), '*:44340:localhost');
    });

    it('a folder that does not exist is a warning, not a crash', async () => {
      const r = await discoverEndpoints(path.join(tmp.dir, 'nope'));
      assert.deepEqual(r.endpoints, []);
      assert.equal(r.warnings.length, 1);
    });
  });
});

describe('endpoints: which files are read', () => {
  it('classifies files by name and folder', () => {
    assert.equal(classifyFile('launch.json', '.vscode'), 'launch.json');
    assert.equal(classifyFile('launch.json', 'config'), undefined);
    assert.equal(classifyFile('launchSettings.json', 'Properties'), 'launchSettings.json');
    assert.equal(classifyFile('launchSettings.json', 'My Project'), 'launchSettings.json');
    assert.equal(classifyFile('launchSettings.json', 'src'), undefined);
    assert.equal(classifyFile('appsettings.Development.json', 'Api'), 'appsettings.json');
    assert.equal(classifyFile('.env.production', 'web'), undefined);
    assert.equal(classifyFile('.env.development.local', 'web'), 'dotenv');
    assert.equal(classifyFile('vite.config.mts', 'web'), 'vite.config');
    assert.equal(classifyFile('webpack.dev.js', 'web'), 'webpack.config');
    assert.equal(classifyFile('proxy.conf.json', 'web'), undefined);
  });

  it('an empty launch.json is not a warning', () => {
    assert.deepEqual(parseLaunchJson('/w/.vscode/launch.json', '  \n'), { endpoints: [], certificates: [], warnings: [] });
  });
});

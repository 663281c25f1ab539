/**
 * The probe against real Kestrel (test/fixtures/kestrel-app, built once by test/helpers/kestrel.ts) and the
 * real `dotnet dev-certs`, always in a sandbox HOME: the development certificate as Kestrel serves it,
 * Kestrel configured only from appsettings (Default PEM pair, Default PFX + password, an endpoint's own
 * certificate), and mTLS (RequireCertificate, AllowCertificate + thumbprint authorization, certificate
 * forwarding through X-ARR-ClientCert) with a certificate made by `client-cert create`.
 * Runs the built CLI (`npm run build` first). Skips, saying why, where the .NET SDK is absent.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { KestrelApps, buildKestrelFixture, dotnetIn, dotnetSandboxEnv, dotnetSdk, skipWithoutDotnet, type KestrelApp } from '../helpers/kestrel';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort } from '../helpers/servers';
import { CLI, runCli } from '../helpers/mtlsCli';
import { checkDevCerts, devCertsSslCertDirLine, interpretDevCertsCheck } from '../../src/core/bind/kestrel';

interface Verdict {
  trusted: boolean; trust: { system: boolean; node: boolean; nss?: boolean }; httpStatus?: number;
  problems: { code: string }[]; failure?: { kind: string; detail: string }; protocol?: string; notes?: string[];
  certificate: { sha1: string; sha256: string; isAspNetCoreDevCert: boolean; aspNetCoreDevCertVersion?: number; san: string[] } | null;
  clientCertificate?: { sent?: boolean };
}

/** `dotnet dev-certs https --check-trust-machine-readable` (.NET 10): one object per development certificate. */
interface DevCertReading { Thumbprint: string; Version: number; TrustLevel: string; X509SubjectAlternativeNameExtension: string[] }

function sha256OfPem(pemFile: string): string {
  const r = spawnSync('openssl', ['x509', '-in', pemFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return r.stdout.trim().split('=')[1].replace(/:/g, '');
}

describe('real Kestrel and dotnet dev-certs (sandbox HOME)', function () {
  this.timeout(120_000);
  const apps = new KestrelApps();
  let tmp: ReturnType<typeof makeTempDir>;
  let server: CertFiles;
  let n = 0;
  const home = () => path.join(tmp.dir, `home-${++n}`);

  before(function () {
    skipWithoutDotnet(this);
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    console.log(`      .NET SDK ${dotnetSdk().version}`);
    buildKestrelFixture();
    tmp = makeTempDir('kestrel-real-');
    server = makeCert(tmp.dir, 'server'); // localhost, 127.0.0.1, ::1
  });
  afterEach(() => apps.stopAll());
  after(() => tmp?.cleanup());

  /** `check --json` on one port with the CLI in the sandbox: only `trustFile` is trusted (system and Node). */
  async function check(port: number, h: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}, trustFile = server.cert): Promise<{ code: number; v: Verdict; stdout: string }> {
    const run = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--timeout', '8000', ...extra], {
      PATH: process.env.PATH, HOME: h, DEVCERT_DOCTOR_HOME: path.join(h, 'devcert-config'),
      SSL_CERT_FILE: trustFile, SSL_CERT_DIR: path.join(h, 'no-cert-dir'), NODE_EXTRA_CA_CERTS: trustFile, ...env,
    });
    let doc: { endpoints: Verdict[] };
    try { doc = JSON.parse(run.stdout); } catch { throw new Error(`no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`); }
    assert.equal(doc.endpoints.length, 1);
    return { code: run.code, v: doc.endpoints[0], stdout: run.stdout };
  }

  describe('the development certificate, as Kestrel serves it', () => {
    it('`dotnet dev-certs https` makes it; the probe identifies it (isAspNetCoreDevCert, the version this SDK writes)', async () => {
      const h = home();
      const made = dotnetIn(h, ['dev-certs', 'https']);
      assert.equal(made.code, 0, made.stdout + made.stderr);
      const reading = JSON.parse(dotnetIn(h, ['dev-certs', 'https', '--check-trust-machine-readable']).stdout) as DevCertReading[];
      assert.equal(reading.length, 1);
      assert.equal(reading[0].TrustLevel, 'None');

      const app = await apps.start({ mode: 'devcert', home: h });
      const { v } = await check(app.port, h);
      assert.ok(v.certificate, JSON.stringify(v));
      assert.equal(v.certificate.isAspNetCoreDevCert, true);
      assert.equal(v.certificate.aspNetCoreDevCertVersion, reading[0].Version);
      assert.equal(v.certificate.sha1, reading[0].Thumbprint);
      // The machine-readable list names the DNS entries; the certificate also carries the loopback addresses.
      assert.deepEqual(v.certificate.san.filter(n => !/^[\d.:]+$/.test(n)).sort(), [...reading[0].X509SubjectAlternativeNameExtension].sort());
      assert.ok(v.certificate.san.includes('127.0.0.1') && v.certificate.san.includes('::1'), v.certificate.san.join(' '));
      assert.equal(v.trusted, false, 'nothing trusts it yet');
      console.log(`      dev cert v${reading[0].Version}, SANs ${reading[0].X509SubjectAlternativeNameExtension.join(', ')}; problems: ${v.problems.map(p => p.code).join(', ')}`);
    });
  });

  describe('Kestrel configured only from appsettings.Development.json', () => {
    /** An app whose content root holds `files` (name → source) and that appsettings.Development.json. */
    async function configured(kestrel: object, files: Record<string, string> = {}): Promise<{ app: KestrelApp; h: string }> {
      const h = home();
      const content = path.join(h, 'app');
      fs.mkdirSync(path.join(content, 'certs'), { recursive: true });
      for (const [name, source] of Object.entries(files)) fs.copyFileSync(source, path.join(content, name));
      const port = await freePort();
      const json = JSON.stringify({ Kestrel: kestrel }, null, 2).replace(/PORT/g, String(port));
      fs.writeFileSync(path.join(content, 'appsettings.Development.json'), json);
      return { app: await apps.start({ mode: 'config', home: h, cwd: content, port, urls: false }), h };
    }

    it('Certificates:Default Path + KeyPath (PEM pair, relative to the content root)', async () => {
      const pair = makeCert(tmp.dir, 'default-pem');
      const { app, h } = await configured({
        Endpoints: { Https: { Url: 'https://127.0.0.1:PORT' } },
        Certificates: { Default: { Path: 'certs/default.pem', KeyPath: 'certs/default-key.pem' } },
      }, { 'certs/default.pem': pair.cert, 'certs/default-key.pem': pair.key });
      const { v } = await check(app.port, h, [], {}, pair.cert);
      assert.equal(v.certificate?.sha256, sha256OfPem(pair.cert));
      assert.deepEqual(v.problems, []);
    });

    it('Certificates:Default Path + Password (PFX)', async () => {
      const pair = makeCert(tmp.dir, 'default-pfx');
      const pfx = path.join(tmp.dir, 'default.pfx');
      spawnSync('openssl', ['pkcs12', '-export', '-in', pair.cert, '-inkey', pair.key, '-out', pfx, '-passout', 'pass:fixture-pw']);
      const { app, h } = await configured({
        Endpoints: { Https: { Url: 'https://127.0.0.1:PORT' } },
        Certificates: { Default: { Path: pfx, Password: 'fixture-pw' } },
      });
      const { v } = await check(app.port, h, [], {}, pair.cert);
      assert.equal(v.certificate?.sha256, sha256OfPem(pair.cert));
    });

    it('an endpoint\'s own Certificate wins over Certificates:Default', async () => {
      const own = makeCert(tmp.dir, 'own');
      const fallback = makeCert(tmp.dir, 'fallback');
      const { app, h } = await configured({
        Endpoints: { Https: { Url: 'https://127.0.0.1:PORT', Certificate: { Path: own.cert, KeyPath: own.key } } },
        Certificates: { Default: { Path: fallback.cert, KeyPath: fallback.key } },
      });
      const { v } = await check(app.port, h, [], {}, own.cert);
      assert.equal(v.certificate?.sha256, sha256OfPem(own.cert));
    });
  });

  describe('mTLS: a certificate from `client-cert create` against Kestrel', () => {
    let client: { pfx: string; sha1: string };
    let other: { pfx: string; sha1: string };
    const PW = { CLIENT_PW: 'kestrel-fixture-pw' };

    before(async function () {
      if (!tmp) this.skip();
      const create = async (cn: string) => {
        const run = await runCli(['client-cert', 'create', '--cn', cn, '--out', path.join(tmp.dir, `${cn}.pfx`), '--password-env', 'CLIENT_PW', '--json'],
          { PATH: process.env.PATH, HOME: tmp.dir, DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'devcert-config'), ...PW });
        assert.equal(run.code, 0, run.stderr);
        return JSON.parse(run.stdout) as { pfx: string; sha1: string };
      };
      client = await create('kestrel-client');
      other = await create('another-client');
    });

    /** The app with the test server certificate (through Kestrel's own environment configuration) and the client PFX it expects. */
    const start = (mode: 'require' | 'allow' | 'forward', tls?: 'Tls12' | 'Tls13') => apps.start({
      mode, home: home(), env: {
        Kestrel__Certificates__Default__Path: server.cert, Kestrel__Certificates__Default__KeyPath: server.key,
        FIXTURE_CLIENT_PFX: client.pfx, FIXTURE_CLIENT_PFX_PASSWORD: PW.CLIENT_PW, ...(tls ? { FIXTURE_TLS: tls } : {}),
      },
    });
    const withCert = (c: { pfx: string }) => ['--client-cert', c.pfx, '--client-cert-password-env', 'CLIENT_PW'];

    it('.NET loads the PFX with its password (X509CertificateLoader, at start-up) and sees the same thumbprint', async () => {
      const app = await start('allow');
      assert.match(app.output(), new RegExp(`client PFX loaded: CN=kestrel-client thumbprint ${client.sha1} private key True`));
    });

    it('a PFX .NET cannot open (wrong password): the app says so and stops', async () => {
      await assert.rejects(apps.start({
        mode: 'allow', home: home(), env: { FIXTURE_CLIENT_PFX: client.pfx, FIXTURE_CLIENT_PFX_PASSWORD: 'wrong' },
      }), /exited 3 before listening[\s\S]*cannot be loaded by \.NET/);
    });

    for (const tls of ['Tls12', 'Tls13'] as const) {
      describe(`${tls === 'Tls12' ? 'TLS 1.2' : 'TLS 1.3'}`, () => {
        it('RequireCertificate: accepted with the certificate (200); without one the tool reports client-cert-required', async () => {
          const app = await start('require', tls);
          const good = await check(app.port, tmp.dir, withCert(client), PW);
          assert.equal(good.v.httpStatus, 200, good.stdout);
          assert.equal(good.v.clientCertificate?.sent, true);
          assert.equal(good.v.protocol, tls === 'Tls12' ? 'TLSv1.2' : 'TLSv1.3', 'the app pins the protocol');
          assert.deepEqual(good.v.problems, []);
          assert.equal(good.code, 0);

          const none = await check(app.port, tmp.dir, ['--request-path', '/']);
          console.log(`      Kestrel RequireCertificate, ${tls}, no client certificate: failure ${JSON.stringify(none.v.failure)}, `
            + `protocol ${none.v.protocol}, problems ${none.v.problems.map(p => p.code).join(', ')}; raw: ${await rawWithoutCertificate(app.port, tls)}`);
          assert.ok(none.v.problems.some(p => p.code === 'client-cert-required'), none.stdout);
          assert.equal(none.code, 1);
        });

        it('AllowCertificate + thumbprint (the seed): 200 with it; 403 without (client-cert-required) or with another', async () => {
          const app = await start('allow', tls);
          const good = await check(app.port, tmp.dir, withCert(client), PW);
          assert.equal(good.v.httpStatus, 200, good.stdout);
          assert.equal(good.code, 0, good.stdout);

          const none = await check(app.port, tmp.dir, ['--request-path', '/']);
          assert.equal(none.v.httpStatus, 403, none.stdout);
          assert.ok(none.v.problems.some(p => p.code === 'client-cert-required'), none.stdout);

          const wrong = await check(app.port, tmp.dir, withCert(other), PW);
          assert.equal(wrong.v.httpStatus, 403, wrong.stdout);
          assert.equal(wrong.v.clientCertificate?.sent, true);
          // As for every thumbprint server (mtlsCases 'forbidden'): TLS accepted it, the application said no.
          assert.ok(!wrong.v.problems.some(p => p.code.startsWith('client-cert')), wrong.stdout);
        });
      });
    }

    it('UseCertificateForwarding (X-ARR-ClientCert, hex): 200 with --forward-client-cert, 403 without it', async () => {
      const app = await start('forward');
      const forwarded = await check(app.port, tmp.dir, [...withCert(client), '--forward-client-cert'], PW);
      assert.equal(forwarded.v.httpStatus, 200, forwarded.stdout);
      const plain = await check(app.port, tmp.dir, withCert(client), PW);
      assert.equal(plain.v.httpStatus, 403, plain.stdout);
      const wrong = await check(app.port, tmp.dir, [...withCert(other), '--forward-client-cert'], PW);
      assert.equal(wrong.v.httpStatus, 403, wrong.stdout);
    });
  });
});

/**
 * What a plain client without a certificate sees from Kestrel: does the handshake complete, what comes
 * back on the first request (alert, reset, end of stream). Recorded in the test output (issue 11).
 */
async function rawWithoutCertificate(port: number, tls: 'Tls12' | 'Tls13'): Promise<string> {
  const tlsMod = await import('node:tls');
  const version = tls === 'Tls12' ? 'TLSv1.2' : 'TLSv1.3';
  return new Promise(resolve => {
    const events: string[] = [];
    const s = tlsMod.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, minVersion: version, maxVersion: version }, () => {
      events.push(`handshake completed (${s.getProtocol()})`);
      s.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    s.on('data', d => events.push(`data ${JSON.stringify(String(d).split('\r\n')[0])}`));
    s.on('end', () => events.push('end of stream (no alert)'));
    s.on('error', e => events.push(`error ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`));
    s.on('close', () => resolve(events.join('; ') || 'nothing'));
    s.setTimeout(5000, () => { events.push('timeout'); s.destroy(); });
  });
}

/**
 * Repairs judged by Kestrel itself: `repair PATH --sandbox DIR --yes` (the built CLI) on a project whose
 * endpoint is declared in appsettings or launchSettings; the fixture app restarted in that project serves
 * what the repair wrote, and curl with the sandbox's CA bundle accepts it; `untrust --all` puts every
 * file back.
 */
describe('repair, then Kestrel restarted in the project (sandbox stores)', function () {
  this.timeout(120_000);
  const apps = new KestrelApps();
  let tmp: ReturnType<typeof makeTempDir>;
  before(function () {
    skipWithoutDotnet(this);
    for (const tool of ['update-ca-certificates', 'curl']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) { console.log(`      [skipped: ${tool} is missing]`); this.skip(); }
    }
    buildKestrelFixture();
  });
  beforeEach(() => { tmp = makeTempDir('kestrel-repair-'); });
  afterEach(async () => { await apps.stopAll(); tmp.cleanup(); });

  interface Project { dir: string; port: number; files: Record<string, string>; env: NodeJS.ProcessEnv; sandbox: string; home: string }

  /** A project folder with `files` (relative name → text, PORT replaced), a misnamed certificate in certs/, a sandbox. */
  async function project(files: Record<string, string>): Promise<Project> {
    const dir = path.join(tmp.dir, 'WeatherApi');
    fs.mkdirSync(path.join(dir, 'certs'), { recursive: true });
    const misnamed = makeCert(path.join(dir, 'certs'), 'misnamed', { san: 'DNS:example.test' });
    spawnSync('openssl', ['pkcs12', '-export', '-in', misnamed.cert, '-inkey', misnamed.key, '-out', path.join(dir, 'certs', 'misnamed.pfx'), '-passout', 'pass:old-pw']);
    const port = await freePort();
    const written: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      written[name] = text.replace(/PORT/g, String(port));
      fs.writeFileSync(path.join(dir, name), written[name]);
    }
    const home = path.join(tmp.dir, 'home');
    const env = { PATH: process.env.PATH, HOME: home, DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config'), SSL_CERT_DIR: path.join(tmp.dir, 'none') };
    return { dir, port, files: written, env, sandbox: path.join(tmp.dir, 'sb'), home };
  }

  const startIn = (p: Project, urls: boolean) => apps.start({ mode: 'config', home: p.home, cwd: p.dir, port: p.port, urls });

  /** What curl (OpenSSL, the sandbox's system bundle as its CA file) says of https://localhost:PORT/. */
  function curl(p: Project): { code: number | null; out: string } {
    const bundle = path.join(p.sandbox, 'system', 'etc', 'ssl', 'certs', 'ca-certificates.crt');
    const r = spawnSync('curl', ['-sS', '--cacert', bundle, '--capath', path.join(tmp.dir, 'none'), '-o', '/dev/null', '-w', '%{http_code}',
      '--resolve', `localhost:${p.port}:127.0.0.1`, `https://localhost:${p.port}/`], { encoding: 'utf8', timeout: 20_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  }

  async function repairAndRestart(p: Project, urls: boolean): Promise<{ served: string; repair: string }> {
    const before = await startIn(p, urls);
    assert.notEqual(curl(p).code, 0, 'the misnamed certificate is refused before the repair');
    await apps.stop(before);
    const app0 = await startIn(p, urls);
    const r = await runCli(['repair', p.dir, '--sandbox', p.sandbox, '--yes'], p.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await apps.stop(app0);
    await startIn(p, urls);
    const served = spawnSync('sh', ['-c', `openssl s_client -connect 127.0.0.1:${p.port} -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`], { encoding: 'utf8' })
      .stdout.trim().split('=')[1]?.replace(/:/g, '') ?? '';
    return { served, repair: r.stdout };
  }

  function assertUntrustAllRestores(p: Project, r: { repair: string }) {
    return (async () => {
      const u = await runCli(['untrust', '--all', '--sandbox', p.sandbox, '--yes'], p.env);
      assert.equal(u.code, 0, u.stdout + u.stderr);
      for (const [name, text] of Object.entries(p.files)) assert.equal(fs.readFileSync(path.join(p.dir, name), 'utf8'), text, `${name} restored (${r.repair})`);
      assert.equal(fs.existsSync(path.join(p.dir, '.devcert', 'localhost-key.pem')), false);
      assert.equal(fs.existsSync(path.join(p.dir, 'appsettings.Development.json')), 'appsettings.Development.json' in p.files);
    })();
  }

  it('endpoint in appsettings.json, Default in appsettings.json: Kestrel:Certificates:Default written to appsettings.Development.json → served and accepted', async () => {
    const p = await project({
      'appsettings.json': JSON.stringify({ Kestrel: {
        Endpoints: { Https: { Url: 'https://localhost:PORT' } },
        Certificates: { Default: { Path: 'certs/misnamed.pem', KeyPath: 'certs/misnamed.key' } },
      } }, null, 2),
    });
    const r = await repairAndRestart(p, false);
    assert.equal(r.served, sha256OfPem(path.join(p.dir, '.devcert', 'localhost.pem')), r.repair);
    const c = curl(p);
    assert.equal(c.out, '200', c.out);
    await assertUntrustAllRestores(p, r);
  });

  it('base Default is a PFX with a Password: the new PEM pair is served (the Password below is masked, not merged)', async () => {
    const p = await project({
      'appsettings.json': JSON.stringify({ Kestrel: {
        Endpoints: { Https: { Url: 'https://localhost:PORT' } },
        Certificates: { Default: { Path: 'certs/misnamed.pfx', Password: 'old-pw' } },
      } }, null, 2),
    });
    const r = await repairAndRestart(p, false);
    assert.equal(r.served, sha256OfPem(path.join(p.dir, '.devcert', 'localhost.pem')), r.repair);
    assert.equal(curl(p).out, '200');
    await assertUntrustAllRestores(p, r);
  });

  it('the endpoint names its own Certificate: that Certificate is what the repair rewrites → served and accepted', async () => {
    const p = await project({
      'appsettings.json': '{}\n',
      'appsettings.Development.json': JSON.stringify({ Kestrel: { Endpoints: { Https: {
        Url: 'https://localhost:PORT', Certificate: { Path: 'certs/misnamed.pfx', Password: 'old-pw' },
      } } } }, null, 2),
    });
    const r = await repairAndRestart(p, false);
    assert.equal(r.served, sha256OfPem(path.join(p.dir, '.devcert', 'localhost.pem')), r.repair);
    assert.equal(curl(p).out, '200');
    await assertUntrustAllRestores(p, r);
  });

  it('endpoint in launchSettings.json (a Project profile, run with its applicationUrl): Default in appsettings.Development.json → served and accepted', async () => {
    const p = await project({
      'Properties/launchSettings.json': JSON.stringify({ profiles: { https: {
        commandName: 'Project', applicationUrl: 'https://localhost:PORT', environmentVariables: { ASPNETCORE_ENVIRONMENT: 'Development' },
      } } }, null, 2),
      'appsettings.json': JSON.stringify({ Kestrel: { Certificates: { Default: { Path: 'certs/misnamed.pem', KeyPath: 'certs/misnamed.key' } } } }, null, 2),
    });
    const r = await repairAndRestart(p, true);
    assert.equal(r.served, sha256OfPem(path.join(p.dir, '.devcert', 'localhost.pem')), r.repair);
    assert.equal(curl(p).out, '200');
    await assertUntrustAllRestores(p, r);
  });
});

/**
 * `dotnet dev-certs https --trust` on Linux for real (sandbox HOME with a Chromium NSS database): what it
 * exits with, what --check / --check-trust-machine-readable then say, whether the verdict agrees with
 * OpenSSL with and without SSL_CERT_DIR as dotnet asks; and `repair --strategy dotnet-dev-certs` run for
 * real, recorded in the ledger and undone by `untrust --all` (dotnet dev-certs https --clean).
 */
describe('dotnet dev-certs --trust (Linux, sandbox HOME) and the dotnet-dev-certs strategy', function () {
  this.timeout(120_000);
  const apps = new KestrelApps();
  let tmp: ReturnType<typeof makeTempDir>;
  before(function () {
    skipWithoutDotnet(this);
    if (process.platform !== 'linux') this.skip();
    for (const tool of ['certutil', 'openssl']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) { console.log(`      [skipped: ${tool} is missing]`); this.skip(); }
    }
    buildKestrelFixture();
  });
  beforeEach(() => { tmp = makeTempDir('kestrel-devcerts-'); });
  afterEach(async () => { await apps.stopAll(); tmp.cleanup(); });

  function sandboxHome(): string {
    const h = path.join(tmp.dir, 'home');
    fs.mkdirSync(path.join(h, '.pki', 'nssdb'), { recursive: true });
    spawnSync('certutil', ['-d', `sql:${path.join(h, '.pki', 'nssdb')}`, '-N', '--empty-password']);
    return h;
  }
  const trustDir = (h: string) => path.join(h, '.aspnet', 'dev-certs', 'trust');
  const readable = (h: string, env: NodeJS.ProcessEnv = {}) =>
    JSON.parse(dotnetIn(h, ['dev-certs', 'https', '--check-trust-machine-readable'], env).stdout) as DevCertReading[];

  async function check(port: number, h: string, extra: string[], env: NodeJS.ProcessEnv): Promise<{ v: Verdict }> {
    const run = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--timeout', '8000', ...extra],
      { PATH: process.env.PATH, HOME: h, DEVCERT_DOCTOR_HOME: path.join(h, 'devcert-config'), ...env });
    try { return { v: (JSON.parse(run.stdout) as { endpoints: Verdict[] }).endpoints[0] }; } catch { throw new Error(`no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`); }
  }

  /** OpenSSL as a client: verifies the chain and the name with its default paths (SSL_CERT_DIR honoured). */
  function opensslAccepts(port: number, env: NodeJS.ProcessEnv): boolean {
    const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-verify_return_error', '-verify_hostname', 'localhost'],
      { input: '', encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 15_000 });
    return r.status === 0 && /Verify return code: 0 \(ok\)/.test(r.stdout);
  }

  it('--trust exits 4 and asks for SSL_CERT_DIR; the verdict agrees with OpenSSL without it (not trusted) and with it (trusted)', async () => {
    const h = sandboxHome();
    const trust = dotnetIn(h, ['dev-certs', 'https', '--trust']);
    console.log(`      dotnet dev-certs https --trust → exit ${trust.code}: ${trust.stdout.trim().split('\n').filter(l => /SSL_CERT_DIR|some clients/.test(l)).join(' | ')}`);
    assert.equal(trust.code, 4, trust.stdout + trust.stderr);
    // SSL_CERT_DIR is unset here: dotnet names OpenSSL's folder, as devCertsSslCertDirLine does.
    assert.ok(trust.stdout.includes(devCertsSslCertDirLine({})), trust.stdout);
    const [cert] = readable(h);
    assert.equal(cert.TrustLevel, 'Partial');
    assert.ok(fs.existsSync(path.join(trustDir(h), `aspnetcore-localhost-${cert.Thumbprint}.pem`)));
    assert.equal(interpretDevCertsCheck(dotnetIn(h, ['dev-certs', 'https', '--check', '--trust']).code), 'untrusted', 'partial trust exits 7 from --check --trust');
    assert.equal(await checkDevCerts({ runner: async (cmd, args) => { const r = dotnetIn(h, [...args]); return { command: cmd, args: [...args], code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr, durationMs: 0, timedOut: false }; } }), 'partial');

    const app = await apps.start({ mode: 'devcert', home: h });
    const systemDir = '/etc/ssl/certs';
    const without = { SSL_CERT_DIR: systemDir };
    const withDir = { SSL_CERT_DIR: `${trustDir(h)}:${systemDir}` };
    const verdict = async (env: NodeJS.ProcessEnv) => (await check(app.port, h, [], { SSL_CERT_FILE: path.join(systemDir, 'ca-certificates.crt'), NODE_EXTRA_CA_CERTS: '', ...env })).v;

    const a = await verdict(without);
    assert.equal(opensslAccepts(app.port, without), false);
    assert.equal(a.trust.system, false, JSON.stringify(a.trust));
    assert.equal(readable(h, without)[0].TrustLevel, 'Partial');

    const b = await verdict(withDir);
    assert.equal(opensslAccepts(app.port, withDir), true);
    assert.equal(b.trust.system, true, JSON.stringify(b.trust));
    assert.equal(readable(h, withDir)[0].TrustLevel, 'Full');
    console.log(`      verdict without SSL_CERT_DIR: ${JSON.stringify(a.trust)} ${a.problems.map(p => p.code).join(',')}; with: ${JSON.stringify(b.trust)} ${b.problems.map(p => p.code).join(',')}`);
  });

  it('repair --strategy dotnet-dev-certs runs clean + trust for real, is in the ledger, Kestrel serves the new certificate; untrust --all cleans it', async () => {
    const h = sandboxHome();
    // An expired development certificate (dotnet under faketime), served through Kestrel's Default as a PEM export.
    const made = spawnSync('faketime', ['-f', '-400d', 'dotnet', 'dev-certs', 'https', '-ep', path.join(tmp.dir, 'old.pem'), '--format', 'Pem', '-np'], { env: dotnetSandboxEnv(h), encoding: 'utf8' });
    assert.equal(made.status, 0, made.stdout + made.stderr);
    const old = { Thumbprint: spawnSync('openssl', ['x509', '-in', path.join(tmp.dir, 'old.pem'), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' }).stdout.trim().split('=')[1].replace(/:/g, '') };
    assert.deepEqual(readable(h), [], 'an expired certificate is not a valid one for dotnet');
    const port = await freePort();
    const dir = path.join(tmp.dir, 'Api');
    fs.mkdirSync(path.join(dir, 'Properties'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'Properties', 'launchSettings.json'), JSON.stringify({ profiles: { https: { commandName: 'Project', applicationUrl: `https://localhost:${port}` } } }));
    const served = { Kestrel__Certificates__Default__Path: path.join(tmp.dir, 'old.pem'), Kestrel__Certificates__Default__KeyPath: path.join(tmp.dir, 'old.key') };
    let app = await apps.start({ mode: 'config', home: h, port, cwd: dir, env: served });
    const config = path.join(tmp.dir, 'config');
    const env = { ...dotnetSandboxEnv(h), DEVCERT_DOCTOR_HOME: config, SSL_CERT_DIR: path.join(tmp.dir, 'none') };
    const r = await runCli(['repair', dir, '--strategy', 'dotnet-dev-certs', '--sandbox', path.join(tmp.dir, 'sb'), '--yes'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /dotnet dev-certs https --clean/);
    assert.match(r.stdout, /export SSL_CERT_DIR=/, 'the plan says the one line OpenSSL clients still need');
    const [renewed] = readable(h);
    assert.notEqual(renewed.Thumbprint, old.Thumbprint);
    assert.equal(renewed.TrustLevel, 'Partial');
    assert.match(fs.readFileSync(path.join(config, 'ledger.json'), 'utf8'), /dotnet-dev-certs/);

    // Restarted on the development certificate (the stale export no longer named): the renewed one is served.
    await apps.stop(app);
    app = await apps.start({ mode: 'devcert', home: h, port, cwd: dir });
    const { v } = await check(app.port, h, [], { SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt', SSL_CERT_DIR: `${trustDir(h)}:/etc/ssl/certs`, NODE_EXTRA_CA_CERTS: '' });
    assert.equal(v.certificate?.sha1, renewed.Thumbprint);
    assert.equal(v.trust.system, true);

    const u = await runCli(['untrust', '--all', '--sandbox', path.join(tmp.dir, 'sb'), '--yes'], env);
    assert.equal(u.code, 0, u.stdout + u.stderr);
    assert.match(u.stdout, /dev-certs https --clean/);
    assert.deepEqual(readable(h), [], 'no development certificate is left');
    assert.deepEqual(fs.existsSync(trustDir(h)) ? fs.readdirSync(trustDir(h)).filter(f => f.endsWith('.pem')) : [], []);
    assert.doesNotMatch(fs.readFileSync(path.join(config, 'ledger.json'), 'utf8'), /dotnet-dev-certs/);
  });
});

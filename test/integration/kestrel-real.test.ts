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
import { KestrelApps, buildKestrelFixture, dotnetIn, dotnetSdk, skipWithoutDotnet, type KestrelApp } from '../helpers/kestrel';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort } from '../helpers/servers';
import { CLI, runCli } from '../helpers/mtlsCli';

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
});

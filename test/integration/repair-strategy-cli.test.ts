/**
 * `node dist/cli.js repair --dry-run --platform P --strategy S`, the built CLI as users run it. repair
 * probes before it plans, so each test serves a real certificate (made by openssl) from a Node TLS server
 * in this process: the plan comes from what the probe found — a misnamed certificate on an IIS Express
 * port, an expired ASP.NET Core development certificate — not from a hand-made verdict. (A workspace
 * whose endpoints are not listening would only ever plan "start the server": nothing to regenerate.)
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/mtlsCli';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';

const ROOT = path.resolve(__dirname, '..', '..');
const EXE = 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe';

describe('CLI: repair --strategy (dry runs from real probes)', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('devcert-strategy-');
  const running: RunningServer[] = [];
  let env: NodeJS.ProcessEnv;
  let misnamed: CertFiles;
  let expiredDevCert: CertFiles;

  before(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
    misnamed = makeCert(tmp.dir, 'misnamed', { cn: 'elsewhere.example', san: 'DNS:elsewhere.example' });
    // What `dotnet dev-certs https` makes, marker extension (version 2) included, expired a month ago.
    expiredDevCert = makeCert(tmp.dir, 'devcert', { extensions: ['1.3.6.1.4.1.311.84.1.1=DER:02'], notBeforeDays: -395, days: 365 });
    fs.mkdirSync(path.join(tmp.dir, 'home'));
    const base = { ...process.env };
    for (const k of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']) delete base[k];
    env = { ...base, HOME: path.join(tmp.dir, 'home'), DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
  });
  afterEach(async () => { await Promise.all(running.splice(0).map(s => s.close())); });
  after(() => {
    // A dry run writes nothing: not even the config folder.
    assert.equal(fs.existsSync(path.join(tmp.dir, 'config')), false);
    tmp.cleanup();
  });

  const serve = async (c: CertFiles, port = 0) => { const s = await startTlsServer({ key: c.keyPem, cert: c.certPem }, undefined, port); running.push(s); return s; };
  /** A free port in IIS Express's SSL range, served: a bare --port there is IIS Express on Windows. */
  async function serveOnIisExpressPort(c: CertFiles): Promise<RunningServer> {
    for (let port = 44300; port <= 44399; port++) {
      try { return await serve(c, port); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err; }
    }
    throw new Error('no free port in 44300–44399');
  }
  /** Served on an ephemeral port outside 44300–44399: a bare --port there would be read as IIS Express on Windows. */
  const serveOutsideIisExpressRange = async (c: CertFiles) => {
    for (;;) {
      const s = await serve(c);
      if (s.port < 44300 || s.port > 44399) return s;
      await s.close();
    }
  };

  it('iisexpress on win32: IisExpressAdminCmd setupSslUrl -CertHash binds a certificate made in the plan and trusted in the same run', async () => {
    const s = await serveOnIisExpressPort(misnamed);
    const r = await runCli(['repair', '--dry-run', '--platform', 'win32', '--strategy', 'iisexpress', '--port', String(s.port)], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`https://localhost:${s.port}: .*name-mismatch`));
    // A PowerShell step that finds IisExpressAdminCmd when it runs (Program Files, then Program Files (x86)),
    // shown in PowerShell syntax: the whole script one single-quoted argument, its own quotes doubled.
    const found = `run: +powershell\\.exe -NoProfile -NonInteractive -Command '\\$exe = @\\(''${EXE.replace(/[\\().]/g, '\\$&')}'', ''C:\\\\Program Files \\(x86\\)\\\\IIS Express\\\\IisExpressAdminCmd\\.exe''\\)`;
    assert.match(r.stdout, new RegExp(`${found}.*& \\$exe ''setupSslUrl'' ''-url:https://localhost:${s.port}/'' ''-CertHash:[0-9A-F]{40}''`));
    assert.match(r.stdout, new RegExp(`${found.replace('run: +', 'undo: +run ')}.*& \\$exe ''deleteSslUrl'' ''-url:https://localhost:${s.port}/''`));
    assert.match(r.stdout, /X509Store\(''Root'', ''CurrentUser''\)/, 'the new certificate is trusted in the same plan');
    assert.match(r.stdout, /need administrator rights: they run together in one script after one prompt\./);
    assert.doesNotMatch(r.stdout, /UseSelfSigned|netsh http add sslcert/);

    // The default strategy for the same endpoint: this tool's certificate into LocalMachine\My, bound with netsh.
    const d = await runCli(['repair', '--dry-run', '--platform', 'win32', '--port', String(s.port)], env);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.match(d.stdout, new RegExp(`run: +netsh http add sslcert ipport=0\\.0\\.0\\.0:${s.port} certhash=[0-9A-F]{40} 'appid=\\{214124cd-d05b-4309-9af9-9caa44b2b74a\\}'`));
    assert.doesNotMatch(d.stdout, /setupSslUrl/);
  });

  it('a strategy that applies to no endpoint is a usage error (exit 2), and so is an unknown one', async () => {
    const s = await serveOnIisExpressPort(misnamed);
    const linux = await runCli(['repair', '--dry-run', '--platform', 'linux', '--strategy', 'iisexpress', '--port', String(s.port)], env);
    assert.equal(linux.code, 2, linux.stdout + linux.stderr);
    assert.match(linux.stderr, /strategy iisexpress applies to none of https:\/\/localhost:\d+ \(linux\): it is for IIS Express endpoints on Windows/);
    const notDev = await runCli(['repair', '--dry-run', '--platform', 'darwin', '--strategy', 'dotnet-dev-certs', '--port', String(s.port)], env);
    assert.equal(notDev.code, 2, notDev.stdout + notDev.stderr);
    assert.match(notDev.stderr, /ASP\.NET Core development certificate/);
    const bogus = await runCli(['repair', '--strategy', 'mkcert', '--port', String(s.port)], env);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /--strategy must be one of devcert-doctor, iisexpress, dotnet-dev-certs/);
    assert.equal(bogus.stdout, '', 'refused before probing');
  });

  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`dotnet-dev-certs on ${platform}: the old development certificates removed (--clean; by SHA-1 on macOS), then --trust, for an expired ASP.NET Core dev cert`, async function () {
      const here = platform === process.platform;
      let runEnv = env;
      if (here) {
        if (process.platform === 'win32') this.skip();
        // This machine's plan asks whether dotnet runs: a stand-in that answers --version as the SDK does.
        const bin = path.join(tmp.dir, 'fake-dotnet');
        fs.mkdirSync(bin, { recursive: true });
        fs.writeFileSync(path.join(bin, 'dotnet'), '#!/bin/sh\n[ "$1" = "--version" ] && echo 8.0.404 && exit 0\nexit 1\n', { mode: 0o755 });
        runEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH}` };
      }
      const s = await serveOutsideIisExpressRange(expiredDevCert);
      const r = await runCli(['repair', '--dry-run', '--platform', platform, '--strategy', 'dotnet-dev-certs', '--port', String(s.port)], runEnv);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`https://localhost:${s.port}: .*expired`));
      const lines = r.stdout.split('\n');
      if (platform === 'darwin') {
        // dotnet's --clean would sudo out of sight: the served development certificate is removed by SHA-1 instead.
        const sha1 = new X509Certificate(expiredDevCert.certPem).fingerprint.replace(/:/g, '');
        assert.ok(lines.includes(`       run:    security delete-certificate -Z ${sha1} '/Users/<you>/Library/Keychains/login.keychain-db'`), r.stdout);
        assert.ok(lines.some(l => /^ {7}run: +security remove-trusted-cert '\/Users\/<you>\/Library\/Application Support\/devcert-doctor\/trusted\/.*\.pem'$/.test(l)), r.stdout);
        assert.ok(lines.includes(`       remove: /Users/<you>/.aspnet/https/aspnetcore-localhost-${sha1}.pfx`), r.stdout);
        assert.doesNotMatch(r.stdout, /run: +(sudo|dotnet dev-certs https --clean)/);
      } else {
        assert.ok(lines.includes('       run:    dotnet dev-certs https --clean'), r.stdout);
        assert.ok(lines.includes('       undo:   run dotnet dev-certs https --clean'), r.stdout);
      }
      // On Linux --trust exits 4 until SSL_CERT_DIR lists ~/.aspnet/dev-certs/trust (SDK 10, seen for real): success there.
      assert.ok(lines.includes(`       run:    dotnet dev-certs https --trust${platform === 'linux' ? '   (exit 0/4 = success)' : ''}`), r.stdout);
      assert.ok(lines.some(l => /^ {7}you do: +Restart the ASP\.NET Core app/.test(l)), r.stdout);
      assert.doesNotMatch(r.stdout, /\[ELEVATED\]|administrator rights/);
      assert.equal(/Rendered for \w+ on \w+: whether dotnet runs there was not checked/.test(r.stdout), !here);
      if (platform === 'win32') assert.match(r.stdout, /Windows asks you to confirm/);
      if (platform === 'darwin') assert.match(r.stdout, /macOS asks for your login password/);
    });
  }

  it('dotnet-dev-certs on this machine without dotnet: a usage error that says so', async function () {
    if (process.platform === 'win32' || spawnSync('sh', ['-c', 'command -v dotnet']).status === 0) this.skip();
    const s = await serve(expiredDevCert);
    const r = await runCli(['repair', '--dry-run', '--strategy', 'dotnet-dev-certs', '--port', String(s.port)], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /strategy dotnet-dev-certs cannot run: dotnet does not run: dotnet is not installed or not on PATH/);
  });
});

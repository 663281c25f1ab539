/**
 * `node dist/cli.js check` as users and scripts run it: exit codes 0/1/2, the JSON contract from
 * DESIGN.md, discovery from a workspace folder, and the time bound. Real servers, a sandboxed trust
 * setup (SSL_CERT_FILE with a test CA, empty SSL_CERT_DIR, sandbox HOME), the built bundle.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort, startTcpServer, startTlsServer, type RunningServer } from '../helpers/servers';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

/** Asynchronous on purpose: the servers under test live in this process and must keep answering. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const t0 = performance.now();
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    child.on('close', code => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

describe('CLI: devcert-doctor check', function () {
  this.timeout(120000);
  const tmp = makeTempDir('devcert-cli-');
  const running: RunningServer[] = [];
  let ca: CertFiles, good: CertFiles, selfSigned: CertFiles;
  let env: NodeJS.ProcessEnv;

  before(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
    ca = makeCert(tmp.dir, 'ca', { ca: true, cn: 'CLI Test CA', days: 365 });
    good = makeCert(tmp.dir, 'good', { issuer: ca });
    selfSigned = makeCert(tmp.dir, 'self');
    mkdirSync(path.join(tmp.dir, 'home'));
    mkdirSync(path.join(tmp.dir, 'certs'));
    const base = { ...process.env };
    for (const k of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NO_COLOR', 'FORCE_COLOR']) delete base[k];
    env = {
      ...base, SSL_CERT_FILE: ca.cert, SSL_CERT_DIR: path.join(tmp.dir, 'certs'), NODE_EXTRA_CA_CERTS: ca.cert,
      HOME: path.join(tmp.dir, 'home'),
    };
  });
  afterEach(async () => { await Promise.all(running.splice(0).map(s => s.close())); });
  after(() => tmp.cleanup());

  const serve = async (c: CertFiles) => { const s = await startTlsServer({ key: c.keyPem, cert: c.certPem }); running.push(s); return s; };

  it('exit 0 and the JSON contract for a trusted endpoint', async () => {
    const s = await serve(good);
    const r = await runCli(['check', '--host', 'localhost', '--port', String(s.port), '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.endpoints.length, 1);
    const e = doc.endpoints[0];
    assert.equal(e.url, `https://localhost:${s.port}`);
    assert.equal(e.host, 'localhost');
    assert.equal(e.port, s.port);
    assert.equal(e.source, null);
    assert.equal(e.trusted, true);
    assert.deepEqual(e.trust, { system: true, node: true });
    assert.deepEqual(e.problems, []);
    assert.equal(typeof e.handshakeMs, 'number');
    for (const k of ['subject', 'issuer', 'sha1', 'sha256', 'notBefore', 'notAfter', 'san', 'selfSigned', 'isAspNetCoreDevCert']) {
      assert.ok(k in e.certificate, `certificate.${k}`);
    }
    assert.match(e.certificate.sha1, /^[0-9A-F]{40}$/);
    assert.match(e.certificate.sha256, /^[0-9A-F]{64}$/);
    assert.deepEqual(e.certificate.san, ['localhost', '127.0.0.1', '::1']);
  });

  it('exit 1 with the problem code, message and fixes; --port without --host means localhost; ports repeat', async () => {
    const bad = await serve(selfSigned);
    const closed = await freePort();
    const r = await runCli(['check', '--port', String(bad.port), '--port', String(closed), '--json', '--timeout', '3000'], env);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.endpoints.map((e: { port: number }) => e.port), [bad.port, closed]);
    assert.deepEqual(doc.endpoints.map((e: { host: string }) => e.host), ['localhost', 'localhost']);
    const [self, none] = doc.endpoints;
    assert.deepEqual(self.problems.map((p: { code: string }) => p.code), ['self-signed']);
    assert.equal(typeof self.problems[0].message, 'string');
    assert.deepEqual(self.problems[0].fixes, ['trust', 'regenerate']);
    assert.equal(self.trusted, false);
    assert.deepEqual(none.problems.map((p: { code: string }) => p.code), ['not-listening']);
    assert.equal(none.certificate, null);
  });

  it('a trust store that cannot be read is named (JSON and table): the verdict alone would not say why Node refuses', async () => {
    const s = await serve(good);
    const missing = path.join(tmp.dir, 'no-such-extra-ca.pem');
    const broken = { ...env, NODE_EXTRA_CA_CERTS: missing };
    const json = await runCli(['check', '--port', String(s.port), '--json'], broken);
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.endpoints[0].problems.map((p: { code: string }) => p.code), ['untrusted-by-node'], 'the CA is only in the missing file for Node');
    assert.deepEqual(doc.trustStoreWarnings, [`NODE_EXTRA_CA_CERTS names ${missing}, which cannot be read: Node ignores it`]);
    const table = await runCli(['check', '--port', String(s.port)], broken);
    assert.ok(table.stdout.includes(`warning: trust store: NODE_EXTRA_CA_CERTS names ${missing}`), table.stdout);
    const fine = JSON.parse((await runCli(['check', '--port', String(s.port), '--json'], env)).stdout);
    assert.equal(fine.trustStoreWarnings, undefined, 'nothing to say: no field');
  });

  it('exit 2 on bad usage, with a message and no stack trace', async () => {
    const cases: string[][] = [
      ['check', '--port', '0'], ['check', '--port', '70000'], ['check', '--port', 'https'],
      ['check', '--port', '443', '--timeout', 'soon'], ['check', '--port', '443', '--bogus'], ['check'],
      ['check', path.join(tmp.dir, 'does-not-exist')], ['check', '--host', 'localhost'],
    ];
    for (const args of cases) {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, /devcert-doctor check: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a workspace folder: discovered loopback endpoints are probed with their source file and line; others listed', async () => {
    const s = await serve(good);
    const ws = path.join(tmp.dir, 'ws');
    mkdirSync(path.join(ws, 'Properties'), { recursive: true });
    const file = path.join(ws, 'Properties', 'launchSettings.json');
    writeFileSync(file, JSON.stringify({
      profiles: {
        web: { commandName: 'Project', applicationUrl: `https://localhost:${s.port};http://localhost:5000` },
        remote: { commandName: 'Project', applicationUrl: 'https://build-box.example.test:7443' },
      },
    }, null, 2));
    const r = await runCli(['check', ws, '--json'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.endpoints.length, 1, 'http:// and remote hosts are not probed');
    assert.equal(doc.endpoints[0].port, s.port);
    assert.equal(doc.endpoints[0].source.file, file);
    assert.equal(doc.endpoints[0].source.line, 5); // the applicationUrl line
    assert.ok(doc.notProbed.some((e: { host: string }) => e.host === 'build-box.example.test'));
  });

  it('a folder that declares nothing: exit 0, no endpoints, and says so', async () => {
    const empty = path.join(tmp.dir, 'empty-ws');
    mkdirSync(empty);
    const json = await runCli(['check', empty, '--json'], env);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout).endpoints, []);
    const human = await runCli(['check', empty], env);
    assert.match(human.stdout, /No HTTPS endpoints to check/);
  });

  it('the table for people: no colour when not on a TTY; problem code and fix are shown', async () => {
    const s = await serve(selfSigned);
    const r = await runCli(['check', '--port', String(s.port)], env);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /\x1b\[/);
    assert.match(r.stdout, /self-signed/);
    assert.match(r.stdout, /fix: trust, regenerate/);
    assert.match(r.stdout, /1 of 1 endpoint with problems/);
  });

  it('a silent peer: the whole run stays within the timeout (plus process start-up)', async () => {
    const silent = await startTcpServer(() => { /* never answers */ });
    running.push(silent);
    const r = await runCli(['check', '--port', String(silent.port), '--timeout', '800', '--json'], env);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout).endpoints[0].problems.map((p: { code: string }) => p.code), ['timeout']);
    assert.ok(r.ms < 800 + 1000, `run took ${r.ms.toFixed(0)} ms`);
  });

  it('a client certificate that cannot be opened is a usage error naming the file', async () => {
    const pfx = path.join(tmp.dir, 'client.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', good.cert, '-inkey', good.key, '-out', pfx, '-passout', 'pass:right']);
    const r = await runCli(['check', '--port', '1', '--client-cert', pfx, '--client-cert-password-env', 'PFX_PW'], { ...env, PFX_PW: 'wrong' });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(pfx), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

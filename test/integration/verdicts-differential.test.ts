/**
 * The judge of the verdicts: for each situation a real server on 127.0.0.1 (openssl-made certificates,
 * `openssl s_server` or Node `tls`), the REAL clients connect — curl and `openssl s_client` with this
 * machine's OpenSSL policy, Node `https.get` with default options (a child process, so
 * NODE_EXTRA_CA_CERTS applies), headless Chromium with a sandbox NSS database — and `devcert-doctor
 * check --json` (the built CLI) must say the same per client: `accepts.system` = curl, `accepts.node` =
 * Node, `accepts.browsers` = Chromium; the problem codes must name the cause. Every client and the tool
 * read the same sandbox trust (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, HOME with an NSS database), never
 * this machine's stores. When Debian, Node or Chromium change their policy, this suite notices.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startOpensslServer, startTlsServer, type RunningServer } from '../helpers/servers';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CHROMIUM = '/usr/bin/chromium';
const MARKER = 'devcert-differential-page';
/** What `openssl s_server -www` always prints in its page. */
const S_SERVER_MARKER = 'Ciphers supported in s_server binary';

type ClientId = 'system' | 'node' | 'browsers';
interface Outcome { ok: boolean; detail: string }
interface Situation {
  id: string;
  /** Starts the server once; the port it listens on. */
  start(): Promise<RunningServer>;
  /** Problem codes the tool must report (exactly, sorted). */
  codes: string[];
}

interface Row { id: string; port: number; curl: Outcome; sClient: Outcome; node: Outcome; chromium?: Outcome; tool?: ToolVerdict }
interface ToolVerdict { accepts?: Partial<Record<ClientId, boolean>>; problems: { code: string; affects?: string[] }[]; [k: string]: unknown }

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    // A client that exits before reading its input (curl, a refused s_client) closes the pipe: EPIPE there is not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Run `fn` over items with at most `limit` at once. */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

const lastLine = (s: string) => s.trim().split('\n').filter(l => l.trim()).slice(-1)[0]?.slice(0, 90) ?? '';

const NODE_CLIENT = `
const https = require('node:https');
const req = https.get(process.argv[1], res => { console.log('HTTP ' + res.statusCode); res.resume(); res.on('end', () => process.exit(0)); res.on('error', () => process.exit(0)); });
req.on('error', e => { console.log(e.code || e.message); process.exit(1); });
req.setTimeout(10000, () => { console.log('timeout'); process.exit(1); });`;

const SITUATION_IDS = [
  'trusted', 'self-signed', 'expired', 'not-yet-valid', 'san-for-another-name', 'missing-intermediate', 'intermediate-sent',
  'reversed-chain-order', 'tls1.0-only', 'tls1.1-only', 'dhe-only-2048', 'dh-1024', 'rsa-1024-leaf', 'rsa-512-leaf',
  'cn-only-no-san', 'sha1-leaf', 'sha1-intermediate', 'no-common-cipher', 'unknown-root-same-org', 'client-cert-optional-403', 'client-cert-required', '1000-sans',
  '10000-sans', 'malformed-san',
];

describe('verdicts against the real clients (differential)', function () {
  this.timeout(240_000);
  // Made when the suite runs (not when mocha loads the file), so a filtered run leaves nothing behind.
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  const running: RunningServer[] = [];
  const rows: Row[] = [];
  let env: NodeJS.ProcessEnv;
  let haveChromium = false;
  const situations: Situation[] = [];

  let dir = '';
  let home = '';
  let root: CertFiles;

  /** A Node TLS server answering every request with the marker page (or `status` when `reply` says so). */
  function nodeServer(options: tls.TlsOptions, reply: (s: tls.TLSSocket) => number = () => 200): () => Promise<RunningServer> {
    return async () => {
      const s = await startTlsServer(options, sock => {
        sock.once('data', () => {
          const status = reply(sock);
          const body = `<html><body><p>${MARKER} ${status}</p></body></html>`;
          sock.end(`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Forbidden'}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        });
      });
      running.push(s);
      return s;
    };
  }
  const opensslServer = (args: string[]) => async () => { const s = await startOpensslServer(args); running.push(s); return s; };
  const pair = (c: CertFiles, chain: CertFiles[] = []) => ({ key: c.keyPem, cert: c.certPem + chain.map(x => x.certPem).join('') });

  before(async function () {
    tmp = makeTempDir('devcert-diff-');
    dir = tmp.dir;
    home = path.join(dir, 'home');
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    haveChromium = fs.existsSync(CHROMIUM) && spawnSync('sh', ['-c', 'command -v certutil']).status === 0;
    if (!haveChromium) console.log('      (chromium or certutil missing: the browsers column is not compared)');
    const db = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(db, { recursive: true });

    root = makeCert(dir, 'root', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Root', days: 365 });
    const int = makeCert(dir, 'int', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Intermediate', issuer: root, days: 365 });
    const sameOrg = makeCert(dir, 'same-org', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Other Root', days: 365 });
    const good = makeCert(dir, 'good', { issuer: root });
    const viaInt = makeCert(dir, 'via-int', { issuer: int });
    const sha1Int = makeCert(dir, 'sha1-int', { ca: true, cn: 'DevCert Test SHA-1 Intermediate', issuer: root, days: 365, digest: 'sha1' });
    const int2 = makeCert(dir, 'int2', { ca: true, org: 'DevCert Test Org', cn: 'DevCert Test Issuing', issuer: int, days: 365 });
    const viaInt2 = makeCert(dir, 'via-int2', { issuer: int2 });
    const leaf1024 = makeCert(dir, 'rsa1024', { issuer: root, keyBits: 1024 });
    const manySans = Array.from({ length: 10_000 }, (_, i) => `DNS:host${i}.example.test`).join(',');

    if (haveChromium) {
      try {
        execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
        execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'devcert test root', '-t', 'C,,', '-i', root.cert]);
      } catch { haveChromium = false; }
    }
    env = {
      // No SSL_CERT_DIR: curl reads it *instead of* SSL_CERT_FILE (OpenSSL reads both); the machine's
      // /etc/ssl/certs holds only public roots, so leaving it in changes no verdict here.
      PATH: process.env.PATH, HOME: home, SSL_CERT_FILE: root.cert,
      NODE_EXTRA_CA_CERTS: root.cert, DEVCERT_DOCTOR_HOME: path.join(dir, 'config'),
    };
    // 1024-bit DH: RFC 5114's group, made instantly (a fresh 1024-bit prime would cost seconds).
    const dh1024 = path.join(dir, 'dh1024.pem');
    execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'dh_rfc5114:1', '-out', dh1024]);

    const www = (c: CertFiles, ...extra: string[]) => opensslServer(['-cert', c.cert, '-key', c.key, ...extra]);
    situations.push(
      // -- baseline -------------------------------------------------------------------------------
      { id: 'trusted', start: nodeServer(pair(good)), codes: [] },
      { id: 'self-signed', start: nodeServer(pair(makeCert(dir, 'self'))), codes: ['self-signed'] },
      { id: 'expired', start: nodeServer(pair(makeCert(dir, 'expired', { issuer: root, notBeforeDays: -40, days: 30 }))), codes: ['expired'] },
      { id: 'not-yet-valid', start: nodeServer(pair(makeCert(dir, 'not-yet', { issuer: root, notBeforeDays: 10, days: 30 }))), codes: ['not-yet-valid'] },
      { id: 'san-for-another-name', start: nodeServer(pair(makeCert(dir, 'wrong-san', { issuer: root, san: 'DNS:example.test' }))), codes: ['name-mismatch'] },
      { id: 'missing-intermediate', start: nodeServer(pair(viaInt)), codes: ['unknown-issuer'] },
      { id: 'intermediate-sent', start: nodeServer(pair(viaInt, [int])), codes: [] },
      { id: 'reversed-chain-order', start: nodeServer(pair(viaInt2, [int, int2])), codes: [] },
      // -- what the tool got wrong (issue 10) -----------------------------------------------------
      { id: 'tls1.0-only', start: www(good, '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'), codes: ['legacy-protocol'] },
      { id: 'tls1.1-only', start: www(good, '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'), codes: ['legacy-protocol'] },
      { id: 'dhe-only-2048', start: www(good, '-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'), codes: ['weak-key-exchange'] },
      { id: 'dh-1024', start: www(good, '-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', '-dhparam', dh1024), codes: ['weak-key-exchange'] },
      { id: 'rsa-1024-leaf', start: nodeServer({ ...pair(leaf1024), ciphers: 'DEFAULT@SECLEVEL=0' }), codes: ['weak-key'] },
      { id: 'rsa-512-leaf', start: nodeServer({ ...pair(makeCert(dir, 'rsa512', { issuer: root, keyBits: 512 })), ciphers: 'DEFAULT@SECLEVEL=0' }), codes: ['reset'] },
      { id: 'cn-only-no-san', start: nodeServer(pair(makeCert(dir, 'cn-only', { issuer: root, san: '' }))), codes: ['name-mismatch'] },
      { id: 'sha1-leaf', start: nodeServer({ ...pair(makeCert(dir, 'sha1', { issuer: root, digest: 'sha1' })), ciphers: 'DEFAULT@SECLEVEL=0' }), codes: ['weak-signature'] },
      { id: 'sha1-intermediate', start: nodeServer({ ...pair(makeCert(dir, 'via-sha1-int', { issuer: sha1Int }), [sha1Int]), ciphers: 'DEFAULT@SECLEVEL=0' }), codes: ['weak-signature'] },
      { id: 'no-common-cipher', start: www(good, '-tls1_2', '-cipher', 'NULL-SHA256:@SECLEVEL=0'), codes: ['weak-key-exchange'] },
      { id: 'unknown-root-same-org', start: nodeServer(pair(makeCert(dir, 'same-org-leaf', { issuer: sameOrg }))), codes: ['unknown-issuer'] },
      {
        id: 'client-cert-optional-403',
        start: nodeServer({ ...pair(good), requestCert: true, rejectUnauthorized: false },
          s => (s.getPeerCertificate() && Object.keys(s.getPeerCertificate()).length ? 200 : 403)),
        codes: ['client-cert-required'],
      },
      { id: 'client-cert-required', start: www(good, '-Verify', '1', '-verify_return_error', '-CAfile', root.cert), codes: ['client-cert-required'] },
      { id: '1000-sans', start: nodeServer(pair(makeCert(dir, 'sans1000', { issuer: root, san: `DNS:localhost,${manySans.split(',').slice(0, 999).join(',')}` }))), codes: [] },
      { id: '10000-sans', start: nodeServer(pair(makeCert(dir, 'sans10000', { issuer: root, san: `DNS:localhost,${manySans}` }))), codes: ['oversized-chain'] },
      { id: 'malformed-san', start: nodeServer(pair(makeCert(dir, 'bad-san', { issuer: root, san: '', extensions: ['2.5.29.17=DER:30058205616263'] }))), codes: ['malformed-certificate'] },
    );
    for (const s of situations) {
      const server = await s.start();
      rows.push({ id: s.id, port: server.port } as Row);
    }

    // -- the real clients, in parallel where they do not compete for the two cores ------------------
    const url = (r: Row) => `https://localhost:${r.port}/`;
    await pool(rows, 4, async r => {
      const curl = await run('curl', ['-sS', '-o', '/dev/null', '--max-time', '10', url(r)], env);
      r.curl = { ok: curl.code === 0, detail: curl.code === 0 ? 'ok' : lastLine(curl.stderr.split('\n').find(l => l.startsWith('curl:')) ?? curl.stderr) };
      const sc = await run('openssl', ['s_client', '-connect', `127.0.0.1:${r.port}`, '-servername', 'localhost',
        '-verify_return_error', '-verify_hostname', 'localhost'], env, 15_000, 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n');
      const scOk = sc.code === 0;
      r.sClient = { ok: scOk, detail: scOk ? 'ok' : `${sc.code} ${lastLine(sc.stderr.split('\n').find(l => /error/i.test(l)) ?? sc.stderr)}` };
      const n = await run(process.execPath, ['-e', NODE_CLIENT, url(r)], env);
      r.node = { ok: n.code === 0, detail: n.stdout.trim() };
    });
    if (haveChromium) {
      await pool(rows, 2, async r => {
        const profile = fs.mkdtempSync(path.join(dir, 'profile-'));
        const c = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', `--user-data-dir=${profile}`,
          '--dump-dom', url(r)], env, 45_000);
        fs.rmSync(profile, { recursive: true, force: true });
        const ok = c.stdout.includes(MARKER) || c.stdout.includes(S_SERVER_MARKER);
        r.chromium = { ok, detail: ok ? 'ok' : (/net::(ERR_[A-Z_]+)/.exec(c.stderr)?.[1] ?? 'page did not load') };
      });
    }

    // -- the tool, once for every port -------------------------------------------------------------
    const tool = await run(process.execPath, [CLI, 'check', ...rows.flatMap(r => ['--port', String(r.port)]), '--json', '--timeout', '5000'], env, 60_000);
    const out = JSON.parse(tool.stdout) as { endpoints: (ToolVerdict & { port: number })[] };
    for (const r of rows) r.tool = out.endpoints.find(e => e.port === r.port);
  });

  after(async () => {
    printTable(rows, haveChromium);
    await Promise.all(running.splice(0).map(s => s.close()));
    tmp?.cleanup();
  });

  // One test per situation, named up front (mocha needs them before `before` runs).
  for (const id of SITUATION_IDS) {
    it(id, () => {
      const r = rows.find(x => x.id === id);
      const s = situations.find(x => x.id === id);
      assert.ok(r && s && r.tool, `no verdict for ${id}`);
      const v = r.tool;
      const wanted: Partial<Record<ClientId, boolean>> = { system: r.curl.ok, node: r.node.ok, ...(r.chromium ? { browsers: r.chromium.ok } : {}) };
      const got: Partial<Record<ClientId, boolean>> = { system: v.accepts?.system, node: v.accepts?.node, ...(r.chromium ? { browsers: v.accepts?.browsers } : {}) };
      assert.deepEqual(got, wanted, `accepts for ${id}: curl ${r.curl.detail}; node ${r.node.detail}; chromium ${r.chromium?.detail}`);
      assert.deepEqual(v.problems.map(p => p.code).sort(), s.codes, `problem codes for ${id}`);
      // Every client that refuses is named by at least one problem's `affects`.
      const refusing = (Object.keys(wanted) as ClientId[]).filter(c => !wanted[c]);
      const named = new Set(v.problems.flatMap(p => p.affects ?? []));
      for (const c of refusing) assert.ok(named.has(c), `${id}: ${c} refuses but no problem says it affects ${c}`);
    });
  }
});


function printTable(rows: Row[], chromium: boolean): void {
  const yn = (b: boolean | undefined) => b === undefined ? '-' : b ? 'yes' : 'no';
  const cell = (real: boolean | undefined, tool: boolean | undefined) => `${yn(real)}/${yn(tool)}${real !== undefined && real !== tool ? ' ✗' : ''}`;
  const lines = [`  ${'situation'.padEnd(26)} ${'curl/tool'.padEnd(11)} ${'s_client'.padEnd(9)} ${'node/tool'.padEnd(11)} ${chromium ? 'chromium/tool'.padEnd(14) : ''} codes`];
  for (const r of rows) {
    const a = r.tool?.accepts ?? {};
    lines.push(`  ${r.id.padEnd(26)} ${cell(r.curl?.ok, a.system).padEnd(11)} ${yn(r.sClient?.ok).padEnd(9)} ${cell(r.node?.ok, a.node).padEnd(11)} ${chromium ? cell(r.chromium?.ok, a.browsers).padEnd(14) : ''} ${(r.tool?.problems ?? []).map(p => `${p.code}[${(p.affects ?? []).join(',')}]`).join(' ')}`);
  }
  for (const r of rows) {
    const why = [r.curl && !r.curl.ok ? `curl: ${r.curl.detail}` : '', r.sClient && !r.sClient.ok ? `s_client: ${r.sClient.detail}` : '', r.node && !r.node.ok ? `node: ${r.node.detail}` : '', r.chromium && !r.chromium.ok ? `chromium: ${r.chromium.detail}` : ''].filter(Boolean);
    if (why.length) lines.push(`    ${r.id}: ${why.join('; ')}`);
  }
  console.log(`\n  Agreement (real client / tool):\n${lines.join('\n')}\n`);
}

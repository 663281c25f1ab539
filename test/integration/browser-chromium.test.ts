/**
 * A real browser decides: headless Chromium with HOME at a sandbox reads $HOME/.pki/nssdb. The CA and
 * leaf are made by the openssl binary; the page must fail before `trust`, load after, fail after `untrust`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { cli } from './cliRunner';

const CHROMIUM = '/usr/bin/chromium';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function chromiumDom(url: string, home: string, scratch: string): Promise<string> {
  const profile = fs.mkdtempSync(path.join(scratch, 'profile-'));
  return new Promise(resolve => {
    const child = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', `--user-data-dir=${profile}`, '--dump-dom', url],
    { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', d => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', () => { clearTimeout(timer); fs.rmSync(profile, { recursive: true, force: true }); resolve(out); });
  });
}

describe('headless Chromium against the sandbox NSS database', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  before(function () {
    if (!fs.existsSync(CHROMIUM)) { console.log(`      skipped: ${CHROMIUM} is not installed`); this.skip(); }
    if (!has('certutil')) { console.log('      skipped: certutil (libnss3-tools) is not installed'); this.skip(); }
  });
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { await server?.close(); server = undefined; tmp.cleanup(); });

  it('fails before trust, loads after trust, fails again after untrust', async () => {
    const ca = makeCert(tmp.dir, 'ca', { ca: true });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: ca });
    const marker = 'browser-test-page-ok';
    server = await startTlsServer({ cert: leaf.certPem, key: leaf.keyPem }, s => {
      s.once('data', () => s.end(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body><p>${marker}</p></body></html>`));
    });
    const url = `https://localhost:${server.port}/`;
    const sandbox = path.join(tmp.dir, 'sb');
    const home = path.join(sandbox, 'home');
    const db = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(db, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };

    assert.ok(!(await chromiumDom(url, home, tmp.dir)).includes(marker), 'untrusted: the page must not load');
    const t = cli(['trust', ca.cert, '--allow-ca', '--store', 'nss', '--sandbox', sandbox, '--yes'], env);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.ok((await chromiumDom(url, home, tmp.dir)).includes(marker), 'trusted: the page loads');
    const u = cli(['untrust', '--sandbox', sandbox, '--yes'], env);
    assert.equal(u.code, 0, u.stdout + u.stderr);
    assert.ok(!(await chromiumDom(url, home, tmp.dir)).includes(marker), 'untrusted again: the page must not load');
  });
});

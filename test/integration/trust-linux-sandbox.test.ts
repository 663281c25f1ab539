/**
 * The Linux system store for real, in a sandbox: `trust --sandbox` runs update-ca-certificates with its
 * directory options; the openssl binary (not our code) then judges the resulting bundle.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startOpensslServer, type RunningServer } from '../helpers/servers';
import { cli } from './cliRunner';
import { prepareLinuxSandbox, sandboxPaths } from '../../src/core/trust/linuxSystem';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function sClientVerifies(port: number, caFile: string): boolean {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-verify_hostname', 'localhost',
    '-CAfile', caFile, '-verify_return_error', '-brief'], { input: '', encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /Verification: OK|Verify return code: 0/.test(r.stdout + r.stderr);
}

describe('trust / untrust against a sandboxed update-ca-certificates tree', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  before(function () { if (!has('update-ca-certificates')) this.skip(); });
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { await server?.close(); server = undefined; tmp.cleanup(); });

  it('trusted after trust, rejected after untrust, twice changes nothing, nothing outside the sandbox', async () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const sandbox = path.join(tmp.dir, 'sb');
    const ca = makeCert(tmp.dir, 'ca', { ca: true });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: ca });
    await prepareLinuxSandbox(path.join(sandbox, 'system'), makeCert(tmp.dir, 'placeholder', { ca: true }).certPem);
    const bundle = sandboxPaths(path.join(sandbox, 'system')).bundle;
    server = await startOpensslServer(['-cert', leaf.cert, '-key', leaf.key]);
    assert.equal(sClientVerifies(server.port, bundle), false);
    const bundleBefore = fs.readFileSync(bundle, 'utf8');

    const dry = cli(['trust', ca.cert, '--allow-ca', '--sandbox', sandbox, '--store', 'linux-system', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /run: +update-ca-certificates --certsconf .* --certbundle ca-certificates\.crt/);
    assert.equal(sClientVerifies(server.port, bundle), false, 'dry run changed nothing');

    const t = cli(['trust', ca.cert, '--allow-ca', '--sandbox', sandbox, '--store', 'linux-system', '--yes'], env);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.equal(sClientVerifies(server.port, bundle), true);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', bundle, leaf.cert], { encoding: 'utf8' }), /OK/);
    const ledger = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'config', 'ledger.json'), 'utf8'));
    assert.deepEqual(ledger.entries.filter((e: { kind: string }) => e.kind === 'trust').map((e: { target: string }) => e.target), [`linux-system:${path.join(sandbox, 'system')}`]);

    const again = cli(['trust', ca.cert, '--allow-ca', '--sandbox', sandbox, '--store', 'linux-system', '--yes'], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Nothing to change/);

    const u = cli(['untrust', '--sandbox', sandbox, '--yes'], env);
    assert.equal(u.code, 0, u.stdout + u.stderr);
    assert.equal(sClientVerifies(server.port, bundle), false);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(tmp.dir, 'config', 'ledger.json'), 'utf8')).entries, []);
    assert.deepEqual(fs.readdirSync(sandboxPaths(path.join(sandbox, 'system')).localcertsdir), []);
    assert.equal(fs.readFileSync(bundle, 'utf8'), bundleBefore, 'the system bundle is back to what it was');
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, 'config', 'trusted')), [], 'the saved copy went with the last store entry');
    const u2 = cli(['untrust', '--all', '--sandbox', sandbox, '--yes'], env);
    assert.match(u2.stdout, /Nothing to change/);
  });

  it('bad input: a corrupt PEM or a wrong PFX password is a clear error and nothing changes', async () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config'), PW: 'wrong' };
    const sandbox = path.join(tmp.dir, 'sb');
    await prepareLinuxSandbox(path.join(sandbox, 'system'), makeCert(tmp.dir, 'placeholder', { ca: true }).certPem);
    const bundleBefore = fs.readFileSync(sandboxPaths(path.join(sandbox, 'system')).bundle, 'utf8');
    const bad = path.join(tmp.dir, 'bad.pem');
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n');
    const r1 = cli(['trust', bad, '--sandbox', sandbox, '--yes'], env);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, new RegExp(`corrupt PEM in ${bad}`));
    const c = makeCert(tmp.dir, 'p');
    const pfx = path.join(tmp.dir, 'p.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', c.cert, '-inkey', c.key, '-out', pfx, '-passout', 'pass:right']);
    const r2 = cli(['trust', pfx, '--password-env', 'PW', '--sandbox', sandbox, '--yes'], env);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, new RegExp(`wrong password for ${pfx}`));
    assert.equal(fs.readFileSync(sandboxPaths(path.join(sandbox, 'system')).bundle, 'utf8'), bundleBefore);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'config', 'ledger.json')), false);
  });
});

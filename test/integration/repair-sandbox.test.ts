/**
 * `repair` against real servers (certificates made by the openssl binary) and a sandbox, plus rollback
 * when a step fails half-way through a real plan.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startOpensslServer, type RunningServer } from '../helpers/servers';
import { cli } from './cliRunner';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { planRepair } from '../../src/core/repair/planRepair';
import { checkEndpoints, servedChainOf } from '../../src/core/check/checkEndpoints';
import { anchorContextFor } from '../../src/core/trust/anchors';
import { linuxSystemStore, prepareLinuxSandbox, sandboxPaths } from '../../src/core/trust/linuxSystem';
import { nssStore } from '../../src/core/trust/nss';
import type { TrustContext } from '../../src/core/trust/store';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('repair in a sandbox', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  before(function () { if (!has('update-ca-certificates') || !has('certutil')) this.skip(); });
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { await server?.close(); server = undefined; tmp.cleanup(); });

  async function setup() {
    const sandbox = path.join(tmp.dir, 'sb');
    const system = path.join(sandbox, 'system');
    await prepareLinuxSandbox(system, makeCert(tmp.dir, 'placeholder', { ca: true }).certPem);
    const db = path.join(sandbox, 'home', '.pki', 'nssdb');
    fs.mkdirSync(db, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
    return { sandbox, system, db, bundle: sandboxPaths(system).bundle };
  }

  it('a self-signed server: repair trusts the served certificate; openssl then verifies; a second repair changes nothing', async () => {
    const { sandbox, bundle, db } = await setup();
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const self = makeCert(tmp.dir, 'self');
    server = await startOpensslServer(['-cert', self.cert, '-key', self.key]);
    const r = cli(['repair', '--port', String(server.port), '--sandbox', sandbox, '--yes'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /self-signed/);
    assert.match(r.stdout, /certutil -A -d sql:\S+ -t C,, -n/);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', bundle, self.cert], { encoding: 'utf8' }), /OK/);
    assert.match(execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' }), /localhost \(devcert-doctor [0-9A-F]{8}\)\s+C,,/);
    const again = cli(['repair', '--port', String(server.port), '--sandbox', sandbox, '--yes'], env);
    assert.equal(again.code, 0);
    // The Node step is instructions only (NODE_EXTRA_CA_CERTS is not set in this environment): nothing to run.
    assert.match(again.stdout, /Nothing to change/);
  });

  it('rollback: NSS step fails after the system store was changed → the system store is restored, ledger empty', async () => {
    const { system, bundle } = await setup();
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config'), SSL_CERT_FILE: bundle };
    const ca = makeCert(tmp.dir, 'ca', { ca: true });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: ca });
    const chain = path.join(tmp.dir, 'chain.pem');
    fs.writeFileSync(chain, leaf.certPem + ca.certPem);
    server = await startOpensslServer(['-cert', chain, '-key', leaf.key]);
    // A certutil that exists but fails: the third step of a real plan fails.
    const failing = path.join(tmp.dir, 'certutil-broken');
    fs.writeFileSync(failing, '#!/bin/sh\ncase "$1" in -A) echo "SEC_ERROR_READ_ONLY: database is read-only" >&2; exit 255;; esac\nexec certutil "$@"\n', { mode: 0o755 });
    const ctx: TrustContext = { platform: 'linux', homeDir: path.join(tmp.dir, 'sb', 'home'), env, linuxSandboxRoot: system, tools: { certutil: failing } };
    const bundleBefore = fs.readFileSync(bundle, 'utf8');
    const [verdict] = await checkEndpoints([{ host: 'localhost', port: server.port }], { timeoutMs: 5000, ...anchorContextFor(ctx) });
    assert.equal(verdict.trusted, false);
    // The repair works from the chain this handshake saw (no second handshake).
    assert.equal(servedChainOf(verdict)?.[0].toString('base64'), new X509Certificate(leaf.certPem).raw.toString('base64'));
    // The served root is trusted only because the test says so (trustPolicy.ts withholds it otherwise).
    const plan = await planRepair([verdict], { ctx, stores: [linuxSystemStore, nssStore], allowServedAnchors: true });
    const ledger = new Ledger(path.join(tmp.dir, 'config', 'ledger.json'));
    const out = await executePlan(plan, { ledger, elevate: false });
    assert.equal(out.ok, false);
    assert.match(out.failed!.error!, /SEC_ERROR_READ_ONLY/);
    assert.deepEqual(out.notUndone, []);
    assert.ok(out.rolledBack.includes('trust-system-refresh') && out.rolledBack.includes('trust-system-anchor'));
    assert.equal(fs.readFileSync(bundle, 'utf8'), bundleBefore);
    assert.deepEqual(fs.readdirSync(sandboxPaths(system).localcertsdir), []);
    assert.deepEqual(ledger.entries(), []);
    const v = spawnSync('openssl', ['verify', '-CAfile', bundle, leaf.cert], { encoding: 'utf8' });
    assert.notEqual(v.status, 0);
  });

  it('--dry-run --platform renders other platforms\' plans without running anything', () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const c = makeCert(tmp.dir, 'c', { ca: true });
    const win = cli(['trust', c.cert, '--allow-ca', '--dry-run', '--platform', 'win32'], env);
    assert.equal(win.code, 0, win.stderr);
    assert.match(win.stdout, /Plan: Trust .* \(win32\)/);
    assert.match(win.stdout, /powershell/i);
    const mac = cli(['trust', c.cert, '--allow-ca', '--dry-run', '--platform', 'darwin'], env);
    assert.match(mac.stdout, /security add-trusted-cert -r trustRoot -p ssl -p basic -k/);
    const linux = cli(['trust', c.cert, '--allow-ca', '--dry-run', '--platform', 'linux', '--store', 'linux-system'], env);
    assert.match(linux.stdout, /\[ELEVATED\]|update-ca/);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'config')), false);
  });

  it('--dry-run --script prints the plan as a script to paste (sudo where elevated; PowerShell for win32); --script alone is a usage error', () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config-script') };
    const c = makeCert(tmp.dir, 'script-ca', { ca: true });
    const linux = cli(['trust', c.cert, '--allow-ca', '--dry-run', '--script', '--platform', 'linux', '--store', 'linux-system'], env);
    assert.equal(linux.code, 0, linux.stderr);
    assert.match(linux.stdout, /^#!\/bin\/sh\n/);
    // The system store needs elevation unless this already runs as root (then no sudo is planned).
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    assert.match(linux.stdout, new RegExp(`^${sudo}install -m 0644 /dev/stdin '?/usr/local/share/ca-certificates/[^\\n]*<<'DEVCERT_EOF'\\n-----BEGIN CERTIFICATE-----`, 'm'));
    assert.match(linux.stdout, new RegExp(`^${sudo}update-ca-certificates`, 'm'));
    assert.doesNotMatch(linux.stdout, /^Plan: /m);
    const win = cli(['trust', c.cert, '--allow-ca', '--dry-run', '--script', '--platform', 'win32'], env);
    assert.equal(win.code, 0, win.stderr);
    assert.match(win.stdout, /\$ErrorActionPreference = 'Stop'/);
    const run = cli(['trust', c.cert, '--allow-ca', '--script'], env);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(fs.existsSync(env.DEVCERT_DOCTOR_HOME), false, 'nothing written');
  });
});

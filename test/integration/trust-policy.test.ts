/**
 * What a repair may trust on its own (issue 9, point 1), against real TLS servers on 127.0.0.1 serving
 * openssl-made certificates and a sandboxed system store: a root CA a server hands over is never
 * planned, nor an expired certificate; a sound self-signed localhost leaf is. The CLI's `trust FILE`
 * refuses a CA without --allow-ca. The local CA is name-constrained, and real clients (openssl verify,
 * Node's tls, curl) refuse what it signs for a public name.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { cli } from './cliRunner';
import { createLocalCa } from '../../src/core/certs/localCa';
import { generateCertificate } from '../../src/core/certs/generate';
import { privateKeyPem } from '../../src/core/certs/keys';
import { checkEndpoints } from '../../src/core/check/checkEndpoints';
import type { RepairPlan } from '../../src/core/plan/types';
import { planRepair } from '../../src/core/repair/planRepair';
import { anchorContextFor } from '../../src/core/trust/anchors';
import { linuxSystemStore, prepareLinuxSandbox } from '../../src/core/trust/linuxSystem';
import type { TrustContext } from '../../src/core/trust/store';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sha1 = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, '');
/** The certificates a plan trusts: each gets its saved copy (`save-<sha1 prefix>`) before any store step. */
const trustedBy = (plan: RepairPlan) => plan.steps.filter(s => s.id.startsWith('save-')).map(s => s.id.slice('save-'.length));
const trusts = (plan: RepairPlan, pem: string) => trustedBy(plan).some(p => sha1(pem).startsWith(p));

describe('trust policy: what a repair may trust', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  before(function () { if (!has('update-ca-certificates')) this.skip(); });
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { await server?.close(); server = undefined; tmp.cleanup(); });

  async function sandboxCtx(): Promise<TrustContext> {
    const system = path.join(tmp.dir, 'sb', 'system');
    await prepareLinuxSandbox(system, makeCert(tmp.dir, 'placeholder', { ca: true }).certPem);
    return { platform: 'linux', homeDir: path.join(tmp.dir, 'sb', 'home'), env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') }, linuxSandboxRoot: system, tools: {} };
  }

  async function verdictFor(ctx: TrustContext, cert: string, key: string) {
    server = await startTlsServer({ cert, key });
    const [v] = await checkEndpoints([{ host: '127.0.0.1', port: server.port }], { timeoutMs: 5000, ...anchorContextFor(ctx) });
    return v;
  }

  it('a server sending its own root CA with its leaf: the root is never planned; a note says why; the plan regenerates under the local CA', async () => {
    const ctx = await sandboxCtx();
    const root = makeCert(tmp.dir, 'evil-root', { ca: true });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: root });
    const v = await verdictFor(ctx, leaf.certPem + root.certPem, leaf.keyPem);
    assert.equal(v.trusted, false);
    assert.ok(v.problems.some(p => p.fixes.includes('trust')), 'the verdict itself offers trust (the root is sound, just unknown)');

    const plan = await planRepair([v], { ctx, stores: [linuxSystemStore] });
    assert.equal(trusts(plan, root.certPem), false, `the served root is planned: ${plan.steps.map(s => s.id)}`);
    assert.equal(trusts(plan, leaf.certPem), false);
    const note = plan.notes.find(n => n.includes('not trusted automatically'));
    assert.ok(note, plan.notes.join('\n'));
    assert.match(note!, /certificate authority \(CA:TRUE\)/);
    assert.equal(note!.split(/\.\s/).length, 1, `one sentence: ${note}`);
    assert.deepEqual(plan.withheld?.map(w => w.sha1), [sha1(root.certPem)]);
    // Regenerated instead: the local CA is created and it, not the server's root, is what gets trusted.
    const caStep = plan.steps.find(s => s.id === 'local-ca-cert');
    assert.ok(caStep && caStep.action.type === 'write-file', plan.steps.map(s => s.id).join(', '));
    const caPem = String((caStep!.action as { contents: string | Buffer }).contents);
    assert.ok(trusts(plan, caPem), 'the new local CA is trusted');
    assert.ok(plan.steps.some(s => /anchor/.test(s.id)));

    // Only the explicit act trusts it (the editor's second confirmation).
    const allowed = await planRepair([v], { ctx, stores: [linuxSystemStore], allowServedAnchors: true });
    assert.ok(trusts(allowed, root.certPem));
  });

  it('an expired self-signed localhost certificate: regenerate comes first, trust is not offered, and even asked for trust the plan regenerates', async () => {
    const ctx = await sandboxCtx();
    const old = makeCert(tmp.dir, 'old', { notBeforeDays: -60, days: 30 });
    const v = await verdictFor(ctx, old.certPem, old.keyPem);
    assert.ok(v.problems.some(p => p.code === 'expired'));
    const offered = [...new Set(v.problems.flatMap(p => p.fixes))];
    assert.equal(offered.includes('trust'), false, `trust offered: ${offered}`);
    assert.equal(v.problems.find(p => p.code === 'self-signed')?.fixes[0], 'regenerate');
    // The quick fix "Trust" of an older diagnostic: still no trust of the expired certificate.
    const plan = await planRepair([v], { ctx, stores: [linuxSystemStore], fixes: ['trust'] });
    assert.equal(trusts(plan, old.certPem), false, plan.steps.map(s => s.id).join(', '));
    assert.match(plan.notes.join('\n'), /expired/);
    assert.ok(plan.steps.some(s => s.id === 'local-ca-cert'), 'regenerates under the local CA');
  });

  it('a sound self-signed localhost leaf (not a CA, valid, loopback names only) is trusted as it is', async () => {
    const ctx = await sandboxCtx();
    const dev = makeCert(tmp.dir, 'dev', { san: 'DNS:localhost,DNS:*.localhost,IP:127.0.0.1,IP:::1' });
    const v = await verdictFor(ctx, dev.certPem, dev.keyPem);
    assert.equal(v.problems[0].fixes[0], 'trust');
    const plan = await planRepair([v], { ctx, stores: [linuxSystemStore] });
    assert.ok(trusts(plan, dev.certPem), plan.steps.map(s => s.id).join(', '));
    assert.equal(plan.withheld, undefined);
    assert.equal(plan.steps.some(s => s.id === 'local-ca-cert'), false, 'nothing regenerated');
  });

  it('a self-signed leaf for another name is not trusted on its own either', async () => {
    const ctx = await sandboxCtx();
    const other = makeCert(tmp.dir, 'other', { san: 'DNS:localhost,DNS:www.example.com' });
    const v = await verdictFor(ctx, other.certPem, other.keyPem);
    const plan = await planRepair([v], { ctx, stores: [linuxSystemStore] });
    assert.equal(trusts(plan, other.certPem), false);
    assert.match(plan.notes.join('\n'), /names www\.example\.com, which is not this machine's loopback/);
  });

  it('CLI: `trust FILE` of a CA exits 2 with one sentence; with --allow-ca it is planned; a sound localhost leaf needs no flag', () => {
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    const root = makeCert(tmp.dir, 'root', { ca: true });
    const refused = cli(['trust', root.cert, '--dry-run', '--platform', 'linux', '--store', 'linux-system'], env);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /not trusted without --allow-ca because it is a certificate authority/);
    assert.equal(refused.stdout, '');
    const allowed = cli(['trust', root.cert, '--allow-ca', '--dry-run', '--platform', 'linux', '--store', 'linux-system'], env);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /Plan: Trust CN=root CA/);
    assert.match(allowed.stdout, /impersonate any website/);
    const dev = makeCert(tmp.dir, 'dev');
    const plain = cli(['trust', dev.cert, '--dry-run', '--platform', 'linux', '--store', 'linux-system'], env);
    assert.equal(plain.code, 0, plain.stderr);
  });
});

describe('the local CA is name-constrained (openssl verify, Node tls, curl)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  const servers: RunningServer[] = [];
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); tmp.cleanup(); });

  it('carries a critical NameConstraints extension: localhost, .localhost, 127.0.0.0/8, ::1 and the user\'s names', async () => {
    const ca = await createLocalCa({ DEVCERT_DOCTOR_HOME: tmp.dir, DEVCERT_DOCTOR_CA_NAMES: 'myapp.test' });
    const caFile = path.join(tmp.dir, 'ca.pem');
    fs.writeFileSync(caFile, ca.certPem);
    // openssl's own parse of our DER.
    const text = execFileSync('openssl', ['x509', '-in', caFile, '-noout', '-ext', 'nameConstraints'], { encoding: 'utf8' });
    assert.match(text, /X509v3 Name Constraints: critical/);
    for (const line of ['DNS:localhost', 'DNS:.localhost', 'IP:127.0.0.0/255.0.0.0', 'IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'DNS:myapp.test']) {
      assert.ok(text.includes(line), `${line} missing:\n${text}`);
    }
  });

  it('rejects a leaf for example.com that it signed, accepts one for localhost', async () => {
    const ca = await createLocalCa({ DEVCERT_DOCTOR_HOME: tmp.dir });
    const caFiles = { cert: path.join(tmp.dir, 'ca.pem'), key: path.join(tmp.dir, 'ca.key'), certPem: ca.certPem, keyPem: privateKeyPem(ca.key) };
    fs.writeFileSync(caFiles.cert, ca.certPem);
    fs.writeFileSync(caFiles.key, caFiles.keyPem, { mode: 0o600 });
    // The public-name leaf is signed by openssl itself with the CA's key: what a leaked key would make.
    const publicLeaf = makeCert(tmp.dir, 'public', { cn: 'example.com', san: 'DNS:example.com', issuer: caFiles });
    const local = await generateCertificate({ profile: 'local-ca', ca, env: { DEVCERT_DOCTOR_HOME: tmp.dir } });
    const localFile = path.join(tmp.dir, 'local.pem');
    fs.writeFileSync(localFile, local.certPem);

    const bad = spawnSync('openssl', ['verify', '-CAfile', caFiles.cert, publicLeaf.cert], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /permitted subtree violation/);
    const good = spawnSync('openssl', ['verify', '-CAfile', caFiles.cert, localFile], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stdout + good.stderr);

    // Node's tls (OpenSSL underneath) and curl, against real servers on 127.0.0.1.
    const publicServer = await startTlsServer({ cert: publicLeaf.certPem, key: publicLeaf.keyPem });
    const localServer = await startTlsServer({ cert: local.certPem, key: local.keyPem });
    servers.push(publicServer, localServer);
    const handshake = (port: number, servername: string) => new Promise<string>(resolve => {
      const s = tls.connect({ host: '127.0.0.1', port, servername, ca: ca.certPem }, () => { s.end(); resolve('ok'); });
      s.on('error', e => resolve(`${(e as NodeJS.ErrnoException).code}: ${e.message}`));
    });
    assert.match(await handshake(publicServer.port, 'example.com'), /permitted subtree violation/);
    assert.equal(await handshake(localServer.port, 'localhost'), 'ok');

    // Asynchronously: the servers run in this process and must keep answering while curl waits.
    const curl = (host: string, port: number) => new Promise<{ status: number | null; stderr: string }>(resolve => {
      execFile('curl', ['-sS', '-o', '/dev/null', '--max-time', '10', '--cacert', caFiles.cert, '--resolve', `${host}:${port}:127.0.0.1`, `https://${host}:${port}/`],
        { encoding: 'utf8' }, (err, _out, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }));
    });
    const curlBad = await curl('example.com', publicServer.port);
    assert.notEqual(curlBad.status, 0);
    assert.match(curlBad.stderr, /permitted subtree violation|certificate verify failed/i);
    const curlGood = await curl('localhost', localServer.port);
    assert.equal(curlGood.status, 0, curlGood.stderr);
  });

  it('`generate` refuses a name outside the constraints instead of making a certificate no client accepts', async () => {
    const ca = await createLocalCa({ DEVCERT_DOCTOR_HOME: tmp.dir });
    await assert.rejects(generateCertificate({ profile: 'local-ca', ca, hosts: ['example.com'], env: { DEVCERT_DOCTOR_HOME: tmp.dir } }), /DEVCERT_DOCTOR_CA_NAMES/);
  });
});

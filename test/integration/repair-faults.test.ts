/**
 * Faults a trust tool must survive, with the built CLI against a sandbox (update-ca-certificates tree,
 * NSS database, Node bundle, config folder): kill -9 at every step of a real plan, then `untrust --all`
 * leaves the sandbox exactly as before; the next `trust` after a kill finishes the job; Ctrl-C and
 * SIGTERM mid-plan undo what the run did; six runs at once all land; a hand-edited ledger runs nothing
 * and deletes nothing unrelated; a stale lock is taken over and a live one is waited for, then named.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { cli, type CliResult } from './cliRunner';
import { acquireLock, LockBusyError } from '../../src/core/plan/lock';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

/** Everything a trust can change in a sandbox, as bytes, so "as before" is exact. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p);
      // The NSS database files are rewritten by certutil even when their contents do not change: compared by listing below.
      else if (!/\.db(-journal)?$/.test(name) && name !== 'lock') {
        const content = createHash('sha256').update(fs.existsSync(p) ? fs.readFileSync(p) : '').digest('hex');
        // OpenSSL's hash links are compared as what a lookup by that hash finds (the set of certificates):
        // `update-ca-certificates` with and without --fresh number and aim equal links differently.
        const hashLink = /^([0-9a-f]{8})\.\d+$/.exec(name);
        const key = path.relative(root, hashLink ? path.join(dir, hashLink[1]) : p);
        out[key] = hashLink ? [...new Set([...(out[key]?.split(' ') ?? []), content])].sort().join(' ') : (st.isSymbolicLink() ? '-> ' : '') + content;
      }
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

describe('faults: kill -9 at every step, interrupts, concurrent runs, edited ledgers, locks', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof makeTempDir>;
  before(function () { if (!has('update-ca-certificates') || !has('certutil')) this.skip(); });
  beforeEach(() => { tmp = makeTempDir('devcert-faults-'); });
  afterEach(() => tmp.cleanup());

  /** A sound self-signed localhost leaf (the kind a repair may trust), one per name. */
  const leaf = (name: string): CertFiles => makeCert(tmp.dir, name, { cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' });
  const env = () => ({ DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') });
  const sandbox = () => path.join(tmp.dir, 'sb');
  const trust = (c: CertFiles, extra: NodeJS.ProcessEnv = {}): CliResult => cli(['trust', c.cert, '--sandbox', sandbox(), '--yes'], { ...env(), ...extra });
  const untrustAll = (): CliResult => cli(['untrust', '--all', '--sandbox', sandbox(), '--yes'], env());
  const nssList = () => execFileSync('certutil', ['-L', '-d', `sql:${path.join(sandbox(), 'home', '.pki', 'nssdb')}`], { encoding: 'utf8' });
  const ledger = () => { try { return JSON.parse(fs.readFileSync(path.join(tmp.dir, 'config', 'ledger.json'), 'utf8')).entries as Array<{ kind: string; target: string; intended?: boolean }>; } catch { return []; } };
  const steps = (r: CliResult) => r.stdout.split('\n').filter(l => /^ {2}\d+\. /.test(l)).length;

  it('kill -9 before and after every step: untrust --all leaves the sandbox as it was, and a new trust finishes the job', async () => {
    const c = leaf('kill');
    // Prepare the sandbox with a run that changes nothing, and measure the plan's length.
    assert.equal(untrustAll().code, 0);
    const dry = cli(['trust', c.cert, '--sandbox', sandbox(), '--dry-run'], env());
    assert.equal(dry.code, 0, dry.stderr);
    const n = steps(dry);
    assert.ok(n >= 5, dry.stdout);
    const pristine = { sandbox: snapshot(sandbox()), config: snapshot(path.join(tmp.dir, 'config')), nss: nssList() };
    for (let i = 0; i < n; i++) {
      for (const when of ['before', 'after']) {
        const killed = trust(c, { DEVCERT_DOCTOR_FAULT: `kill:${when}:${i}` });
        assert.equal(killed.code, null, `${when} ${i}: the run was killed (${killed.stderr})`);
        // What it may have added is in the ledger, marked intended where its step did not finish.
        const undo = untrustAll();
        assert.equal(undo.code, 0, `${when} ${i}: ${undo.stdout}${undo.stderr}`);
        assert.deepEqual(snapshot(sandbox()), pristine.sandbox, `${when} ${i}: the sandbox is as before`);
        assert.equal(nssList(), pristine.nss, `${when} ${i}: NSS as before`);
        assert.deepEqual(ledger(), [], `${when} ${i}: the ledger is empty`);
        assert.deepEqual(Object.keys(snapshot(path.join(tmp.dir, 'config'))).filter(f => f !== 'ledger.json'), Object.keys(pristine.config), `${when} ${i}: nothing left in the config folder`);
      }
    }
    // Killed half-way, then run again: the second run completes it, every fact confirmed.
    assert.equal(trust(c, { DEVCERT_DOCTOR_FAULT: 'kill:after:2' }).code, null);
    assert.ok(ledger().some(e => e.intended), 'the killed run left intents');
    const again = trust(c);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.ok(ledger().length >= 3 && ledger().every(e => !e.intended), JSON.stringify(ledger()));
    assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(sandbox(), 'system', 'etc', 'ssl', 'certs', 'ca-certificates.crt'), c.cert], { encoding: 'utf8' }), /OK/);
    assert.equal(untrustAll().code, 0);
    assert.deepEqual(snapshot(sandbox()), pristine.sandbox);
  });

  it('Ctrl-C or SIGTERM mid-plan: the step that runs finishes, what the run did is undone, exit 130', async () => {
    const c = leaf('interrupt');
    assert.equal(untrustAll().code, 0);
    const pristine = snapshot(sandbox());
    for (const sig of ['sigint', 'sigterm']) {
      const r = trust(c, { DEVCERT_DOCTOR_FAULT: `${sig}:before:3` });
      assert.equal(r.code, 130, r.stdout + r.stderr);
      assert.match(r.stderr, /stopping after the current step/);
      assert.match(r.stdout, /Interrupted before step .*were undone/);
      assert.deepEqual(snapshot(sandbox()), pristine, `${sig}: the sandbox is as before`);
      assert.deepEqual(ledger(), []);
    }
  });

  it('six runs at once: every certificate lands in every store and in the ledger (one run at a time)', async () => {
    const certs = Array.from({ length: 6 }, (_, i) => leaf(`many${i}`));
    assert.equal(untrustAll().code, 0);
    const runs = await Promise.all(certs.map(c => new Promise<{ code: number | null; out: string }>(res => {
      const p = spawn(process.execPath, [CLI, 'trust', c.cert, '--sandbox', sandbox(), '--yes'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', d => { out += d; });
      p.stderr.on('data', d => { out += d; });
      p.on('exit', code => res({ code, out }));
    })));
    assert.deepEqual(runs.map(r => r.code), [0, 0, 0, 0, 0, 0], runs.filter(r => r.code).map(r => r.out).join('\n----\n'));
    const sha1s = certs.map(c => createHash('sha1').update(Buffer.from(c.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex').toUpperCase());
    const bundle = fs.readFileSync(path.join(tmp.dir, 'config', 'node-extra-ca-certs.pem'), 'utf8');
    for (const c of certs) assert.ok(bundle.includes(c.certPem.trim().split('\n')[1]), 'in the Node bundle');
    const nodeFacts = ledger().filter(e => e.target.startsWith('node:'));
    assert.equal(nodeFacts.length, 6);
    const systemBundle = fs.readFileSync(path.join(sandbox(), 'system', 'etc', 'ssl', 'certs', 'ca-certificates.crt'), 'utf8');
    for (const c of certs) assert.ok(systemBundle.includes(c.certPem.trim().split('\n')[1]), 'in the system bundle');
    assert.equal((nssList().match(/devcert-doctor/g) ?? []).length, 6);
    assert.equal(ledger().filter(e => e.target.startsWith('linux-system')).length, 6, sha1s.join(' '));
    // And all six come out again.
    assert.equal(untrustAll().code, 0);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'config', 'node-extra-ca-certs.pem')), false);
    assert.deepEqual(ledger(), []);
  });

  it('a hand-edited ledger: commands and unrelated files are never acted on; the rest is removed', async () => {
    const c = leaf('edited');
    assert.equal(trust(c).code, 0);
    const victim = path.join(tmp.dir, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const file = path.join(tmp.dir, 'config', 'ledger.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    const marker = path.join(tmp.dir, 'pwned');
    data.entries.push(
      { kind: 'file', target: victim, path: victim, written: 'f'.repeat(64), addedAt: 'x' },
      { kind: 'binding', target: 'httpsys:0.0.0.0:44300', undo: { type: 'command', command: 'touch', args: [marker] }, addedAt: 'x' },
      { kind: 'trust', target: 'dotnet-dev-certs', undo: { type: 'command', command: 'touch', args: [marker] }, addedAt: 'x' },
    );
    fs.writeFileSync(file, JSON.stringify(data));
    const r = untrustAll();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'keep me', 'a file whose bytes are not what was written stays');
    assert.equal(fs.existsSync(marker), false, 'no command from the ledger ran');
    assert.match(r.stdout, /changed since DevCert Doctor wrote it|not acted on/);
    assert.doesNotMatch(nssList(), /devcert-doctor/);
  });

  it('a stale lock (its process is gone) is taken over; a live one is waited for, then named', async () => {
    const lock = path.join(tmp.dir, 'config', 'lock');
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(lock, JSON.stringify({ pid: Number(dead), host: require('node:os').hostname(), what: 'a crashed run', since: new Date().toISOString() }));
    const r = trust(leaf('stale-lock'));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const release = await acquireLock(lock, { what: 'devcert-doctor repair (a test holding it)' });
    try {
      const t0 = Date.now();
      await assert.rejects(acquireLock(lock, { waitMs: 300 }), (err: unknown) =>
        err instanceof LockBusyError && /pid \d+, devcert-doctor repair \(a test holding it\)/.test(err.message));
      assert.ok(Date.now() - t0 >= 250, 'it waited before giving up');
    } finally { release(); }
    assert.equal(fs.existsSync(lock), false, 'released');
  });
});

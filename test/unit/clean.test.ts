/**
 * planClean: the ledger → one plan that undoes what DevCert Doctor added, each entry forgotten when its
 * step succeeds and recorded again when a rollback puts the change back.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../../src/core/plan/steps';
import { planClean } from '../../src/core/repair/clean';
import { Ledger } from '../../src/core/plan/ledger';
import type { LedgerEntry } from '../../src/core/plan/types';
import { executePlan } from '../../src/core/plan/run';
import { renderPlan } from '../../src/core/plan/render';
import type { TrustContext } from '../../src/core/trust/store';
import { makeTempDir } from '../helpers/sandbox';
import { createDarwinKeychainStore } from '../../src/core/trust/darwin';

const APP_ID = '{214124cd-d05b-4309-9af9-9caa44b2b74a}';
const OLD = '7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01';
const NEW = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
const at = new Date(0).toISOString();

describe('planClean (ledger → plan)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let ledger: Ledger;
  beforeEach(() => { tmp = makeTempDir(); ledger = new Ledger(path.join(tmp.dir, 'ledger.json')); });
  afterEach(() => tmp.cleanup());

  /** A config file edited by the tool: `before` was there, `after` was written. */
  function edited(name: string, before: string, after: string): LedgerEntry {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, after);
    return {
      kind: 'config-edit', target: `kestrel:${file}`, path: file, previous: Buffer.from(before).toString('base64'), previousMode: 0o644,
      written: sha256(Buffer.from(after)), addedAt: at,
    };
  }

  it('Windows: an http.sys binding is put back from its recorded facts (ip:port, previous binding), elevated', async () => {
    const binding: LedgerEntry = {
      kind: 'binding', target: 'httpsys:0.0.0.0:44312', thumbprint: NEW, previous: JSON.stringify({ certHash: OLD, appId: APP_ID }), elevated: true, addedAt: at,
    };
    ledger.add(binding);
    const ctx: TrustContext = { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { DEVCERT_DOCTOR_HOME: 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor' } };
    const runner = async (command: string, args: readonly string[]) => ({ command, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false });
    const plan = await planClean({ ctx, ledger, runner });
    assert.equal(plan.steps.length, 1);
    assert.deepEqual(plan.steps[0].action, { type: 'command', command: 'netsh', args: ['http', 'update', 'sslcert', 'ipport=0.0.0.0:44312', `certhash=${OLD}`, `appid=${APP_ID}`] });
    assert.equal(plan.steps[0].elevated, true);
    assert.deepEqual(plan.steps[0].forget, [binding]);
    assert.match(renderPlan(plan), new RegExp(`run: +netsh http update sslcert ipport=0\\.0\\.0\\.0:44312 certhash=${OLD}`));
  });

  it('restores edited files and removes written ones; the ledger is then empty and a second clean has nothing to do', async () => {
    const config = edited('appsettings.Development.json', '{ "a": 1 }\n', '{ "a": 1, "Kestrel": {} }\n');
    const pem = path.join(tmp.dir, 'localhost.pem');
    fs.writeFileSync(pem, 'PEM');
    const written: LedgerEntry = { kind: 'file', target: pem, path: pem, written: sha256(Buffer.from('PEM')), addedAt: at };
    ledger.add(written, config);
    const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: tmp.dir } };
    const plan = await planClean({ ctx, ledger, stores: [] });
    const out = await executePlan(plan, { ledger, elevate: false });
    assert.equal(out.ok, true, out.summary);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'appsettings.Development.json'), 'utf8'), '{ "a": 1 }\n');
    assert.equal(fs.existsSync(pem), false);
    assert.deepEqual(ledger.entries(), []);
    assert.deepEqual((await planClean({ ctx, ledger, stores: [] })).steps, []);
  });

  it('a file the tool wrote twice (Trust, then Regenerate) is undone in one step, back to before the first write', async () => {
    const file = path.join(tmp.dir, 'certs', 'localhost.pem');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'second');
    ledger.add(
      { kind: 'file', target: file, path: file, thumbprint: 'A'.repeat(40), written: sha256(Buffer.from('first')), addedAt: at },
      { kind: 'file', target: file, path: file, thumbprint: 'B'.repeat(40), written: sha256(Buffer.from('second')), previous: Buffer.from('first').toString('base64'), previousMode: 0o644, addedAt: at },
    );
    const plan = await planClean({ ctx: { platform: 'linux', homeDir: tmp.dir, env: {} }, ledger, stores: [] });
    assert.deepEqual(plan.steps.map(s => s.action.type), ['remove-file']);
    const out = await executePlan(plan, { ledger, elevate: false });
    assert.equal(out.ok, true, out.summary);
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(ledger.entries(), []);
  });

  it('a file changed since the tool wrote it is not restored over those changes; its entry stays', async () => {
    const config = edited('.env', 'PORT=3000\n', 'PORT=3000\nHTTPS=true\n');
    fs.appendFileSync(path.join(tmp.dir, '.env'), 'MINE=1\n');
    ledger.add(config);
    const plan = await planClean({ ctx: { platform: 'linux', homeDir: tmp.dir, env: {} }, ledger, stores: [] });
    assert.deepEqual(plan.steps, []);
    assert.ok(plan.notes.some(n => /changed since DevCert Doctor wrote it/.test(n)), plan.notes.join('\n'));
    assert.equal(ledger.entries().length, 1);
  });

  it('a step that fails rolls back the restores before it, and their entries are recorded again', async () => {
    const config = edited('appsettings.Development.json', 'before\n', 'after\n');
    const key = path.join(tmp.dir, 'localhost-key.pem');
    fs.writeFileSync(key, 'KEY');
    const failing: LedgerEntry = { kind: 'file', target: key, path: key, written: sha256(Buffer.from('KEY')), addedAt: at };
    ledger.add(failing, config); // newest last: the config is restored first, then the key's removal fails
    const plan = await planClean({ ctx: { platform: 'linux', homeDir: tmp.dir, env: {} }, ledger, stores: [] });
    assert.deepEqual(plan.steps.map(s => s.action.type), ['write-file', 'remove-file']);
    // Edited after the plan was shown: the removal must not go ahead over it.
    fs.writeFileSync(key, 'KEY, edited');
    const out = await executePlan(plan, { ledger, elevate: false });
    assert.match(out.summary, /changed after the plan was made/);
    assert.equal(out.ok, false);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'appsettings.Development.json'), 'utf8'), 'after\n', 'the restore was rolled back');
    assert.deepEqual(ledger.entries().map(e => e.target).sort(), [config.target, failing.target].sort());
  });

  it('macOS: each trust is undone by SHA-1 as the ledger recorded it — certificate and trust, or the trust alone', async () => {
    const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
    const der = (name: string) => new X509Certificate(fs.readFileSync(path.join(FIX, name))).raw;
    const sha1 = (name: string) => new X509Certificate(fs.readFileSync(path.join(FIX, name))).fingerprint.replace(/:/g, '');
    // The local CA was added to the keychain by this tool; the dev certificate was there already (dotnet's), only trusted here.
    ledger.add(
      { kind: 'trust', target: 'darwin-keychain', thumbprint: sha1('local-ca-cert.pem'), certificate: der('local-ca-cert.pem').toString('base64'), addedAt: at },
      { kind: 'trust', target: 'darwin-keychain:trust-settings', thumbprint: sha1('localhost-cert.pem'), certificate: der('localhost-cert.pem').toString('base64'), addedAt: at },
    );
    const runner = async (command: string, args: readonly string[]) => {
      const reply = { command, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false };
      if (args[0] === 'find-certificate') return { ...reply, stdout: fs.readFileSync(path.join(FIX, 'security-find-certificate-a-Z-p.txt'), 'utf8') };
      if (args[1] === '-d') return { ...reply, code: 1, stderr: 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.' };
      // The user domain trusts both (as add-trusted-cert -p ssl -p basic left them).
      const plist = fs.readFileSync(path.join(FIX, 'security-trust-settings-export-user.plist'), 'utf8');
      fs.writeFileSync(args[args.length - 1], plist.replace('0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C', sha1('local-ca-cert.pem')));
      return reply;
    };
    const ctx: TrustContext = { platform: 'darwin', homeDir: '/Users/dev', env: {} };
    const plan = await planClean({ ctx, ledger, runner, stores: [createDarwinKeychainStore(runner)] });
    const keychain = '/Users/dev/Library/Keychains/login.keychain-db';
    const commands = plan.steps.filter(s => s.action.type === 'command').map(s => s.action.type === 'command' && [s.action.command, ...s.action.args].map(a => a.endsWith('.pem') ? '<pem>' : a));
    assert.deepEqual(commands, [
      // Newest first: the dev certificate's trust settings only — it stays in the keychain, where dotnet put it.
      ['security', 'remove-trusted-cert', '<pem>'],
      ['security', 'remove-trusted-cert', '<pem>'],
      ['security', 'delete-certificate', '-Z', sha1('local-ca-cert.pem'), keychain],
    ]);
    assert.ok(plan.steps.every(s => !s.elevated));
  });
});

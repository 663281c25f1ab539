/**
 * planRepair binds a regenerated certificate where the endpoint is declared: http.sys for IIS Express on
 * Windows (rendered from the fixture workspace with captured netsh output), a Create React App .env
 * (run for real in a temp copy), the snippet for vite. Kestrel runs for real in
 * test/integration/repair-kestrel.test.ts.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePfx } from '../../src/core/certs/formats';
import { targetsFrom, type CheckedVerdict } from '../../src/core/check/checkEndpoints';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import type { ExecResult } from '../../src/core/io/exec';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { renderPlan } from '../../src/core/plan/render';
import type { CommandAction, RepairPlan } from '../../src/core/plan/types';
import type { Problem } from '../../src/core/check/problems';
import { planRepair } from '../../src/core/repair/planRepair';
import { nodeStore } from '../../src/core/trust/node';
import type { TrustContext } from '../../src/core/trust/store';
import { createWindowsRootStore } from '../../src/core/trust/windows';
import { makeTempDir } from '../helpers/sandbox';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const APP_ID = '{214124cd-d05b-4309-9af9-9caa44b2b74a}';
const OLD_HASH = '7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01';

const problem = (code: Problem['code'], fixes: Problem['fixes']): Problem => ({ code, severity: 'error', message: code, fixes });

/** What the probe would say about each declared endpoint (these ports are not served in a unit test). */
async function verdictsFor(workspace: string, problems: Problem[]): Promise<CheckedVerdict[]> {
  const { targets } = targetsFrom(await discoverEndpoints(workspace));
  return targets.map(t => ({
    url: t.url!, host: t.host, port: t.port, source: null, trusted: false, trust: { system: false, node: false },
    problems, certificate: null, handshakeMs: 1, sources: t.sources?.filter(s => s.file),
  }));
}

const command = (plan: RepairPlan, id: string) => plan.steps.find(s => s.id === id)?.action as CommandAction | undefined;

describe('planRepair: the new certificate is bound where the endpoint is declared', () => {
  describe('IIS Express on Windows (applicationhost.config + launchSettings sslPort)', () => {
    // netsh cannot run here: its English listing, with 44312 bound to an older certificate.
    const listing = fs.readFileSync(path.join(FIXTURES, 'platform', 'netsh-show-sslcert-all-en-crlf.txt'), 'utf8').replace(/0\.0\.0\.0:44300/g, '0.0.0.0:44312');
    const runner = async (cmd: string, args: readonly string[]): Promise<ExecResult> =>
      ({ command: cmd, args: [...args], code: 0, stdout: cmd === 'netsh' ? listing : '', stderr: '', durationMs: 1, timedOut: false });
    const ctx: TrustContext = {
      platform: 'win32', homeDir: 'C:\\Users\\dev',
      env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming', DEVCERT_DOCTOR_HOME: 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor' },
    };

    it('imports the certificate into LocalMachine\\My and binds 44312 and 44313 with its SHA-1 — exact netsh arguments, one elevated script', async () => {
      const verdicts = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('reset', ['bind', 'regenerate'])]);
      assert.deepEqual(verdicts.map(v => v.port).sort(), [44312, 44313]);
      const plan = await planRepair(verdicts, { ctx, runner, stores: [createWindowsRootStore(runner), nodeStore] });

      const install = plan.steps.find(s => s.id === 'install-windows-my')!;
      const sha1 = install.record!.thumbprint!;
      assert.match(sha1, /^[0-9A-F]{40}$/);
      assert.deepEqual(command(plan, 'unbind-44312'), { type: 'command', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44312'] });
      // 44312 keeps the settings of the binding there (netsh's defaults in this listing); 44313 had none.
      const defaults = { certstorename: 'MY', verifyclientcertrevocation: 'enable', verifyrevocationwithcachedclientcertonly: 'disable', usagecheck: 'enable', dsmapperusage: 'disable', clientcertnegotiation: 'disable' };
      assert.deepEqual(command(plan, 'bind-44312'), { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44312', `certhash=${sha1}`, `appid=${APP_ID}`,
        ...Object.entries(defaults).map(([k, v]) => `${k}=${v}`)] });
      assert.deepEqual(command(plan, 'bind-44313'), { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44313', `certhash=${sha1}`, `appid=${APP_ID}`, 'certstorename=MY'] });
      // The binding that was there is recorded with its settings, so clean can put it back as it was.
      const bind = plan.steps.find(s => s.id === 'bind-44312')!;
      assert.deepEqual(JSON.parse(bind.record!.previous!), { certHash: OLD_HASH, appId: APP_ID, settings: defaults });

      // Import, unbind, bind, bind: contiguous, so one prompt.
      const elevated = plan.steps.map((s, i) => s.elevated ? i : -1).filter(i => i >= 0);
      assert.deepEqual(plan.steps.filter(s => s.elevated).map(s => s.id), ['install-windows-my', 'unbind-44312', 'bind-44312', 'bind-44313']);
      assert.equal(elevated[elevated.length - 1] - elevated[0], elevated.length - 1);
      const text = renderPlan(plan);
      assert.match(text, /need administrator rights: they run together in one script after one prompt/);

      // The PFX the import reads holds exactly the bound certificate (the iisexpress profile, its friendly name, its key).
      const pfx = plan.steps.find(s => s.id === 'windows-my-pfx')!.action as { contents: string };
      const password = (plan.steps.find(s => s.id === 'windows-my-pfx-password')!.action as { contents: string }).contents;
      assert.ok(!text.includes(password), 'the PFX password is never shown');
      const bundle = parsePfx(Buffer.from(pfx.contents, 'base64'), password, 'plan');
      const cert = new X509Certificate(bundle.certDer);
      assert.equal(cert.fingerprint.replace(/:/g, ''), sha1);
      assert.match(cert.subject, /CN=localhost/);
      assert.equal(cert.subject, cert.issuer, 'iisexpress: self-signed');
      // And it is trusted for the user (CurrentUser\Root) as the IIS Express Development Certificate.
      assert.match(plan.steps.find(s => s.id === 'trust-windows-root')!.title, /Trust CN=localhost/);
      assert.match(text, /IIS Express Development Certificate/);
      assert.ok(plan.steps.some(s => s.action.type === 'manual' && /Restart IIS Express/.test(s.action.instructions)));
    });

    it('the same workspace on Linux has no http.sys: the certificate files and what to point the server at', async () => {
      const verdicts = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('expired', ['regenerate', 'bind'])]);
      const tmp = makeTempDir();
      try {
        const plan = await planRepair(verdicts, { ctx: { platform: 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: tmp.dir } }, stores: [] });
        assert.ok(!plan.steps.some(s => s.action.type === 'command' && s.action.command === 'netsh'));
        assert.ok(plan.steps.some(s => s.id === 'bind-44312' && s.action.type === 'manual'));
      } finally { tmp.cleanup(); }
    });
  });

  it('Create React App: the PEM pair in .devcert/ and HTTPS/SSL_CRT_FILE/SSL_KEY_FILE in the .env that declares the port (run in a temp copy)', async () => {
    const tmp = makeTempDir();
    try {
      const app = path.join(tmp.dir, 'cra');
      fs.cpSync(path.join(FIXTURES, 'endpoints', 'cra'), app, { recursive: true });
      const verdicts = await verdictsFor(app, [problem('expired', ['regenerate', 'bind'])]);
      assert.deepEqual(verdicts.map(v => [v.port, path.basename(v.sources![0].file)]), [[3443, '.env.local']]);
      const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
      const plan = await planRepair(verdicts, { ctx: { platform: 'linux', homeDir: tmp.dir, env }, stores: [] });
      const ledger = new Ledger(path.join(tmp.dir, 'config', 'ledger.json'));
      const outcome = await executePlan(plan, { ledger, elevate: false });
      assert.equal(outcome.ok, true, outcome.summary);
      const dotenv = fs.readFileSync(path.join(app, '.env.local'), 'utf8');
      assert.equal(dotenv, 'PORT=3443 # my local port\nSSL_CRT_FILE=./.devcert/localhost.pem\nSSL_KEY_FILE=./.devcert/localhost-key.pem\nHTTPS=true\n');
      assert.equal(fs.readFileSync(path.join(app, '.env'), 'utf8'), fs.readFileSync(path.join(FIXTURES, 'endpoints', 'cra', '.env'), 'utf8'), '.env is not touched');
      const leaf = new X509Certificate(fs.readFileSync(path.join(app, '.devcert', 'localhost.pem')));
      assert.ok(leaf.checkHost('localhost'));
      assert.equal(fs.statSync(path.join(app, '.devcert', 'localhost-key.pem')).mode & 0o777, 0o600);
      assert.ok(outcome.manual.some(m => /Restart the dev server/.test(m)));
      assert.ok(plan.notes.some(n => /\.gitignore/.test(n)));
      // Every file change is in the ledger with what it replaced and what was written (facts, no command).
      assert.ok(ledger.entries().some(e => e.kind === 'config-edit' && e.target === `dotenv:${path.join(app, '.env.local')}`
        && e.path === path.join(app, '.env.local') && e.written && !('undo' in e)));
    } finally { tmp.cleanup(); }
  });

  it('vite: the PEM pair and the exact snippet to paste (its config is code)', async () => {
    const tmp = makeTempDir();
    try {
      const app = path.join(tmp.dir, 'vite');
      fs.cpSync(path.join(FIXTURES, 'endpoints', 'vite'), app, { recursive: true });
      const verdicts = await verdictsFor(app, [problem('name-mismatch', ['regenerate', 'bind'])]);
      const plan = await planRepair(verdicts, { ctx: { platform: 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') } }, stores: [] });
      const snippet = plan.steps.find(s => s.id === 'dev-server-vite')!.action as { type: 'manual'; instructions: string };
      assert.equal(snippet.type, 'manual');
      assert.match(snippet.instructions, /key: fs\.readFileSync\("\.\/\.devcert\/localhost-key\.pem"\)/);
      assert.ok(plan.steps.some(s => s.action.type === 'write-file' && s.action.path === path.join(app, '.devcert', 'localhost.pem')));
    } finally { tmp.cleanup(); }
  });

  it('a command that names "bind" for a port nothing declares: on Windows in the IIS Express range, http.sys', async () => {
    const runner = async (cmd: string, args: readonly string[]): Promise<ExecResult> => ({ command: cmd, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false });
    const v: CheckedVerdict = { url: 'https://localhost:44350', host: 'localhost', port: 44350, source: null, trusted: false, trust: { system: false, node: false }, problems: [], certificate: null, handshakeMs: 0 };
    const plan = await planRepair([v], {
      ctx: { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { DEVCERT_DOCTOR_HOME: 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor' } },
      runner, stores: [createWindowsRootStore(runner)], fixes: ['bind'],
    });
    assert.deepEqual(command(plan, 'bind-44350')?.args.slice(0, 4), ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44350']);
  });
});

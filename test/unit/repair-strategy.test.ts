/**
 * planRepair's strategies: who makes the new certificate. IIS Express's own IisExpressAdminCmd on Windows
 * (rendered from the fixture workspace with captured netsh output: exact argument arrays, elevated, one
 * prompt), and dotnet dev-certs for endpoints on the ASP.NET Core development certificate (with dotnet
 * answering through the injected runner, or not at all when the plan is for another platform).
 * The same plans through the built CLI, from real probes: test/integration/repair-strategy-cli.test.ts.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { targetsFrom, type CheckedVerdict } from '../../src/core/check/checkEndpoints';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import type { ExecResult } from '../../src/core/io/exec';
import type { CommandAction, RepairPlan } from '../../src/core/plan/types';
import type { Platform } from '../../src/core/io/platform';
import { renderPlan } from '../../src/core/plan/render';
import type { Problem } from '../../src/core/check/problems';
import type { CertificateSummary } from '../../src/core/certs/types';
import { alternativeStrategies, planRepair } from '../../src/core/repair/planRepair';
import { kestrelUsesDevCert, StrategyNotApplicableError } from '../../src/core/repair/strategies';
import { nodeStore } from '../../src/core/trust/node';
import type { TrustContext } from '../../src/core/trust/store';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const APP_ID = '{214124cd-d05b-4309-9af9-9caa44b2b74a}';
const OLD_HASH = '7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01';
const EXE = 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe';

const problem = (code: Problem['code'], fixes: Problem['fixes']): Problem => ({ code, severity: 'error', message: code, fixes });

async function verdictsFor(workspace: string, problems: Problem[], certificate: Partial<CertificateSummary> | null = null): Promise<CheckedVerdict[]> {
  const { targets } = targetsFrom(await discoverEndpoints(workspace));
  return targets.map(t => ({
    url: t.url!, host: t.host, port: t.port, source: null, trusted: false, trust: { system: false, node: false },
    problems, certificate: certificate as CertificateSummary | null, handshakeMs: 1, sources: t.sources?.filter(s => s.file),
  }));
}

const bare = (port: number, problems: Problem[], certificate: Partial<CertificateSummary> | null = null): CheckedVerdict => ({
  url: `https://localhost:${port}`, host: 'localhost', port, source: null, trusted: false, trust: { system: false, node: false },
  problems, certificate: certificate as CertificateSummary | null, handshakeMs: 1,
});

const argv = (plan: RepairPlan, id: string) => {
  const a = plan.steps.find(s => s.id === id)?.action as CommandAction | undefined;
  return a && [a.command, ...a.args];
};

/** Answers as the machine would: netsh's English listing (44312 bound to an older certificate), dotnet as given. */
function runnerWith(o: { dotnet?: 'ok' | 'missing' | 'never'; calls?: string[][] } = {}) {
  const listing = fs.readFileSync(path.join(FIXTURES, 'platform', 'netsh-show-sslcert-all-en-crlf.txt'), 'utf8').replace(/0\.0\.0\.0:44300/g, '0.0.0.0:44312');
  return async (cmd: string, args: readonly string[]): Promise<ExecResult> => {
    o.calls?.push([cmd, ...args]);
    const done = (code: number, stdout = ''): ExecResult => ({ command: cmd, args: [...args], code, stdout, stderr: '', durationMs: 1, timedOut: false });
    if (cmd === 'netsh') return done(0, listing);
    if (/dotnet/.test(cmd)) {
      if (o.dotnet === 'never') throw new Error('dotnet must not run when the plan is for another platform');
      if (o.dotnet === 'missing') throw new Error(`${cmd} is not installed or not on PATH`);
      return done(0, '8.0.404\n');
    }
    return done(0);
  };
}

const winCtx: TrustContext = {
  platform: 'win32', homeDir: 'C:\\Users\\dev',
  env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming', DEVCERT_DOCTOR_HOME: 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor' },
};

describe('planRepair strategies: who makes the new certificate', () => {
  describe("'iisexpress': IIS Express binds the new certificate (Windows)", () => {
    it('a certificate made here, bound by hash: unbind what was there, then setupSslUrl -CertHash per port — exact argument arrays, one prompt', async () => {
      const verdicts = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('reset', ['bind', 'regenerate'])]);
      const plan = await planRepair(verdicts, { ctx: winCtx, runner: runnerWith(), stores: [], strategy: 'iisexpress' });
      const hash = plan.steps.find(s => s.id === 'install-windows-my')!.record!.thumbprint!;
      assert.deepEqual(plan.steps.map(s => s.id), ['windows-my-pfx', 'windows-my-pfx-password', 'install-windows-my', 'unbind-44312',
        'iisexpress-ssl-44312', 'iisexpress-ssl-44313', 'restart-44312']);
      assert.deepEqual(argv(plan, 'unbind-44312'), ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44312']);
      // IisExpressAdminCmd is found when the step runs (Program Files, then Program Files (x86)): bind-httpsys.test.ts has the script's text.
      for (const port of [44312, 44313]) {
        const [exe, ...args] = argv(plan, `iisexpress-ssl-${port}`)!;
        assert.deepEqual([exe, ...args.slice(0, 3)], ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command']);
        assert.ok(args[3].includes(`& $exe 'setupSslUrl' '-url:https://localhost:${port}/' '-CertHash:${hash}'`), args[3]);
        assert.ok(args[3].includes(`'${EXE}', 'C:\\Program Files (x86)\\IIS Express\\IisExpressAdminCmd.exe'`), args[3]);
      }
      const ssl = plan.steps.find(s => s.id === 'iisexpress-ssl-44312')!;
      assert.ok((ssl.undo as CommandAction).args[3].includes("& $exe 'deleteSslUrl' '-url:https://localhost:44312/'"));
      // The binding that was there is recorded with its settings, so clean puts it back as it was.
      assert.deepEqual(JSON.parse(ssl.record!.previous!), { certHash: OLD_HASH, appId: APP_ID, settings: {
        certstorename: 'MY', verifyclientcertrevocation: 'enable', verifyrevocationwithcachedclientcertonly: 'disable', usagecheck: 'enable', dsmapperusage: 'disable', clientcertnegotiation: 'disable',
      } });
      assert.equal(ssl.record!.thumbprint, hash);

      const text = renderPlan(plan);
      assert.match(text, /Steps 3–6 need administrator rights: they run together in one script after one prompt\./);
      assert.ok(!text.includes('UseSelfSigned'), 'never -UseSelfSigned: it reuses the certificate there, expired or not');
    });

    it('uses the configured IisExpressAdminCmd (devcertDoctor.iisExpressPath → ctx.tools)', async () => {
      const exe = 'D:\\Tools\\IIS Express\\IisExpressAdminCmd.exe';
      const plan = await planRepair([bare(44350, [], null)], {
        ctx: { ...winCtx, tools: { iisExpressAdminCmd: exe } }, runner: runnerWith(), stores: [], strategy: 'iisexpress', fixes: ['bind'],
      });
      const hash = plan.steps.find(s => s.id === 'install-windows-my')!.record!.thumbprint!;
      assert.deepEqual(argv(plan, 'iisexpress-ssl-44350'), [exe, 'setupSslUrl', '-url:https://localhost:44350/', `-CertHash:${hash}`]);
      assert.ok(!plan.notes.some(n => /older installs/.test(n)));
    });

    it('applies to no endpoint off Windows, or outside IIS Express: a StrategyNotApplicableError naming why', async () => {
      const verdicts = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('expired', ['regenerate', 'bind'])]);
      await assert.rejects(planRepair(verdicts, { ctx: { platform: 'linux', homeDir: '/home/dev', env: {} }, stores: [], strategy: 'iisexpress' }),
        (e: Error) => e instanceof StrategyNotApplicableError && /IIS Express endpoints on Windows/.test(e.message));
      await assert.rejects(planRepair([bare(8443, [problem('expired', ['regenerate'])])], { ctx: winCtx, runner: runnerWith(), stores: [], strategy: 'iisexpress' }),
        StrategyNotApplicableError);
    });

    it('is offered only where the repair makes a new certificate', async () => {
      const reset = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('reset', ['bind', 'regenerate'])]);
      assert.deepEqual(await alternativeStrategies(reset, { ctx: winCtx, runner: runnerWith() }), ['iisexpress']);
      const untrusted = await verdictsFor(path.join(FIXTURES, 'endpoints', 'iisexpress'), [problem('self-signed', ['trust'])]);
      assert.deepEqual(await alternativeStrategies(untrusted, { ctx: winCtx, runner: runnerWith() }), []);
      assert.deepEqual(await alternativeStrategies(untrusted, { ctx: winCtx, runner: runnerWith(), fixes: ['regenerate'] }), ['iisexpress']);
      assert.deepEqual(await alternativeStrategies(reset, { ctx: { platform: 'linux', homeDir: '/home/dev', env: {} } }), []);
    });
  });

  describe("'dotnet-dev-certs': the ASP.NET Core development certificate", () => {
    const devCert = { isAspNetCoreDevCert: true, aspNetCoreDevCertVersion: 2, subject: 'CN=localhost' };
    const expired = [problem('expired', ['regenerate'])];

    for (const platform of ['linux', 'darwin', 'win32'] as Platform[]) {
      it(`${platform}: --clean then --trust as exact argument arrays, not elevated, then restart the app`, async () => {
        const here = platform === process.platform;
        const calls: string[][] = [];
        const ctx: TrustContext = platform === 'win32' ? winCtx : { platform, homeDir: `/home/dev`, env: { HOME: '/home/dev' } };
        const plan = await planRepair([bare(7001, expired, devCert)], { ctx, runner: runnerWith({ dotnet: here ? 'ok' : 'never', calls }), stores: [], strategy: 'dotnet-dev-certs' });
        // macOS: no dotnet --clean (it would sudo); with no served certificate in hand, nothing to list from here.
        const darwin = platform === 'darwin';
        assert.deepEqual(plan.steps.map(s => s.id), [...darwin ? [] : ['dev-certs-clean'], 'dev-certs-trust', 'restart-dev-certs']);
        if (!darwin) assert.deepEqual(argv(plan, 'dev-certs-clean'), ['dotnet', 'dev-certs', 'https', '--clean']);
        assert.deepEqual(argv(plan, 'dev-certs-trust'), ['dotnet', 'dev-certs', 'https', '--trust']);
        assert.ok(plan.steps.every(s => !s.elevated));
        assert.equal(plan.steps[plan.steps.length - 1].action.type, 'manual');
        const text = renderPlan(plan);
        assert.ok(!/administrator rights/.test(text));
        if (platform === 'win32') assert.match(text, /Windows asks you to confirm/);
        if (platform === 'darwin') assert.match(text, /macOS asks for your login password/);
        if (platform === 'linux') assert.ok(plan.notes.some(n => /\.aspnet\/dev-certs\/trust/.test(n)));
        // Availability is asked of this machine's dotnet only when the plan is for this machine.
        assert.equal(calls.some(c => c[1] === '--version'), here);
        assert.equal(plan.notes.some(n => n.startsWith(`Rendered for ${platform} on ${process.platform}`)), !here);
      });
    }

    it('uses the configured dotnet (devcertDoctor.dotnetPath → ctx.tools)', async () => {
      const plan = await planRepair([bare(7001, expired, devCert)], {
        ctx: { platform: 'darwin', homeDir: '/Users/dev', env: {}, tools: { dotnet: '/usr/local/share/dotnet/dotnet' } }, runner: runnerWith({ dotnet: 'never' }), stores: [], strategy: 'dotnet-dev-certs',
      });
      assert.deepEqual(argv(plan, 'dev-certs-trust'), ['/usr/local/share/dotnet/dotnet', 'dev-certs', 'https', '--trust']);
    });

    it('macOS rendered elsewhere: the served development certificate removed by SHA-1 as dotnet 7+ keeps it — no sudo, no dotnet --clean, login keychain not elevated', async function () {
      if (process.platform === 'darwin') this.skip(); // on a Mac the plan lists the Mac's own (test/unit/bind-devcerts-mac.test.ts)
      const tmp = makeTempDir();
      try {
        const c = makeCert(tmp.dir, 'dev', { days: 1, extensions: ['1.3.6.1.4.1.311.84.1.1=DER:02'] });
        const der = Buffer.from(c.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
        const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
        const v = bare(7001, expired, devCert);
        const ctx: TrustContext = { platform: 'darwin', homeDir: '/Users/dev', env: {} };
        const plan = await planRepair([v], { ctx, runner: runnerWith({ dotnet: 'never' }), stores: [], strategy: 'dotnet-dev-certs', chains: { [v.url]: [der] } });
        const pem = `/Users/dev/Library/Application Support/devcert-doctor/trusted/localhost_devcert-doctor_${sha1.slice(0, 8)}_-${sha1.slice(0, 8)}.pem`;
        const login = '/Users/dev/Library/Keychains/login.keychain-db';
        assert.deepEqual(plan.steps.map(s => [s.id, s.elevated, s.action.type === 'command' ? [s.action.command, ...s.action.args] : s.action.type === 'manual' ? 'manual' : [s.action.type, 'path' in s.action ? s.action.path : '']]), [
          ['darwin-trust-file', false, ['write-file', pem]],
          ['untrust-darwin-keychain', false, ['security', 'remove-trusted-cert', pem]],
          ['delete-darwin-keychain', false, ['security', 'delete-certificate', '-Z', sha1, login]],
          ['darwin-trust-file-cleanup', false, ['remove-file', pem]],
          ['dev-certs-pfx', false, ['remove-file', `/Users/dev/.aspnet/https/aspnetcore-localhost-${sha1}.pfx`]],
          ['dev-certs-trust', false, ['dotnet', 'dev-certs', 'https', '--trust']],
          ['restart-dev-certs', false, 'manual'],
        ]);
        // Trust settings wait for macOS's dialog (no timeout); undo puts back dotnet's own -p basic -p ssl.
        const untrust = plan.steps[1];
        assert.equal((untrust.action as CommandAction).waitsForUser, true);
        assert.deepEqual(untrust.undo, { type: 'command', command: 'security', args: ['add-trusted-cert', '-r', 'trustRoot', '-p', 'basic', '-p', 'ssl', '-k', login, pem], waitsForUser: true });
        assert.equal(plan.steps[4].undo, undefined, 'the PFX holds a private key: no copy of it in the plan');
        const steps = renderPlan({ ...plan, notes: [] });
        assert.doesNotMatch(steps, /sudo|--clean|administrator rights|ELEVATED/);
        assert.match(plan.notes.join('\n'), /runs `sudo security delete-certificate`.*this plan removes each development certificate itself, by SHA-1/);
        assert.match(plan.notes.join('\n'), new RegExp(`cannot be listed from ${process.platform}: the steps shown remove the served one`));
      } finally { tmp.cleanup(); }
    });

    it('dotnet missing on this machine: not applicable, with the reason; not offered', async function () {
      if (!['linux', 'darwin', 'win32'].includes(process.platform)) this.skip();
      const ctx: TrustContext = { platform: process.platform as Platform, homeDir: '/home/dev', env: {} };
      await assert.rejects(planRepair([bare(7001, expired, devCert)], { ctx, runner: runnerWith({ dotnet: 'missing' }), stores: [], strategy: 'dotnet-dev-certs' }),
        (e: Error) => e instanceof StrategyNotApplicableError && /dotnet does not run: .*not installed/.test(e.message));
      assert.deepEqual(await alternativeStrategies([bare(7001, expired, devCert)], { ctx, runner: runnerWith({ dotnet: 'missing' }) }), []);
      assert.deepEqual(await alternativeStrategies([bare(7001, expired, devCert)], { ctx, runner: runnerWith({ dotnet: 'ok' }) }), ['dotnet-dev-certs']);
    });

    it('an ASP.NET Core project that configures no certificate uses the dev cert; one that names a certificate does not', async () => {
      const tmp = makeTempDir();
      try {
        const app = path.join(tmp.dir, 'Api');
        fs.mkdirSync(path.join(app, 'Properties'), { recursive: true });
        fs.writeFileSync(path.join(app, 'Properties', 'launchSettings.json'),
          JSON.stringify({ profiles: { https: { commandName: 'Project', applicationUrl: 'https://localhost:7001' } } }));
        fs.writeFileSync(path.join(app, 'appsettings.json'), '{ "Logging": {} }');
        assert.equal(kestrelUsesDevCert(app), true);
        const ctx: TrustContext = { platform: 'darwin', homeDir: '/Users/dev', env: {} };
        const verdicts = await verdictsFor(app, expired);
        const plan = await planRepair(verdicts, { ctx, runner: runnerWith({ dotnet: 'never' }), stores: [], strategy: 'dotnet-dev-certs' });
        assert.ok(plan.steps.some(s => s.id === 'dev-certs-trust'));
        // Kestrel:Certificates:Default names a certificate: dotnet's would not be served.
        fs.writeFileSync(path.join(app, 'appsettings.Development.json'), '{ "Kestrel": { "Certificates": { "Default": { "Path": "x.pem", "KeyPath": "x.key" } } } }');
        assert.equal(kestrelUsesDevCert(app), false);
        await assert.rejects(planRepair(verdicts, { ctx, runner: runnerWith({ dotnet: 'never' }), stores: [], strategy: 'dotnet-dev-certs' }), StrategyNotApplicableError);
      } finally { tmp.cleanup(); }
    });

    it('a dev cert that only needs trusting is trusted as served; the strategy says it made nothing', async () => {
      const tmp = makeTempDir();
      try {
        const c = makeCert(tmp.dir, 'dev', { extensions: ['1.3.6.1.4.1.311.84.1.1=DER:02'] });
        const der = Buffer.from(c.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
        const v = bare(7001, [problem('self-signed', ['trust'])], devCert);
        const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: tmp.dir } };
        const plan = await planRepair([v], { ctx, runner: runnerWith({ dotnet: 'ok' }), stores: [nodeStore], strategy: 'dotnet-dev-certs', chains: { [v.url]: [der] } });
        assert.ok(!plan.steps.some(s => s.id.startsWith('dev-certs')));
        const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
        assert.ok(plan.steps.some(s => s.id === 'trust-node-bundle' && s.action.type === 'bundle' && s.action.add === sha1), JSON.stringify(plan.steps.map(s => s.action)));
        assert.ok(plan.notes.some(n => /needs no new certificate, so dotnet dev-certs is not asked/.test(n)), plan.notes.join('\n'));
      } finally { tmp.cleanup(); }
    });
  });
});

/**
 * The seed's first story, reviewed end to end as the Windows plan a user would be shown (rendered with
 * `--platform win32` on this Linux machine; the machine's answers are the documented output formats of
 * netsh and PowerShell, see test/fixtures/platform/README.md): an IIS Express workspace
 * (applicationhost.config + launchSettings.json, ports 44312 and 44313) whose "IIS Express Development
 * Certificate" has expired. Windows holds the expired certificate in LocalMachine\My (bound to 44312),
 * LocalMachine\Root and CurrentUser\Root, and a second, still valid certificate of the same name in
 * LocalMachine\My; 44313 (the Admin site) is bound to an older certificate and set up for client
 * certificates (the seed's certificate-authentication story).
 *
 * Each property a reviewer checks against what dotnet's CertificateManager, mkcert and Microsoft's
 * documentation do is asserted on the rendered plan and on the elevated PowerShell script, for the
 * default repair, `--strategy iisexpress` and the Kestrel variant of the same project.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { httpSysUndoStep } from '../../src/core/bind/httpSys';
import { targetsFrom, type CheckedVerdict } from '../../src/core/check/checkEndpoints';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import { buildPowerShellScript, type ExecResult, windowsElevatedCommandLine } from '../../src/core/io/exec';
import { elevatedGroups, renderPlan } from '../../src/core/plan/render';
import { planScript } from '../../src/core/plan/script';
import type { CommandAction, PlanStep, RepairPlan, WriteFileAction } from '../../src/core/plan/types';
import { planRepair } from '../../src/core/repair/planRepair';
import type { TrustContext } from '../../src/core/trust/store';
import { trustStoresFor } from '../../src/core/trust/stores';
import { makeTempDir } from '../helpers/sandbox';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'platform', name), 'utf8');
const EXPIRED = '55E7A6D89F0C9B5CFBF65A89891B888AF8AA7D58';
const SHORT = EXPIRED.slice(0, 8);
/** A second "IIS Express Development Certificate", still valid (a repair of IIS Express made it; it is not trusted). */
const DUPLICATE = 'D0C0FFEE00112233445566778899AABBCCDDEEFF';
const OLDER = '7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01';
const APP_ID = '{214124cd-d05b-4309-9af9-9caa44b2b74a}';
const HOME = 'C:\\Users\\dev';
const CONFIG = 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor';
const ctx: TrustContext = { platform: 'win32', homeDir: HOME, env: { APPDATA: `${HOME}\\AppData\\Roaming`, USERPROFILE: HOME } };

/** The settings netsh shows for a binding IIS Express made (its defaults), as `add sslcert` takes them. */
const DEFAULT_SETTINGS = ['certstorename=MY', 'verifyclientcertrevocation=enable', 'verifyrevocationwithcachedclientcertonly=disable', 'usagecheck=enable',
  'dsmapperusage=disable', 'clientcertnegotiation=disable'];
/** 44313: set up for client certificates (44301 of the English listing). */
const CLIENT_CERT_SETTINGS = ['certstorename=MY', 'verifyclientcertrevocation=disable', 'verifyrevocationwithcachedclientcertonly=enable', 'usagecheck=disable',
  'revocationfreshnesstime=3600', 'urlretrievaltimeout=15000', 'sslctlidentifier=DevClientIssuers', 'sslctlstorename=ClientAuthIssuer',
  'dsmapperusage=enable', 'clientcertnegotiation=enable', 'disablehttp2=enable', 'disablelegacytls=enable'];

/** The machine's answers to the plan's read-only queries, and every query asked. */
function machine(queries: string[] = []) {
  const listing = fixture('netsh-show-sslcert-all-en-crlf.txt')
    .replace(/0\.0\.0\.0:44300/g, '0.0.0.0:44312').replace(/0\.0\.0\.0:44301/g, '0.0.0.0:44313')
    // 44312 is bound to the expired certificate, as IIS Express left it.
    .replace(/(0\.0\.0\.0:44312\r\n\s+Certificate Hash\s+: )7a1e5c2b9f3d4e6a8b0c1d2e3f4a5b6c7d8e9f01/, `$1${EXPIRED.toLowerCase()}`);
  const expired = JSON.parse(fixture('ps-iisexpress-expired-ps51.json').replace(/^\ufeff/, ''));
  const duplicate = { ...expired, Thumbprint: DUPLICATE, NotAfter: '\\/Date(1924991999000)\\/', RawData: undefined };
  return async (command: string, args: readonly string[]): Promise<ExecResult> => {
    const script = args[args.length - 1];
    queries.push([command, ...args].join(' '));
    const done = (stdout: string): ExecResult => ({ command, args: [...args], code: 0, stdout, stderr: '', durationMs: 1, timedOut: false });
    if (command === 'netsh') return done(listing);
    if (/Where-Object FriendlyName -eq 'IIS Express Development Certificate'/.test(script)) {
      return done(JSON.stringify(/Cert:\\LocalMachine\\My'/.test(script) ? [expired, duplicate] : expired));
    }
    return done(''); // the new certificate is in no store yet
  };
}

function expiredVerdicts(targets: ReturnType<typeof targetsFrom>['targets'], certificate: CheckedVerdict['certificate'] = null): CheckedVerdict[] {
  return targets.map(t => ({
    url: t.url!, host: t.host, port: t.port, source: null, trusted: false, trust: { system: false, node: false }, handshakeMs: 1,
    problems: [{ code: 'expired', severity: 'error', message: 'expired', fixes: ['regenerate', 'bind'] }], certificate,
    sources: t.sources?.filter(s => s.file),
  }));
}

async function seedPlan(strategy?: 'iisexpress', queries?: string[]): Promise<RepairPlan> {
  const { targets } = targetsFrom(await discoverEndpoints(path.join(FIXTURES, 'endpoints', 'iisexpress')));
  return planRepair(expiredVerdicts(targets), { ctx, runner: machine(queries), stores: trustStoresFor('win32'), ...(strategy ? { strategy } : {}) });
}

const step = (plan: RepairPlan, id: string): PlanStep => {
  const s = plan.steps.find(x => x.id === id);
  assert.ok(s, `no step ${id} in ${plan.steps.map(x => x.id).join(', ')}`);
  return s;
};
const argv = (a: PlanStep['action'] | PlanStep['undo']) => { const c = a as CommandAction; return [c.command, ...c.args]; };
const ps = (text: string) => ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', text];
const comesBefore = (plan: RepairPlan, a: string, b: string) => plan.steps.findIndex(s => s.id === a) < plan.steps.findIndex(s => s.id === b);

/** The elevated block as the run would hand it to the one prompt (run.ts turns each command step into one exec). */
function elevatedScript(group: PlanStep[]): string {
  return buildPowerShellScript(group.map(s => {
    const a = s.action as CommandAction;
    return { id: s.id, ops: [{ kind: 'exec' as const, command: a.command, args: a.args }] };
  }));
}

/** `openssl pkcs12 -info` of the PFX the plan writes, with the password it writes beside it. */
function pfxInfo(plan: RepairPlan): string {
  const tmp = makeTempDir();
  try {
    const pfx = path.join(tmp.dir, 'plan.pfx');
    fs.writeFileSync(pfx, Buffer.from((step(plan, 'windows-my-pfx').action as WriteFileAction).contents, 'base64'));
    const password = (step(plan, 'windows-my-pfx-password').action as WriteFileAction).contents;
    const r = spawnSync('openssl', ['pkcs12', '-in', pfx, '-passin', `pass:${password}`, '-info', '-nokeys'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return `${r.stderr}\n${r.stdout}`;
  } finally { tmp.cleanup(); }
}

describe('review: the seed on Windows (expired IIS Express certificate), one plan per strategy', () => {
  for (const strategy of [undefined, 'iisexpress'] as const) {
    describe(strategy ? '--strategy iisexpress (IisExpressAdminCmd setupSslUrl -CertHash)' : 'default (netsh http add sslcert)', () => {
      let plan: RepairPlan;
      let queries: string[];
      let newHash: string;
      before(async () => {
        queries = [];
        plan = await seedPlan(strategy, queries);
        newHash = step(plan, 'install-windows-my').record!.thumbprint!;
      });
      const bindId = (port: number) => strategy ? `iisexpress-ssl-${port}` : `bind-${port}`;

      it('one UAC prompt: every elevated step in one block, after the steps that need none', () => {
        const groups = elevatedGroups(plan.steps);
        assert.equal(groups.length, 1, plan.steps.map(s => `${s.id}${s.elevated ? '*' : ''}`).join(', '));
        assert.deepEqual(groups[0].map(s => s.id), ['install-windows-my', 'unbind-44312', bindId(44312), 'unbind-44313', bindId(44313),
          `remove-expired-${SHORT}-localmachine-my`, `rename-duplicate-${DUPLICATE.slice(0, 8)}-localmachine-my`, `remove-expired-${SHORT}-localmachine-root`]);
        const text = renderPlan(plan);
        const first = plan.steps.indexOf(groups[0][0]) + 1;
        assert.match(text, new RegExp(`Steps ${first}–${first + 7} need administrator rights: they run together in one script after one prompt\\.`));
        // The block is one script behind one command line: too long for -EncodedCommand here, so a UTF-8 file with a
        // BOM (Windows PowerShell 5.1 reads it right) that a small encoded loader checks by SHA-256 and runs once.
        const script = elevatedScript(groups[0]);
        const { commandLine, fileBytes } = windowsElevatedCommandLine(script, () => 'C:\\Users\\JOHNDO~1\\AppData\\Local\\Temp\\devcert-doctor-elevated-x\\steps.ps1');
        assert.ok(commandLine.length <= 8191, 'fits cmd.exe');
        assert.ok(commandLine.startsWith('powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand '));
        assert.ok(fileBytes && fileBytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])));
        assert.equal(fileBytes!.subarray(3).toString('utf8'), script);
        const loader = Buffer.from(commandLine.split(' ').pop()!, 'base64').toString('utf16le');
        assert.ok(loader.includes(`if ($h -ne '${crypto.createHash('sha256').update(fileBytes!).digest('hex').toUpperCase()}')`), loader);
        // In plan order, each step once, native ones judged by $LASTEXITCODE, PowerShell ones inline.
        const order = [...script.matchAll(/^# step (\d+): (\S+)$/gm)].map(m => m[2]);
        assert.deepEqual(order, groups[0].map(s => s.id));
        assert.ok(script.includes("$o = & 'netsh' 'http' 'delete' 'sslcert' 'ipport=0.0.0.0:44312' 2>&1 | ForEach-Object { \"$_\" }; $c = $LASTEXITCODE;"), script);
        assert.ok(!/^\$ErrorActionPreference = 'Stop'/m.test(script), 'no global Stop: a native stderr line is not a failure');
      });

      it('CurrentUser\\Root first, without elevation: its dialog waits for the person, no timeout', () => {
        const firstElevated = plan.steps.findIndex(s => s.elevated);
        for (const id of ['windows-root-file', 'trust-windows-root', `keep-expired-${SHORT}`, `remove-expired-${SHORT}-currentuser-root`]) {
          const i = plan.steps.findIndex(s => s.id === id);
          assert.ok(i >= 0 && i < firstElevated, `${id} before the elevated block`);
          assert.equal(plan.steps[i].elevated, false, id);
        }
        for (const id of ['trust-windows-root', `remove-expired-${SHORT}-currentuser-root`]) {
          assert.equal((step(plan, id).action as CommandAction).waitsForUser, true, `${id}: no 60 s timeout`);
        }
        assert.match(step(plan, 'trust-windows-root').title, /Windows shows a security warning: answer Yes/);
        // What CurrentUser\Root trusts is exactly the certificate LocalMachine\My serves.
        assert.equal(step(plan, 'trust-windows-root').record!.thumbprint, newHash);
        assert.deepEqual(step(plan, 'trust-windows-root').record!.target, 'windows-root');
      });

      it('the expired and duplicate IIS Express certificates: by thumbprint, undoable where it can be', () => {
        assert.deepEqual(argv(step(plan, `remove-expired-${SHORT}-localmachine-my`).action), ps(`$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\LocalMachine\\My\\${EXPIRED}' -DeleteKey`));
        assert.deepEqual(argv(step(plan, `remove-expired-${SHORT}-localmachine-root`).action), ps(`$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\LocalMachine\\Root\\${EXPIRED}'`));
        assert.deepEqual(argv(step(plan, `remove-expired-${SHORT}-currentuser-root`).action), ps(`$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\CurrentUser\\Root\\${EXPIRED}'`));
        // The Root copies come back on undo from one saved copy of the expired certificate (written once).
        const keep = plan.steps.filter(s => s.id.startsWith('keep-expired-'));
        assert.equal(keep.length, 1);
        const copy = (keep[0].action as WriteFileAction).path;
        assert.equal(copy, `${CONFIG}\\trusted\\expired-iisexpress-${SHORT}.cer`);
        for (const [id, store] of [[`remove-expired-${SHORT}-localmachine-root`, "'Root', 'LocalMachine'"], [`remove-expired-${SHORT}-currentuser-root`, "'Root', 'CurrentUser'"]]) {
          const undo = argv(step(plan, id).undo)[4];
          assert.ok(undo.includes(`ReadAllBytes('${copy}')`) && undo.includes(`X509Store(${store})`), undo);
        }
        // Its LocalMachine\My copy goes with its key (expired: nothing can serve it), after the ports left it.
        assert.equal(step(plan, `remove-expired-${SHORT}-localmachine-my`).undo, undefined);
        assert.ok(comesBefore(plan, bindId(44312), `remove-expired-${SHORT}-localmachine-my`), 'a failed bind rolls back onto a certificate still there');
        // The valid duplicate keeps its key and any binding; it loses the name the tools pick by, and undo gives it back.
        const rename = step(plan, `rename-duplicate-${DUPLICATE.slice(0, 8)}-localmachine-my`);
        assert.match(argv(rename.action)[4], new RegExp(`^\\$ErrorActionPreference = 'Stop'; \\(Get-Item -LiteralPath 'Cert:\\\\LocalMachine\\\\My\\\\${DUPLICATE}'\\)\\.FriendlyName = 'IIS Express Development Certificate \\(replaced \\d{4}-\\d\\d-\\d\\d\\)'$`));
        assert.equal(argv(rename.undo)[4], `$ErrorActionPreference = 'Stop'; (Get-Item -LiteralPath 'Cert:\\LocalMachine\\My\\${DUPLICATE}').FriendlyName = 'IIS Express Development Certificate'`);
        assert.ok(!plan.steps.some(s => s.id.includes(DUPLICATE.slice(0, 8)) && /root/.test(s.id)), 'its Root copies stay trusted for ports still bound to it');
      });

      it('the new certificate: friendly name set before it is added, LocalMachine\\My with its key from a PFX every Windows imports', () => {
        const trust = argv(step(plan, 'trust-windows-root').action)[4];
        assert.match(trust, /\$c\.FriendlyName = 'IIS Express Development Certificate'; \$s = New-Object System\.Security\.Cryptography\.X509Certificates\.X509Store\('Root', 'CurrentUser'\); \$s\.Open\('ReadWrite'\); try \{ \$s\.Add\(\$c\) \} finally \{ \$s\.Close\(\) \}$/);
        const install = argv(step(plan, 'install-windows-my').action)[4];
        const pfx = `${CONFIG}\\trusted\\iisexpress-${newHash.slice(0, 8)}.pfx`;
        assert.ok(install.includes(`X509Certificate2('${pfx}', $p, 'MachineKeySet,PersistKeySet'); $c.FriendlyName = 'IIS Express Development Certificate'; $s = New-Object System.Security.Cryptography.X509Certificates.X509Store('My', 'LocalMachine')`), install);
        // The transient PFX and its one-off password are deleted by the import itself, in the same elevated step.
        assert.ok(install.endsWith(`Remove-Item -LiteralPath '${pfx}', '${pfx}.pass' -Force`), install);
        assert.equal((step(plan, 'windows-my-pfx').action as WriteFileAction).mode, 0o600);
        assert.equal((step(plan, 'windows-my-pfx-password').action as WriteFileAction).mode, 0o600);
        // 3DES + SHA-1 MAC (Windows 10 before 1709 and Server 2016 cannot import AES-256/SHA-256), checked by openssl.
        const info = pfxInfo(plan);
        assert.match(info, /^MAC: sha1, Iteration 2048$/m);
        assert.match(info, /^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$/m);
        assert.match(info, /friendlyName: IIS Express Development Certificate/);
        const cert = new crypto.X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(info)![0]);
        assert.equal(cert.fingerprint.replace(/:/g, ''), newHash);
        assert.ok(cert.checkHost('localhost') && cert.checkIP('127.0.0.1'), 'serves both localhost:44312 and 127.0.0.1:44313');
        assert.ok(new Date(cert.validTo) > new Date());
        assert.ok(!renderPlan(plan).includes((step(plan, 'windows-my-pfx-password').action as WriteFileAction).contents), 'the password is never shown');
      });

      it('the workspace\'s ports are bound to it; undo puts back exactly what was there, settings included', () => {
        if (strategy) {
          for (const port of [44312, 44313]) {
            const script = argv(step(plan, bindId(port)).action)[4];
            assert.ok(script.startsWith("$exe = @('C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe', 'C:\\Program Files (x86)\\IIS Express\\IisExpressAdminCmd.exe')"), script);
            assert.ok(script.includes(`& $exe 'setupSslUrl' '-url:https://localhost:${port}/' '-CertHash:${newHash}'`), script);
            assert.ok(argv(step(plan, bindId(port)).undo)[4].includes(`& $exe 'deleteSslUrl' '-url:https://localhost:${port}/'`));
          }
          assert.ok(!JSON.stringify(plan).includes('UseSelfSigned'), 'never -UseSelfSigned: it reuses the certificate there, expired or not');
          assert.ok(plan.notes.some(n => /^0\.0\.0\.0:44313: IisExpressAdminCmd binds with netsh's defaults, so .*clientcertnegotiation=enable.* is not kept/.test(n)), plan.notes.join('\n'));
        } else {
          assert.deepEqual(argv(step(plan, 'bind-44312').action), ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44312', `certhash=${newHash}`, `appid=${APP_ID}`, ...DEFAULT_SETTINGS]);
          // The Admin site still negotiates client certificates as it did: only the certificate changes.
          assert.deepEqual(argv(step(plan, 'bind-44313').action), ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44313', `certhash=${newHash}`, `appid=${APP_ID}`, ...CLIENT_CERT_SETTINGS]);
          assert.deepEqual(argv(step(plan, 'bind-44313').undo), ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44313']);
        }
        // Rollback, within the run: the old bindings re-added with every setting they had.
        assert.deepEqual(argv(step(plan, 'unbind-44312').action), ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44312']);
        assert.deepEqual(argv(step(plan, 'unbind-44312').undo), ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44312', `certhash=${EXPIRED}`, `appid=${APP_ID}`, ...DEFAULT_SETTINGS]);
        assert.deepEqual(argv(step(plan, 'unbind-44313').undo), ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44313', `certhash=${OLDER}`, `appid=${APP_ID}`, ...CLIENT_CERT_SETTINGS]);
        // Undo later (clean): from the ledger's facts, the same bindings back in one command each.
        const record = step(plan, bindId(44313)).record!;
        assert.equal(record.target, 'httpsys:0.0.0.0:44313');
        assert.equal(record.thumbprint, newHash);
        assert.deepEqual(argv(httpSysUndoStep(record, 'u').action), ['netsh', 'http', 'update', 'sslcert', 'ipport=0.0.0.0:44313', `certhash=${OLDER}`, `appid=${APP_ID}`, ...CLIENT_CERT_SETTINGS]);
        // All bindings read with one netsh call; no port outside the workspace is touched.
        assert.equal(queries.filter(q => q.startsWith('netsh')).length, 1);
        assert.ok(!plan.steps.some(s => /4430[0-9](?!\d)|44399/.test(s.id)));
      });

      it('foreign-platform render: only Windows paths, no path of this machine', () => {
        const text = JSON.stringify(plan);
        for (const here of [os.homedir(), os.tmpdir(), '/root/', '/.config/']) assert.ok(!text.includes(here), `${here} in the plan`);
        for (const s of plan.steps) {
          if (s.action.type === 'write-file' || s.action.type === 'remove-file') assert.match(s.action.path, /^C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor\\/, s.id);
        }
      });

      it('"Copy commands" is PowerShell, labelled, in the syntax that pastes there', () => {
        const text = planScript(plan);
        assert.match(text, /^# Run it in PowerShell opened as Administrator: some steps need it\.$/m);
        assert.match(renderPlan(plan), /Commands are shown in PowerShell syntax/);
        for (const line of text.split('\n').filter(l => l.startsWith('netsh '))) assert.ok(!/ appid=\{/.test(line), `appid={…} is quoted (a script block in PowerShell otherwise): ${line}`);
        if (!strategy) assert.ok(text.includes(`'appid=${APP_ID}'`));
        // Text run by powershell.exe -Command holds no double quote: Windows PowerShell 5.1 would pass it unescaped.
        for (const s of plan.steps) {
          for (const a of [s.action, s.undo]) if (a?.type === 'command' && a.command === 'powershell.exe') assert.ok(!a.args[3].includes('"'), `${s.id}: ${a.args[3]}`);
        }
      });
    });
  }

  describe('Kestrel variant: the same project run by Kestrel (launchSettings "https" profile)', () => {
    let tmp: ReturnType<typeof makeTempDir>;
    let plan: RepairPlan;
    let project: string;
    before(async () => {
      tmp = makeTempDir();
      project = path.join(tmp.dir, 'LegacyShop');
      fs.mkdirSync(path.join(project, 'Properties'), { recursive: true });
      fs.writeFileSync(path.join(project, 'Properties', 'launchSettings.json'), JSON.stringify({
        profiles: { https: { commandName: 'Project', applicationUrl: 'https://localhost:7080;http://localhost:5080', environmentVariables: { ASPNETCORE_ENVIRONMENT: 'Development' } } },
      }, null, 2));
      fs.writeFileSync(path.join(project, 'appsettings.json'), '{ "AllowedHosts": "*" }\n');
      const { targets } = targetsFrom(await discoverEndpoints(tmp.dir));
      assert.deepEqual(targets.map(t => t.port), [7080]);
      // What Kestrel served: the ASP.NET Core development certificate, expired.
      const devCert = { isAspNetCoreDevCert: true, aspNetCoreDevCertVersion: 2, subject: 'CN=localhost' } as unknown as CheckedVerdict['certificate'];
      plan = await planRepair(expiredVerdicts(targets, devCert), { ctx, runner: machine(), stores: trustStoresFor('win32') });
    });
    after(() => tmp.cleanup());

    it('no UAC prompt at all: Kestrel reads a PEM pair, trust is per user', () => {
      assert.deepEqual(elevatedGroups(plan.steps), []);
      assert.ok(!/administrator rights/.test(renderPlan(plan)));
      assert.ok(!/Administrator/.test(planScript(plan)));
    });

    it('the PEM pair in the project, appsettings.Development.json pointed at it, CurrentUser\\Root trusting it (dialog, no timeout)', () => {
      const writes = plan.steps.filter(s => s.action.type === 'write-file').map(s => s.action as WriteFileAction);
      const key = writes.find(w => w.path === path.join(project, '.devcert', 'localhost-key.pem'));
      assert.equal(key?.mode, 0o600);
      assert.ok(writes.some(w => w.path === path.join(project, '.devcert', 'localhost.pem')));
      const config = writes.find(w => w.path === path.join(project, 'appsettings.Development.json'))!;
      assert.deepEqual(JSON.parse(config.contents).Kestrel.Certificates.Default, { Path: '.devcert/localhost.pem', KeyPath: '.devcert/localhost-key.pem' });
      const trust = step(plan, 'trust-windows-root');
      assert.equal(trust.elevated, false);
      assert.equal((trust.action as CommandAction).waitsForUser, true);
      // The served certificate was the ASP.NET Core development certificate: the new one is one too (same friendly name).
      assert.match(argv(trust.action)[4], /\$c\.FriendlyName = 'ASP\.NET Core HTTPS development certificate'; \$s = New-Object/);
      assert.ok(plan.steps.some(s => s.action.type === 'manual' && /Restart the ASP\.NET Core app/.test(s.action.instructions)));
    });

    it('with a certificate of its own (not the dev certificate): a local CA made for this Windows account, named for it, not for this machine', async () => {
      const { targets } = targetsFrom(await discoverEndpoints(tmp.dir));
      const withCa = await planRepair(expiredVerdicts(targets), { ctx, runner: machine(), stores: trustStoresFor('win32') });
      assert.deepEqual(elevatedGroups(withCa.steps), []);
      assert.equal((step(withCa, 'local-ca-key').action as WriteFileAction).path, `${CONFIG}\\ca\\rootCA-key.pem`);
      assert.equal((step(withCa, 'local-ca-key').action as WriteFileAction).mode, 0o600);
      const trust = step(withCa, 'trust-windows-root');
      assert.match(trust.title, /^Trust O=DevCert Doctor development CA, OU=dev, CN=DevCert Doctor local CA \(dev\) for your Windows account/);
      const text = JSON.stringify(withCa);
      assert.ok(!text.includes(`${os.userInfo().username}@${os.hostname()}`), 'this machine\'s user and host are not the Windows account\'s');
    });

    it('nothing of IIS Express or http.sys, and this tool\'s own files under the Windows config folder', () => {
      assert.ok(!plan.steps.some(s => s.action.type === 'command' && (s.action.command === 'netsh' || /LocalMachine/.test(s.action.args.join(' ')))));
      for (const s of plan.steps) {
        if (s.action.type !== 'write-file' || s.action.path.startsWith(project)) continue;
        assert.match(s.action.path, /^C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor\\/, s.id);
      }
    });
  });
});

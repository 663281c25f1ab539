/**
 * The seed's first story, rendered as the Windows plan (the machine's answers are the documented output
 * formats in test/fixtures/platform): an IIS Express workspace whose "IIS Express Development
 * Certificate" has expired, in LocalMachine\My, LocalMachine\Root and CurrentUser\Root. One plan: the
 * expired copies removed by thumbprint, a new certificate with the same friendly name, LocalMachine\My
 * with its key, the ports bound (netsh, or IisExpressAdminCmd -CertHash with --strategy iisexpress),
 * the CurrentUser\Root steps (Windows' own dialog) before the one administrator prompt.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { targetsFrom, type CheckedVerdict } from '../../src/core/check/checkEndpoints';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import type { ExecResult } from '../../src/core/io/exec';
import { elevatedGroups } from '../../src/core/plan/render';
import type { CommandAction, RepairPlan } from '../../src/core/plan/types';
import { planRepair } from '../../src/core/repair/planRepair';
import type { TrustContext } from '../../src/core/trust/store';
import { createWindowsRootStore } from '../../src/core/trust/windows';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const EXPIRED = '55E7A6D89F0C9B5CFBF65A89891B888AF8AA7D58';
const EXE = 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe';
const ctx: TrustContext = { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming', DEVCERT_DOCTOR_HOME: 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor' } };

function machine() {
  const listing = fs.readFileSync(path.join(FIXTURES, 'platform', 'netsh-show-sslcert-all-en-crlf.txt'), 'utf8').replace(/0\.0\.0\.0:44300/g, '0.0.0.0:44312');
  const expired = fs.readFileSync(path.join(FIXTURES, 'platform', 'ps-iisexpress-expired-ps51.json'), 'utf8');
  return async (command: string, args: readonly string[]): Promise<ExecResult> => {
    const done = (stdout: string): ExecResult => ({ command, args: [...args], code: 0, stdout, stderr: '', durationMs: 1, timedOut: false });
    if (command === 'netsh') return done(listing);
    const script = args[args.length - 1];
    // The expired certificate answers the friendly-name query in each of the three stores; nothing else is there.
    return done(/Where-Object FriendlyName -eq 'IIS Express Development Certificate'/.test(script) ? expired : '');
  };
}

async function seedPlan(strategy?: 'iisexpress'): Promise<RepairPlan> {
  const { targets } = targetsFrom(await discoverEndpoints(path.join(FIXTURES, 'endpoints', 'iisexpress')));
  const verdicts: CheckedVerdict[] = targets.map(t => ({
    url: t.url!, host: t.host, port: t.port, source: null, trusted: false, trust: { system: false, node: false }, handshakeMs: 1,
    problems: [{ code: 'expired', severity: 'error', message: 'expired', fixes: ['regenerate', 'bind'] }], certificate: null,
    sources: t.sources?.filter(s => s.file),
  }));
  const runner = machine();
  return planRepair(verdicts, { ctx, runner, stores: [createWindowsRootStore(runner)], ...(strategy ? { strategy } : {}) });
}

const argv = (plan: RepairPlan, id: string) => {
  const a = plan.steps.find(s => s.id === id)?.action as CommandAction | undefined;
  return a && [a.command, ...a.args];
};

describe('the seed on Windows: expired IIS Express certificate, one plan', () => {
  for (const strategy of [undefined, 'iisexpress'] as const) {
    it(`${strategy ?? 'default'}: expired copies removed by thumbprint, new one trusted first, one prompt`, async () => {
      const plan = await seedPlan(strategy);
      const ids = plan.steps.map(s => s.id);
      const short = EXPIRED.slice(0, 8);
      // CurrentUser\Root (Windows' dialog, no elevation) before the elevated block; the block is one prompt.
      const groups = elevatedGroups(plan.steps);
      assert.equal(groups.length, 1, ids.join(', '));
      const firstElevated = ids.indexOf(groups[0][0].id);
      for (const id of [`remove-expired-${short}-currentuser-root`, 'trust-windows-root', 'windows-root-file', `keep-expired-${short}-user`, `keep-expired-${short}-machine`, 'windows-my-pfx']) {
        assert.ok(ids.indexOf(id) >= 0 && ids.indexOf(id) < firstElevated, `${id} before the elevated steps: ${ids.join(', ')}`);
      }
      assert.deepEqual(groups[0].map(s => s.id), ['install-windows-my', `remove-expired-${short}-localmachine-my`, `remove-expired-${short}-localmachine-root`,
        'unbind-44312', ...(strategy ? ['iisexpress-ssl-44312', 'iisexpress-ssl-44313'] : ['bind-44312', 'bind-44313'])]);
      // The expired one goes by thumbprint from every store; its key with it; the Root copies come back on undo.
      assert.deepEqual(argv(plan, `remove-expired-${short}-localmachine-my`), ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command',
        `$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\LocalMachine\\My\\${EXPIRED}' -DeleteKey`]);
      assert.equal(plan.steps.find(s => s.id === `remove-expired-${short}-localmachine-my`)!.undo, undefined);
      const userUndo = plan.steps.find(s => s.id === `remove-expired-${short}-currentuser-root`)!.undo as CommandAction;
      assert.match(userUndo.args[3], /X509Store\('Root', 'CurrentUser'\)/);
      assert.match((plan.steps.find(s => s.id === `remove-expired-${short}-localmachine-root`)!.undo as CommandAction).args[3], /X509Store\('Root', 'LocalMachine'\)/);
      // The new certificate: same friendly name, set before it is added (never after, never unrecorded).
      const trust = argv(plan, 'trust-windows-root')!;
      assert.match(trust[4], /\$c\.FriendlyName = 'IIS Express Development Certificate'; \$s = New-Object System\.Security\.Cryptography\.X509Certificates\.X509Store\('Root', 'CurrentUser'\); \$s\.Open\('ReadWrite'\); try \{ \$s\.Add\(\$c\) \} finally \{ \$s\.Close\(\) \}$/);
      // The dialogs wait for the person: no 60 s timeout on them.
      for (const id of ['trust-windows-root', `remove-expired-${short}-currentuser-root`]) {
        assert.equal((plan.steps.find(s => s.id === id)!.action as CommandAction).waitsForUser, true, id);
      }
      const newHash = plan.steps.find(s => s.id === 'trust-windows-root')!.record!.thumbprint!;
      assert.notEqual(newHash, EXPIRED);
      if (strategy) {
        assert.deepEqual(argv(plan, 'iisexpress-ssl-44313'), [EXE, 'setupSslUrl', '-url:https://localhost:44313/', `-CertHash:${newHash}`]);
        assert.ok(!JSON.stringify(plan).includes('UseSelfSigned'), 'never reuses the existing certificate');
        assert.ok(!plan.notes.some(n => /Run the repair again/.test(n)), 'trusted in the same run');
      } else {
        assert.deepEqual(argv(plan, 'bind-44313'), ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44313', `certhash=${newHash}`, 'appid={214124cd-d05b-4309-9af9-9caa44b2b74a}']);
      }
    });
  }
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCertificate } from '../../src/core/certs/generate';
import { certificateRef } from '../../src/core/certs/formats';
import { detectLinuxDistro, linuxSystemStore, prepareLinuxSandbox, sandboxPaths } from '../../src/core/trust/linuxSystem';
import { executePlan } from '../../src/core/plan/run';
import { renderPlan } from '../../src/core/plan/render';
import type { PlanStep } from '../../src/core/plan/types';
import { Ledger } from '../../src/core/plan/ledger';
import type { TrustContext } from '../../src/core/trust/store';
import { makeTempDir } from '../helpers/sandbox';
import { isInstalled } from '../../src/core/io/exec';

describe('Linux system store', function () {
  this.timeout(30000);
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  const cmdLine = (s: PlanStep) => s.action.type === 'command' ? [s.action.command, ...s.action.args] : [s.action.type, (s.action as { path: string }).path];

  for (const [distro, anchor, refresh, refreshRemove] of [
    ['debian', '/usr/local/share/ca-certificates/', ['update-ca-certificates'], ['update-ca-certificates', '--fresh']],
    ['fedora', '/etc/pki/ca-trust/source/anchors/', ['update-ca-trust', 'extract'], ['update-ca-trust', 'extract']],
    ['arch', '/etc/ca-certificates/trust-source/anchors/', ['trust', 'extract-compat'], ['trust', 'extract-compat']],
  ] as const) {
    it(`${distro}: anchor file + refresh, both elevated, undo in the right order`, async () => {
      const ca = await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env: { DEVCERT_DOCTOR_HOME: tmp.dir } });
      // Plans for the layout, never run: the platform is set to one this process is not, so nothing is probed as root.
      const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env: {}, linuxDistro: distro };
      const steps = await linuxSystemStore.add(ca.trustAnchor, ctx);
      assert.equal(steps.length, 2);
      assert.ok(steps.every(s => s.elevated || process.getuid?.() === 0));
      assert.equal(steps[0].action.type, 'write-file');
      assert.ok((steps[0].action as { path: string }).path.startsWith(anchor));
      assert.deepEqual(cmdLine(steps[1]), refresh);
      assert.equal(steps[1].undoLast, true);
      assert.deepEqual(steps[1].undo && [((steps[1].undo as { command: string }).command), ...(steps[1].undo as { args: string[] }).args], refreshRemove);
      assert.match(renderPlan({ title: 't', platform: 'linux', steps, notes: [] }), new RegExp(`run: +${refresh.join(' ')}`));
    });
  }

  it('detects the layout by which folder exists', () => {
    const has = (...p: string[]) => (x: string) => p.includes(x);
    assert.equal(detectLinuxDistro(has('/usr/local/share/ca-certificates')), 'debian');
    assert.equal(detectLinuxDistro(has('/etc/pki/ca-trust/source/anchors')), 'fedora');
    assert.equal(detectLinuxDistro(has('/etc/ca-certificates/trust-source/anchors')), 'arch');
    assert.equal(detectLinuxDistro(has()), undefined);
  });

  it('sandbox: real update-ca-certificates with its directory options, no elevation; twice changes nothing; remove restores', async function () {
    if (!(await isInstalled('update-ca-certificates', ['--help']))) this.skip();
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'home') };
    const root = path.join(tmp.dir, 'sys');
    const placeholder = await generateCertificate({ profile: 'client', key: 'ecdsa', env });
    await prepareLinuxSandbox(root, placeholder.certPem);
    const ca = (await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env })).trustAnchor;
    const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env, linuxSandboxRoot: root };
    const ledger = new Ledger(path.join(env.DEVCERT_DOCTOR_HOME, 'ledger.json'));
    assert.equal(await linuxSystemStore.check(ca, ctx), false);
    const steps = await linuxSystemStore.add(ca, ctx);
    assert.ok(steps.every(s => !s.elevated));
    assert.ok(steps.some(s => s.action.type === 'command' && s.action.args.includes('--localcertsdir') && s.action.args.includes('--certbundle')));
    const out = await executePlan({ title: 'trust', platform: 'linux', steps, notes: [] }, { ledger, elevate: false });
    assert.equal(out.ok, true, out.summary);
    assert.equal(await linuxSystemStore.check(ca, ctx), true);
    assert.deepEqual(await linuxSystemStore.add(ca, ctx), []);
    assert.equal(ledger.entries()[0].target, `linux-system:${root}`);
    const rm = await linuxSystemStore.remove(ca, ctx);
    assert.equal((await executePlan({ title: 'untrust', platform: 'linux', steps: rm, notes: [] }, { ledger: null, elevate: false })).ok, true);
    assert.equal(await linuxSystemStore.check(ca, ctx), false);
    assert.ok(fs.readFileSync(sandboxPaths(root).bundle, 'utf8').includes('BEGIN CERTIFICATE')); // the placeholder stays
    assert.deepEqual(await linuxSystemStore.remove(ca, ctx), []);
  });

  it('sandbox rollback: a later failure removes the anchor and rebuilds the bundle without it', async function () {
    if (!(await isInstalled('update-ca-certificates', ['--help']))) this.skip();
    const env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'home') };
    const root = path.join(tmp.dir, 'sys');
    await prepareLinuxSandbox(root, (await generateCertificate({ profile: 'client', key: 'ecdsa', env })).certPem);
    const ca = certificateRef((await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env })).trustAnchor.pem);
    const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env, linuxSandboxRoot: root };
    const steps = [...await linuxSystemStore.add(ca, ctx),
      { id: 'fail', title: 'fails', elevated: false, changes: '', action: { type: 'command' as const, command: 'false', args: [] } }];
    const before = fs.readFileSync(sandboxPaths(root).bundle, 'utf8');
    const out = await executePlan({ title: 't', platform: 'linux', steps, notes: [] }, { ledger: null, elevate: false });
    assert.equal(out.ok, false);
    assert.deepEqual(out.notUndone, []);
    assert.equal(await linuxSystemStore.check(ca, ctx), false);
    assert.equal(fs.readdirSync(sandboxPaths(root).localcertsdir).length, 0);
    assert.equal(fs.readFileSync(sandboxPaths(root).bundle, 'utf8').includes(before.trim()), true);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { generateCertificate } from '../../src/core/certs/generate';
import { isInstalled } from '../../src/core/io/exec';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { CERTUTIL_PACKAGES, nssStore } from '../../src/core/trust/nss';
import { findNssDatabases } from '../../src/core/trust/nssDatabases';
import type { TrustContext } from '../../src/core/trust/store';
import { makeTempDir } from '../helpers/sandbox';

describe('NSS store (certutil on temporary databases)', function () {
  this.timeout(30000);
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    tmp = makeTempDir();
    home = path.join(tmp.dir, 'home');
    env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'cfg') };
  });
  afterEach(() => tmp.cleanup());

  const newDb = (dir: string) => { fs.mkdirSync(dir, { recursive: true }); execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']); };

  it('finds Chromium, snap Chromium and every Firefox profile (incl. snap)', async function () {
    if (!(await isInstalled('certutil', ['-H']))) this.skip();
    newDb(path.join(home, '.pki', 'nssdb'));
    newDb(path.join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb'));
    newDb(path.join(home, '.mozilla', 'firefox', 'abcd.default-release'));
    newDb(path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox', 'x.default'));
    fs.mkdirSync(path.join(home, '.mozilla', 'firefox', 'Crash Reports'), { recursive: true });
    assert.equal(findNssDatabases(home).length, 4);
  });

  it('adds with certutil -A -t C,, to every database, checks, is idempotent, removes with -D', async function () {
    if (!(await isInstalled('certutil', ['-H']))) this.skip();
    newDb(path.join(home, '.pki', 'nssdb'));
    newDb(path.join(home, '.mozilla', 'firefox', 'p.default'));
    const ca = (await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env })).trustAnchor;
    const ctx: TrustContext = { platform: process.platform as 'linux', homeDir: home, env };
    const ledger = new Ledger(path.join(tmp.dir, 'cfg', 'ledger.json'));
    assert.equal(await nssStore.check(ca, ctx), false);
    const steps = await nssStore.add(ca, ctx);
    const adds = steps.filter(s => s.action.type === 'command');
    assert.equal(adds.length, 2);
    assert.deepEqual((adds[0].action as { args: string[] }).args.slice(0, 7), ['-A', '-d', `sql:${path.join(home, '.pki', 'nssdb')}`, '-t', 'C,,', '-n', ca.nickname]);
    assert.ok(steps.every(s => !s.elevated));
    const out = await executePlan({ title: 'trust', platform: ctx.platform, steps, notes: [] }, { ledger, elevate: false });
    assert.equal(out.ok, true, out.summary);
    assert.equal(await nssStore.check(ca, ctx), true);
    assert.deepEqual(await nssStore.add(ca, ctx), []);
    assert.equal(ledger.entries().filter(e => e.target.startsWith('nss:')).length, 2);
    const rm = await nssStore.remove(ca, ctx);
    assert.equal((await executePlan({ title: 'untrust', platform: ctx.platform, steps: rm, notes: [] }, { ledger: null, elevate: false })).ok, true);
    assert.equal(await nssStore.check(ca, ctx), false);
    const listed = execFileSync('certutil', ['-L', '-d', `sql:${path.join(home, '.pki', 'nssdb')}`], { encoding: 'utf8' });
    assert.ok(!listed.includes(ca.nickname));
    assert.deepEqual(await nssStore.remove(ca, ctx), []);
  });

  it('a self-signed leaf (aspnetcore) is trusted by its flags', async function () {
    if (!(await isInstalled('certutil', ['-H']))) this.skip();
    newDb(path.join(home, '.pki', 'nssdb'));
    const leaf = (await generateCertificate({ profile: 'aspnetcore', key: 'ecdsa', env })).trustAnchor;
    const ctx: TrustContext = { platform: process.platform as 'linux', homeDir: home, env };
    await executePlan({ title: 't', platform: ctx.platform, steps: await nssStore.add(leaf, ctx), notes: [] }, { ledger: null, elevate: false });
    assert.equal(await nssStore.check(leaf, ctx), true);
  });

  it('missing certutil: the plan says which package installs it, and nothing runs', async () => {
    fs.mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
    fs.writeFileSync(path.join(home, '.pki', 'nssdb', 'cert9.db'), '');
    const ca = (await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env })).trustAnchor;
    const ctx: TrustContext = { platform: process.platform as 'linux', homeDir: home, env, tools: { certutil: path.join(tmp.dir, 'no-certutil') } };
    const steps = await nssStore.add(ca, ctx);
    assert.equal(steps.length, 1);
    assert.equal(steps[0].action.type, 'manual');
    assert.match((steps[0].action as { instructions: string }).instructions, /libnss3-tools \(Debian\/Ubuntu\) \/ nss-tools \(Fedora\) \/ nss \(Arch\)/);
    const avail = await nssStore.available(ctx);
    assert.equal(avail.ok, false);
    assert.equal(avail.reason, `certutil is not installed: ${CERTUTIL_PACKAGES}`);
  });
});

/**
 * The Node bundle (NODE_EXTRA_CA_CERTS) is written when a step runs, from what it holds then and the
 * ledger's set — never from a copy read while planning: two plans made from the same old bundle (the
 * editor's Trust and Regenerate, two CLI runs) both land, a removal takes out exactly its certificate,
 * and a certificate someone put there by hand stays.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificateRef } from '../../src/core/certs/formats';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import type { RepairPlan } from '../../src/core/plan/types';
import { planClean } from '../../src/core/repair/clean';
import { nodeEnvInstructions, nodeStore } from '../../src/core/trust/node';
import type { TrustContext } from '../../src/core/trust/store';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

describe('Node bundle: written at run time from the ledger and what it holds', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let ctx: TrustContext;
  let ledger: Ledger;
  const bundle = () => path.join(tmp.dir, 'config', 'node-extra-ca-certs.pem');
  const plan = (steps: RepairPlan['steps']): RepairPlan => ({ title: 't', platform: process.platform as 'linux', steps, notes: [] });
  const body = (pem: string) => pem.trim().split('\n')[1];

  beforeEach(() => {
    tmp = makeTempDir();
    ctx = { platform: process.platform as 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') } };
    ledger = new Ledger(path.join(tmp.dir, 'config', 'ledger.json'));
  });
  afterEach(() => tmp.cleanup());

  it('two plans made from the same old bundle both land; removing one leaves the other and a hand-added certificate', async () => {
    const mine = makeCert(tmp.dir, 'by-hand', { ca: true });
    fs.mkdirSync(path.dirname(bundle()), { recursive: true });
    fs.writeFileSync(bundle(), mine.certPem);
    const [a, b] = [makeCert(tmp.dir, 'a'), makeCert(tmp.dir, 'b')].map(c => certificateRef(c.certPem));
    // Both planned before either runs (a snapshot-based write would lose the first).
    const [pa, pb] = [plan(await nodeStore.add(a, ctx)), plan(await nodeStore.add(b, ctx))];
    assert.equal((await executePlan(pa, { ledger, elevate: false })).ok, true);
    assert.equal((await executePlan(pb, { ledger, elevate: false })).ok, true);
    let text = fs.readFileSync(bundle(), 'utf8');
    for (const pem of [mine.certPem, a.pem, b.pem]) assert.ok(text.includes(body(pem)));
    // Remove only `a` (the CLI's `untrust FILE`): `b` and the hand-added one stay.
    const clean = await planClean({ ctx, ledger, only: a.sha1, stores: [nodeStore] });
    assert.equal((await executePlan(clean, { ledger, elevate: false })).ok, true);
    text = fs.readFileSync(bundle(), 'utf8');
    assert.ok(!text.includes(body(a.pem)));
    assert.ok(text.includes(body(b.pem)) && text.includes(body(mine.certPem)));
  });

  it('a rolled-back addition is taken out again, and nothing else', async () => {
    const a = certificateRef(makeCert(tmp.dir, 'a').certPem);
    const b = certificateRef(makeCert(tmp.dir, 'b').certPem);
    assert.equal((await executePlan(plan(await nodeStore.add(a, ctx)), { ledger, elevate: false })).ok, true);
    const fail = { id: 'boom', title: 'fails', elevated: false, changes: '', action: { type: 'command' as const, command: 'false', args: [] } };
    const out = await executePlan(plan([...(await nodeStore.add(b, ctx)), fail]), { ledger, elevate: false });
    assert.equal(out.ok, false);
    const text = fs.readFileSync(bundle(), 'utf8');
    assert.ok(text.includes(body(a.pem)), 'the earlier addition stays');
    assert.ok(!text.includes(body(b.pem)), 'the rolled-back one is gone');
    assert.deepEqual(ledger.entries().filter(e => e.target.startsWith('node:')).map(e => e.thumbprint), [a.sha1]);
  });
});

describe('NODE_EXTRA_CA_CERTS instructions on Windows', () => {
  it('setx gets the path with single backslashes (a JSON string would store them doubled)', () => {
    const text = nodeEnvInstructions('C:\\Users\\Jürgen\\AppData\\Roaming\\devcert-doctor\\node-extra-ca-certs.pem',
      { platform: 'win32', homeDir: 'C:\\Users\\Jürgen', env: {} });
    assert.ok(text.includes('setx NODE_EXTRA_CA_CERTS "C:\\Users\\Jürgen\\AppData\\Roaming\\devcert-doctor\\node-extra-ca-certs.pem"'), text);
    assert.ok(!text.split('\n').find(l => l.includes('setx'))!.includes('\\\\'));
    // A path PowerShell would expand inside double quotes is a literal.
    assert.match(nodeEnvInstructions('C:\\Users\\$dev\\b.pem', { platform: 'win32', homeDir: 'C:\\Users\\$dev', env: {} }), /setx NODE_EXTRA_CA_CERTS 'C:\\Users\\\$dev\\b\.pem'/);
  });
});

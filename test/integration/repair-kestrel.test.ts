/**
 * Kestrel for real on Linux: an endpoint declared in appsettings.Development.json serves a misnamed
 * certificate; `planRepair` regenerates it, writes the PEM pair, points Kestrel:Certificates:Default at it
 * in that file (comments and the rest kept) and trusts the local CA in a sandbox; a real TLS server
 * started on the declared port with the files the config now names is trusted by checkEndpoints; then
 * the clean puts everything back (the file byte for byte, the sandbox bundle, an empty ledger).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse as parseJsonc } from 'jsonc-parser';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { checkEndpoints, targetsFrom } from '../../src/core/check/checkEndpoints';
import { planClean } from '../../src/core/repair/clean';
import { discoverEndpoints } from '../../src/core/endpoints/discover';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { nodeBundleFile } from '../../src/core/io/paths';
import { planRepair } from '../../src/core/repair/planRepair';
import { anchorContextFor } from '../../src/core/trust/anchors';
import { linuxSystemStore, prepareLinuxSandbox, sandboxPaths } from '../../src/core/trust/linuxSystem';
import { nodeStore } from '../../src/core/trust/node';
import type { TrustContext } from '../../src/core/trust/store';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'endpoints', 'aspnetcore');

describe('repair binds a Kestrel endpoint (appsettings.Development.json) and the new certificate is trusted', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  const servers: RunningServer[] = [];
  before(function () { if (!has('update-ca-certificates')) this.skip(); });
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); tmp.cleanup(); });

  it('misnamed certificate → regenerate, PEM pair, Kestrel:Certificates:Default edited with comments kept → a server with those files is trusted', async () => {
    const project = path.join(tmp.dir, 'aspnetcore');
    fs.cpSync(FIXTURE, project, { recursive: true });
    const api = path.join(project, 'src', 'WeatherApi');
    const devSettings = path.join(api, 'appsettings.Development.json');

    const misnamed = makeCert(tmp.dir, 'misnamed', { san: 'DNS:example.test' });
    const old = await startTlsServer({ cert: misnamed.certPem, key: misnamed.keyPem });
    servers.push(old);
    const port = old.port;
    const original = fs.readFileSync(devSettings, 'utf8')
      .replace('{\n', '{\n  // Local overrides: only on this machine\n')
      .replace('"Kestrel": {', '"Kestrel": { // the certificate section below is what the repair edits')
      .replace('https://127.0.0.1:7081', `https://127.0.0.1:${port}`);
    fs.writeFileSync(devSettings, original);

    const system = path.join(tmp.dir, 'sb', 'system');
    await prepareLinuxSandbox(system, makeCert(tmp.dir, 'placeholder', { ca: true }).certPem);
    const env: NodeJS.ProcessEnv = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    env.NODE_EXTRA_CA_CERTS = nodeBundleFile(env); // as if the user had pointed Node at the bundle
    const ctx: TrustContext = { platform: 'linux', homeDir: path.join(tmp.dir, 'sb', 'home'), env, linuxSandboxRoot: system };
    const check = async () => {
      const { targets } = targetsFrom(await discoverEndpoints(project));
      return checkEndpoints(targets.filter(t => t.port === port), { timeoutMs: 5000, ...anchorContextFor(ctx) });
    };

    const before = await check();
    assert.equal(before.length, 1);
    assert.ok(before[0].problems.some(p => p.code === 'name-mismatch'), JSON.stringify(before[0].problems));
    assert.deepEqual(before[0].sources?.map(s => [s.kind, s.file]), [['appsettings.json', devSettings]]);

    const bundleBefore = fs.readFileSync(sandboxPaths(system).bundle, 'utf8');
    const plan = await planRepair(before, { ctx, stores: [linuxSystemStore, nodeStore] });
    const edit = plan.steps.find(s => s.id === 'kestrel-config');
    assert.ok(edit && edit.action.type === 'write-file' && edit.action.path === devSettings, JSON.stringify(plan.steps.map(s => s.id)));
    const ledger = new Ledger(path.join(tmp.dir, 'config', 'ledger.json'));
    const outcome = await executePlan(plan, { ledger, elevate: false });
    assert.equal(outcome.ok, true, outcome.summary);

    // Edited in place: comments and every other member as they were; Default now names the PEM pair.
    const edited = fs.readFileSync(devSettings, 'utf8');
    assert.ok(edited.includes('// Local overrides: only on this machine'));
    assert.ok(edited.includes('// the certificate section below is what the repair edits'));
    assert.ok(edited.includes(`"urls": "https://127.0.0.1:${port}"`));
    const config = parseJsonc(edited) as { Kestrel: { Certificates: { Default: { Path: string; KeyPath: string } } }; Logging: unknown };
    assert.deepEqual(config.Kestrel.Certificates.Default, { Path: '.devcert/localhost.pem', KeyPath: '.devcert/localhost-key.pem' });
    assert.deepEqual(config.Logging, { LogLevel: { Default: 'Information', 'Microsoft.AspNetCore': 'Warning' } });

    // The app restarts with what the config names (paths relative to its content root) on the same port.
    await old.close();
    servers.splice(servers.indexOf(old), 1);
    const cert = fs.readFileSync(path.join(api, config.Kestrel.Certificates.Default.Path));
    const key = fs.readFileSync(path.join(api, config.Kestrel.Certificates.Default.KeyPath));
    servers.push(await startTlsServer({ cert, key }, undefined, port));
    const after = await check();
    assert.deepEqual(after[0].problems, []);
    assert.deepEqual(after[0].trust, { system: true, node: true });

    // Clean: everything the repair added goes, the edited file is put back byte for byte, the ledger is empty.
    const clean = await planClean({ ctx, ledger, stores: [linuxSystemStore, nodeStore] });
    const cleaned = await executePlan(clean, { ledger, elevate: false });
    assert.equal(cleaned.ok, true, cleaned.summary);
    assert.equal(fs.readFileSync(devSettings, 'utf8'), original);
    assert.equal(fs.existsSync(path.join(api, '.devcert', 'localhost-key.pem')), false);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'config', 'ca', 'rootCA-key.pem')), false, 'the local CA the repair created');
    assert.equal(fs.readFileSync(sandboxPaths(system).bundle, 'utf8'), bundleBefore);
    assert.deepEqual(ledger.entries(), []);
    assert.deepEqual((await planClean({ ctx, ledger, stores: [linuxSystemStore, nodeStore] })).steps, [], 'a second clean changes nothing');
    assert.equal((await check())[0].trust.system, false);
  });
});

import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { ExecError, type ExecResult } from '../../src/core/io/exec';
import type { PlanStep, RepairPlan } from '../../src/core/plan/types';
import { executePlan } from '../../src/core/plan/run';
import { KestrelConfigError, PASSWORD_SECRET_KEY, checkDevCerts, detectFormatting, devCertsUndo, editKestrelDefaultCertificate, interpretDevCertsCheck, interpretDevCertsMachineReadable, kestrelCertificateSection, planKestrelConfig, planKestrelDevCerts, userSecretsFile } from '../../src/core/bind/kestrel';
import type { BindContext } from '../../src/core/bind/types';
import { makeTempDir } from '../helpers/sandbox';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform', 'kestrel');

/** Run steps for real through the project's executor (atomic writes, rollback), never touching the ledger. */
async function apply(steps: PlanStep[]) {
  const plan: RepairPlan = { title: 'test', platform: process.platform as RepairPlan['platform'], steps, notes: [] };
  return executePlan(plan, { ledger: null, elevate: false });
}
const undoAll = (steps: PlanStep[]) => apply([...steps].reverse().filter(s => s.undo).map(s => ({ ...s, action: s.undo!, undo: undefined })));

describe('Kestrel appsettings edit (JSONC in place)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let ctx: BindContext;
  beforeEach(() => { tmp = makeTempDir(); ctx = { platform: 'linux', homeDir: path.join(tmp.dir, 'home'), env: {} }; });
  afterEach(() => tmp.cleanup());

  function copy(name: string, as = 'appsettings.Development.json'): string {
    const file = path.join(tmp.dir, as);
    copyFileSync(path.join(FIX, name), file);
    return file;
  }

  it('adds Kestrel:Certificates:Default to a VS template: BOM, CRLF, comments and trailing comma kept byte-for-byte', async () => {
    const file = copy('appsettings.Development.template-bom-crlf.json');
    const before = readFileSync(file);
    const plan = await planKestrelConfig({ appsettingsFile: file, certificate: { kind: 'pem', path: path.join(tmp.dir, '.devcert', 'localhost.pem'), keyPath: path.join(tmp.dir, '.devcert', 'localhost-key.pem') } }, ctx);
    assert.deepEqual(plan.steps.map(s => s.id), ['kestrel-config']);
    assert.deepEqual(readFileSync(file), before, 'planning changes nothing');
    const outcome = await apply(plan.steps);
    assert.equal(outcome.ok, true, outcome.summary);
    const after = readFileSync(file, 'utf8');
    const beforeText = before.toString('utf8');
    assert.ok(after.startsWith('\ufeff{\r\n  // Development-only settings (Visual Studio template)\r\n'), 'BOM and first comment');
    // Everything up to the last existing member is untouched; the new member follows, CRLF, 2-space indent.
    const keep = beforeText.indexOf('"AllowedHosts": "*"') + '"AllowedHosts": "*"'.length;
    assert.equal(after.slice(0, keep), beforeText.slice(0, keep));
    assert.match(after, /\r\n  "Kestrel": \{\r\n    "Certificates": \{\r\n      "Default": \{\r\n        "Path": "\.devcert\/localhost\.pem",\r\n        "KeyPath": "\.devcert\/localhost-key\.pem"\r\n      \}/);
    assert.ok(!/[^\r]\n/.test(after), 'no bare LF introduced');
    assert.deepEqual(parse(after.slice(1)).Kestrel, { Certificates: { Default: { Path: '.devcert/localhost.pem', KeyPath: '.devcert/localhost-key.pem' } } });
    assert.deepEqual(parse(after.slice(1)).Logging, parse(beforeText.slice(1)).Logging);
    // Undo restores the exact bytes.
    assert.equal((await undoAll(plan.steps)).ok, true);
    assert.deepEqual(readFileSync(file), before);
  });

  it('replaces Path, drops Password/Subject (they conflict), keeps comments inside Default and tab indentation', () => {
    const file = path.join(FIX, 'appsettings.Development.existing-default.json');
    const before = readFileSync(file, 'utf8');
    const after = editKestrelDefaultCertificate(before, { kind: 'pfx', path: path.join(FIX, 'certs', 'localhost.pfx') }, file);
    assert.deepEqual(parse(after).Kestrel.Certificates.Default, { Path: 'certs/localhost.pfx' });
    assert.match(after, /\t\t\t\t\/\* the old one \*\/\n\t\t\t\t"Path": "certs\/localhost\.pfx"/);
    assert.ok(after.includes('"Https": { "Url": "https://localhost:5001" } // keep this'));
    assert.ok(after.startsWith('{\n\t// Kestrel already pointed at the old shared certificate\n'));
    assert.ok(!after.includes('hunter2'), 'a password is never left in appsettings');
    assert.deepEqual(detectFormatting(before), { insertSpaces: false, tabSize: 4, eol: '\n' });
  });

  it('is idempotent: a second plan after applying has no steps', async () => {
    const file = copy('appsettings.Development.existing-default.json');
    const req = { appsettingsFile: file, certificate: { kind: 'pfx' as const, path: path.join(tmp.dir, 'localhost.pfx') } };
    assert.equal((await apply((await planKestrelConfig(req, ctx)).steps)).ok, true);
    assert.deepEqual((await planKestrelConfig(req, ctx)).steps, []);
  });

  it('malformed JSONC: a clear error with file:line:col, and the file is unchanged', async () => {
    const file = copy('appsettings.Development.malformed.json');
    const before = readFileSync(file);
    await assert.rejects(planKestrelConfig({ appsettingsFile: file, certificate: { kind: 'pfx', path: '/x.pfx' } }, ctx),
      (err: Error) => err instanceof KestrelConfigError && /appsettings\.Development\.json:9:1: CloseBraceExpected .*nothing was changed/.test(err.message));
    assert.deepEqual(readFileSync(file), before);
  });

  it('a non-object on the way is refused with its position', () => {
    const file = path.join(FIX, 'appsettings.Development.kestrel-string.json');
    assert.throws(() => editKestrelDefaultCertificate(readFileSync(file, 'utf8'), { kind: 'pfx', path: '/x.pfx' }, file),
      /kestrel-string\.json:1:14: "Kestrel" is a string, not an object/);
    assert.throws(() => editKestrelDefaultCertificate('[1]', { kind: 'pfx', path: '/x.pfx' }, 'a.json'), /top level is an array/);
  });

  it('creates a missing appsettings file; undo removes it', async () => {
    const file = path.join(tmp.dir, 'appsettings.Development.json');
    const plan = await planKestrelConfig({ appsettingsFile: file, certificate: { kind: 'pfx', path: '/abs/localhost.pfx' } }, ctx);
    const written = plan.steps[0].action.type === 'write-file' ? plan.steps[0].action.contents : '';
    assert.deepEqual(plan.steps[0].undo, { type: 'remove-file', path: file, ifMatch: createHash('sha256').update(written).digest('hex') });
    assert.equal((await apply(plan.steps)).ok, true);
    assert.equal(readFileSync(file, 'utf8'), '{\n  "Kestrel": {\n    "Certificates": {\n      "Default": {\n        "Path": "/abs/localhost.pfx"\n      }\n    }\n  }\n}\n');
    await undoAll(plan.steps);
    assert.equal(existsSync(file), false);
  });

  it('records the edit as a config-edit with the previous bytes, and rolls back when a later step fails', async () => {
    const file = copy('appsettings.Development.template-bom-crlf.json');
    const before = readFileSync(file);
    const plan = await planKestrelConfig({ appsettingsFile: file, certificate: { kind: 'pfx', path: '/abs/localhost.pfx' } }, ctx);
    assert.equal(plan.steps[0].record?.kind, 'config-edit');
    assert.equal(plan.steps[0].record?.target, `kestrel:${file}`);
    assert.deepEqual(Buffer.from(plan.steps[0].record!.previous!, 'base64'), before);
    const failing: PlanStep = { id: 'boom', title: 'fails', action: { type: 'command', command: process.execPath, args: ['-e', 'process.exit(3)'] }, elevated: false, changes: 'nothing' };
    const outcome = await apply([...plan.steps, failing]);
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.rolledBack, ['kestrel-config']);
    assert.deepEqual(readFileSync(file), before);
    assert.deepEqual(readdirSync(tmp.dir).filter(f => f.endsWith('.tmp')), [], 'no temp file left beside it (atomic write)');
  });

  it('PFX password: into user secrets (0600), never a command argument; init gets an id and its undo restores the .csproj', async () => {
    const file = copy('appsettings.Development.template-bom-crlf.json');
    const csproj = path.join(tmp.dir, 'Web.csproj');
    copyFileSync(path.join(FIX, 'Web.csproj'), csproj);
    const plan = await planKestrelConfig({ appsettingsFile: file, projectFile: csproj, certificate: { kind: 'pfx', path: path.join(tmp.dir, 'localhost.pfx'), password: 'p@ss "word"' } }, ctx);
    assert.deepEqual(plan.steps.map(s => s.id), ['kestrel-config', 'kestrel-user-secrets-init', 'kestrel-pfx-password']);
    const init = plan.steps[1].action;
    assert.equal(init.type, 'command');
    const id = init.type === 'command' ? init.args[init.args.length - 1] : '';
    assert.deepEqual(init.type === 'command' && init.args, ['user-secrets', 'init', '--project', csproj, '--id', id]);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(plan.steps[1].undo, { type: 'write-file', path: csproj, contents: readFileSync(csproj).toString('base64'), encoding: 'base64', mode: statSync(csproj).mode & 0o777 });
    const secrets = plan.steps[2].action;
    assert.equal(secrets.type === 'write-file' && secrets.path, path.join(ctx.homeDir, '.microsoft', 'usersecrets', id, 'secrets.json'));
    assert.equal(secrets.type === 'write-file' && secrets.mode, 0o600);
    assert.deepEqual(secrets.type === 'write-file' && JSON.parse(secrets.contents), { [PASSWORD_SECRET_KEY]: 'p@ss "word"' });
    const commands = JSON.stringify(plan.steps.filter(s => s.action.type === 'command'));
    assert.ok(!commands.includes('p@ss'), 'the password is on no command line');
    assert.ok(!plan.steps[2].changes.includes('p@ss'));
  });

  it('PFX password with an existing UserSecretsId: other secrets kept, exact undo', async () => {
    const file = copy('appsettings.Development.template-bom-crlf.json');
    const csproj = path.join(tmp.dir, 'WebWithSecrets.csproj');
    copyFileSync(path.join(FIX, 'WebWithSecrets.csproj'), csproj);
    const secretsFile = userSecretsFile('aspnet-Web-6f1f2c4e-0d7b-4a53-9d2e-5b1e7c9a0f11', ctx);
    mkdirSync(path.dirname(secretsFile), { recursive: true });
    const old = '{\n  "ConnectionStrings:Db": "Server=.;Trusted_Connection=True",\n  "Kestrel:Certificates:Default:Password": "old"\n}';
    writeFileSync(secretsFile, old, { mode: 0o600 });
    const plan = await planKestrelConfig({ appsettingsFile: file, projectFile: csproj, certificate: { kind: 'pfx', path: '/a.pfx', password: 'new' } }, ctx);
    assert.deepEqual(plan.steps.map(s => s.id), ['kestrel-config', 'kestrel-pfx-password']);
    assert.equal((await apply(plan.steps)).ok, true);
    assert.deepEqual(JSON.parse(readFileSync(secretsFile, 'utf8')), { 'ConnectionStrings:Db': 'Server=.;Trusted_Connection=True', [PASSWORD_SECRET_KEY]: 'new' });
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    await undoAll(plan.steps);
    assert.equal(readFileSync(secretsFile, 'utf8'), old);
  });

  it('a password without a project is refused before anything is planned', async () => {
    const file = copy('appsettings.Development.template-bom-crlf.json');
    await assert.rejects(planKestrelConfig({ appsettingsFile: file, certificate: { kind: 'pfx', path: '/a.pfx', password: 'x' } }, ctx), /needs the project/);
  });

  it('user secrets live where dotnet keeps them on each platform', () => {
    assert.equal(userSecretsFile('abc', { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming' } }),
      'C:\\Users\\dev\\AppData\\Roaming\\Microsoft\\UserSecrets\\abc\\secrets.json');
    assert.equal(userSecretsFile('abc', { platform: 'darwin', homeDir: '/Users/dev', env: {} }), '/Users/dev/.microsoft/usersecrets/abc/secrets.json');
  });
});

describe('ASP.NET Core dev-certs path', () => {
  // dotnet is not installed on the test machine: the runner answers like it would.
  const runner = (codes: Record<string, number | 'missing'>) => async (command: string, args: readonly string[]): Promise<ExecResult> => {
    const code = codes[args.join(' ')];
    if (code === 'missing' || code === undefined) throw new ExecError(`${command} is not installed or not on PATH`, command);
    return { command, args: [...args], code, stdout: '', stderr: '', durationMs: 1, timedOut: false };
  };

  it('plans --clean then --trust (undo: --clean), with the Linux caveat', async () => {
    const plan = await planKestrelDevCerts({ platform: 'linux', homeDir: '/home/dev', env: {}, runner: runner({ '--version': 0 }) });
    assert.deepEqual(plan.steps.map(s => s.action.type === 'command' && [s.action.command, ...s.action.args]), [
      ['dotnet', 'dev-certs', 'https', '--clean'],
      ['dotnet', 'dev-certs', 'https', '--trust'],
    ]);
    assert.equal(plan.steps[0].undo, undefined);
    assert.deepEqual(plan.steps[1].undo, { type: 'command', command: 'dotnet', args: ['dev-certs', 'https', '--clean'] });
    assert.match(plan.notes.join(' '), /On Linux .*--trust. trusts only for some consumers/);
  });

  it('uses the configured dotnet, says which dialog appears, no Linux note elsewhere', async () => {
    const plan = await planKestrelDevCerts({ platform: 'win32', homeDir: 'C:\\Users\\dev', env: {}, tools: { dotnet: 'C:\\dotnet\\dotnet.exe' }, runner: runner({ '--version': 0 }) });
    assert.equal(plan.steps[1].action.type === 'command' && plan.steps[1].action.command, 'C:\\dotnet\\dotnet.exe');
    assert.match(plan.steps[1].title, /Windows asks you to confirm/);
    assert.deepEqual(plan.notes, []);
  });

  it('macOS: no `dotnet dev-certs https --clean` (it runs sudo out of sight) — the removal is the plan\'s own; --trust has no in-plan undo', async () => {
    const plan = await planKestrelDevCerts({ platform: 'darwin', homeDir: '/Users/dev', env: {}, tools: { dotnet: '/usr/local/share/dotnet/dotnet' }, runner: runner({ '--version': 0 }) });
    const trust = plan.steps.find(s => s.id === 'dev-certs-trust')!;
    assert.deepEqual(trust.action.type === 'command' && [trust.action.command, ...trust.action.args], ['/usr/local/share/dotnet/dotnet', 'dev-certs', 'https', '--trust']);
    assert.match(trust.title, /login password/);
    assert.equal(trust.undo, undefined);
    assert.deepEqual(trust.record, { kind: 'trust', target: 'dotnet-dev-certs' });
    assert.ok(!plan.steps.some(s => s.action.type === 'command' && (s.action.args.includes('--clean') || s.action.command === 'sudo')));
    assert.match(plan.notes.join(' '), /runs `sudo security delete-certificate`.*removes each development certificate itself, by SHA-1/);
  });

  it('undoing a recorded dotnet dev-certs --trust: dotnet\'s --clean, except on macOS (its own removal by SHA-1, never dotnet\'s sudo)', async () => {
    const linux = await devCertsUndo({ platform: 'linux', homeDir: '/home/dev', env: {}, tools: { dotnet: '/opt/dotnet/dotnet' } }, 'undo-0');
    assert.deepEqual(linux.steps.map(s => s.action.type === 'command' && [s.action.command, ...s.action.args]), [['/opt/dotnet/dotnet', 'dev-certs', 'https', '--clean']]);
    const mac = await devCertsUndo({ platform: 'darwin', homeDir: '/Users/dev', env: {}, runner: runner({}) }, 'undo-0');
    assert.ok(!mac.steps.some(s => s.action.type === 'command' && /dotnet|sudo/.test(s.action.command)));
    assert.match(mac.notes.join(' '), /removes each development certificate itself, by SHA-1/);
  });

  it('refuses clearly without dotnet', async () => {
    await assert.rejects(planKestrelDevCerts({ platform: 'linux', homeDir: '/h', env: {}, runner: runner({ '--version': 'missing' }) }),
      /The \.NET SDK is needed for dotnet dev-certs: dotnet is not installed or not on PATH/);
  });

  it('reads dotnet dev-certs https --check --trust by its documented exit codes', async () => {
    assert.deepEqual([0, 4, 7, 6, 1, null].map(interpretDevCertsCheck), ['trusted', 'partial', 'untrusted', 'missing', 'error', 'error']);
    // .NET 10's --check-trust-machine-readable (shape as SDK 10.0.401 prints it) tells partial from none.
    assert.equal(interpretDevCertsMachineReadable('[{"Thumbprint":"AB","TrustLevel":"Partial","Version":6}]'), 'partial');
    assert.equal(interpretDevCertsMachineReadable('[{"TrustLevel":"None"},{"TrustLevel":"Full"}]'), 'trusted');
    assert.equal(interpretDevCertsMachineReadable('[]'), 'missing');
    assert.equal(interpretDevCertsMachineReadable('Specify --help'), undefined);
    assert.equal(await checkDevCerts({ runner: runner({ 'dev-certs https --check --trust': 7 }) }), 'untrusted');
  });
});

describe('kestrelCertificateSection: which section Kestrel reads once the layers merge', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());
  const write = (name: string, value: unknown) => writeFileSync(path.join(tmp.dir, name), JSON.stringify(value));
  const dev = () => path.join(tmp.dir, 'appsettings.Development.json');
  const pem = { kind: 'pem' as const, path: '/p/.devcert/localhost.pem', keyPath: '/p/.devcert/localhost-key.pem' };

  it('Default, with the base layer\'s Password and Subject masked as null (case-insensitive keys)', () => {
    write('appsettings.json', { kestrel: { certificates: { default: { path: 'a.pfx', password: 'x', Subject: 'localhost' } } } });
    const section = kestrelCertificateSection(dev());
    assert.deepEqual(section, { path: ['Kestrel', 'Certificates', 'Default'], mask: ['Password', 'Subject'] });
    const edited = parse(editKestrelDefaultCertificate('{}', pem, dev(), '/p', section));
    assert.deepEqual(edited.Kestrel.Certificates.Default, { Path: '.devcert/localhost.pem', KeyPath: '.devcert/localhost-key.pem', Password: null, Subject: null });
  });

  it('the endpoint\'s own Certificate (given in either layer) wins; in the same file its Password is removed, not masked', () => {
    write('appsettings.json', {});
    write('appsettings.Development.json', { Kestrel: { Endpoints: { Https: { Url: 'https://localhost:1', Certificate: { Path: 'a.pfx', Password: 'x' } } } } });
    const section = kestrelCertificateSection(dev(), 'Kestrel:Endpoints:Https');
    assert.deepEqual(section, { path: ['Kestrel', 'Endpoints', 'Https', 'Certificate'], mask: [] });
    const edited = parse(editKestrelDefaultCertificate(readFileSync(dev(), 'utf8'), pem, dev(), '/p', section));
    assert.deepEqual(edited.Kestrel.Endpoints.Https, { Url: 'https://localhost:1', Certificate: { Path: '.devcert/localhost.pem', KeyPath: '.devcert/localhost-key.pem' } });
    assert.equal(edited.Kestrel.Certificates, undefined);
  });

  it('an endpoint without a Certificate, or no endpoint: Default', () => {
    write('appsettings.json', { Kestrel: { Endpoints: { Https: { Url: 'https://localhost:1' } } } });
    assert.deepEqual(kestrelCertificateSection(dev(), 'Kestrel:Endpoints:Https').path, ['Kestrel', 'Certificates', 'Default']);
    assert.deepEqual(kestrelCertificateSection(dev()).path, ['Kestrel', 'Certificates', 'Default']);
  });
});

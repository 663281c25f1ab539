/**
 * Unusable certificate input, for every command that reads one (`node dist/cli.js`, as users run it):
 * a key that does not belong to its certificate, a wrong PFX password, a damaged PFX, an empty file, a
 * folder, a missing file → exit 2, one plain sentence on stderr naming the file (no stack, no
 * node-forge or OpenSSL internals), and nothing written: no output file, no sandbox, no ledger.
 * Then the two plan options that used to fail: `--sandbox NEWDIR` on a fresh folder, and
 * `--dry-run --platform win32|darwin` showing that platform's paths, none of this machine's.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort, startOpensslServer, type RunningServer } from '../helpers/servers';
import { runCli } from '../helpers/mtlsCli';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Bytes that start like DER but are not a PFX: node-forge used to answer "Only 8, 16, 24, or 32 bits supported: 448". */
function garbagePfx(): Buffer {
  const b = Buffer.alloc(600);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7919 + 13) % 256;
  b.set([0x30, 0x82, 0x02, 0x54], 0);
  return b;
}

/** What a refusal must look like: exit 2, one line naming the file, nothing from inside a parser or a stack. */
function assertRefused(r: { code: number; stdout: string; stderr: string }, file: string, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  assert.ok(lines[0].includes(path.basename(file)), `${what}: names ${path.basename(file)}: ${lines[0]}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |bits supported|forge|asn1|error:[0-9A-F]{8}|EISDIR|ENOENT|Error:/i, `${what}: ${r.stderr}`);
}

describe('CLI: unusable certificate input is exit 2, one sentence, nothing written (dist/cli.js)', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('devcert-inputs-');
  let cert: CertFiles;
  let other: CertFiles;
  const f = (name: string) => path.join(tmp.dir, 'in', name);
  const config = path.join(tmp.dir, 'config');
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH, HOME: path.join(tmp.dir, 'home'), DEVCERT_DOCTOR_HOME: config,
    RIGHT: 'right', WRONG: 'wrong', OUTPW: 'out-secret',
  });

  before(() => {
    fs.mkdirSync(path.join(tmp.dir, 'in'), { recursive: true });
    fs.mkdirSync(path.join(tmp.dir, 'home'));
    cert = makeCert(path.join(tmp.dir, 'in'), 'cert');
    other = makeCert(path.join(tmp.dir, 'in'), 'other');
    execFileSync('openssl', ['pkcs12', '-export', '-in', cert.cert, '-inkey', cert.key, '-out', f('right.pfx'), '-passout', 'pass:right']);
    fs.writeFileSync(f('mixed.pem'), cert.certPem + other.keyPem); // a certificate with someone else's key
    fs.writeFileSync(f('garbage.pfx'), garbagePfx());
    fs.writeFileSync(f('empty.pem'), '');
    fs.mkdirSync(f('folder.pem'));
  });
  after(() => tmp.cleanup());

  /** Each bad input: the file the message must name, and the arguments that hand it to a command. */
  interface BadInput { name: string; file: string; pair: (cmd: 'export' | 'check' | 'single') => string[] }
  const inputs: BadInput[] = [
    {
      name: 'a key that does not belong to the certificate', file: 'other.key',
      pair: cmd => cmd === 'export' ? [f('cert.pem'), '--key', f('other.key')]
        : cmd === 'check' ? ['--client-cert', f('cert.pem'), '--client-key', f('other.key')]
        : [f('mixed.pem')],
    },
    {
      name: 'a wrong PFX password', file: 'right.pfx',
      pair: cmd => cmd === 'check' ? ['--client-cert', f('right.pfx'), '--client-cert-password-env', 'WRONG'] : [f('right.pfx'), '--password-env', 'WRONG'],
    },
    { name: 'a damaged PFX', file: 'garbage.pfx', pair: cmd => cmd === 'check' ? ['--client-cert', f('garbage.pfx')] : [f('garbage.pfx')] },
    { name: 'an empty file', file: 'empty.pem', pair: cmd => cmd === 'check' ? ['--client-cert', f('empty.pem')] : [f('empty.pem')] },
    { name: 'a folder', file: 'folder.pem', pair: cmd => cmd === 'check' ? ['--client-cert', f('folder.pem')] : [f('folder.pem')] },
    { name: 'a missing file', file: 'missing.pem', pair: cmd => cmd === 'check' ? ['--client-cert', f('missing.pem')] : [f('missing.pem')] },
  ];
  // The mismatched pair is named by its key file for export/check, by the combined PEM for trust/untrust.
  const named = (input: BadInput, cmd: 'export' | 'check' | 'single') => (input.file === 'other.key' && cmd === 'single' ? 'mixed.pem' : input.file);

  for (const input of inputs) {
    it(`${input.name}: export --format pfx and --format pem write nothing`, async () => {
      for (const format of ['pfx', 'pem']) {
        const out = path.join(tmp.dir, `out.${format}`);
        const r = await runCli(['export', ...input.pair('export'), '--format', format, '--out', out, '--out-password-env', 'OUTPW', '--with-key'].filter(a => format === 'pfx' ? a !== '--with-key' : true), env());
        assertRefused(r, named(input, 'export'), `export --format ${format}`);
        assert.equal(fs.existsSync(out), false, 'no output file');
        assert.equal(fs.existsSync(out.replace(/\.pem$/, '-key.pem')), false, 'no key file');
      }
    });

    it(`${input.name}: trust and untrust FILE --sandbox DIR --yes change nothing`, async () => {
      for (const cmd of ['trust', 'untrust']) {
        const sandbox = path.join(tmp.dir, `sb-${cmd}`);
        const r = await runCli([cmd, ...input.pair('single'), '--sandbox', sandbox, '--yes'], env());
        assertRefused(r, named(input, 'single'), cmd);
        assert.equal(fs.existsSync(sandbox), false, `${cmd}: no sandbox prepared`);
        assert.equal(fs.existsSync(config), false, `${cmd}: no config folder, no ledger`);
      }
    });

    it(`${input.name}: check --client-cert refuses before any connection`, async () => {
      const r = await runCli(['check', '--port', String(await freePort()), ...input.pair('check')], env());
      assertRefused(r, named(input, 'check'), 'check');
      assert.equal(r.stdout, '');
    });
  }

  it('a local CA whose key does not belong to it (or is damaged): generate and client-cert create write nothing', async () => {
    const caDir = path.join(config, 'ca');
    try {
      fs.mkdirSync(caDir, { recursive: true });
      fs.copyFileSync(cert.cert, path.join(caDir, 'rootCA.pem'));
      for (const key of [other.keyPem, 'not a key\n']) {
        fs.writeFileSync(path.join(caDir, 'rootCA-key.pem'), key);
        const out = path.join(tmp.dir, 'gen-out');
        const g = await runCli(['generate', '--out', out], env());
        assertRefused(g, 'rootCA-key.pem', 'generate');
        assert.equal(fs.existsSync(out), false);
        const pfx = path.join(tmp.dir, 'client.pfx');
        const c = await runCli(['client-cert', 'create', '--signed-by', 'local-ca', '--out', pfx, '--password-env', 'OUTPW'], env());
        assertRefused(c, 'rootCA-key.pem', 'client-cert create');
        assert.equal(fs.existsSync(pfx), false);
      }
      assert.deepEqual(fs.readdirSync(config), ['ca'], 'nothing but the CA folder the test made');
    } finally {
      fs.rmSync(config, { recursive: true, force: true });
    }
  });

  it('a matching key still exports: the PFX reads back with its password (the check refuses only mismatches)', async () => {
    const out = path.join(tmp.dir, 'ok.pfx');
    const r = await runCli(['export', f('cert.pem'), '--key', f('cert.key'), '--format', 'pfx', '--out', out, '--out-password-env', 'OUTPW'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(execFileSync('openssl', ['pkcs12', '-in', out, '-nokeys', '-passin', 'pass:out-secret'], { encoding: 'utf8' }), /BEGIN CERTIFICATE/);
    fs.rmSync(out);
  });
});

describe('CLI: --sandbox on a fresh folder, --platform renders that platform\'s paths (dist/cli.js)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;
  let self: CertFiles;
  beforeEach(async () => {
    tmp = makeTempDir('devcert-sbx-');
    self = makeCert(tmp.dir, 'self');
    server = await startOpensslServer(['-cert', self.cert, '-key', self.key]);
  });
  afterEach(async () => { await server?.close(); server = undefined; tmp.cleanup(); });

  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH, HOME: path.join(tmp.dir, 'home'), DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config'),
    XDG_CONFIG_HOME: path.join(tmp.dir, 'xdg'), APPDATA: path.join(tmp.dir, 'appdata'),
  });

  it('repair --sandbox NEWDIR --yes prepares the folder itself and trusts a self-signed server there', async function () {
    if (!has('update-ca-certificates') || !has('certutil')) this.skip();
    const sandbox = path.join(tmp.dir, 'fresh', 'sandbox'); // neither it nor its parent exists
    const r = await runCli(['repair', '--port', String(server!.port), '--sandbox', sandbox, '--yes'], env());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bundle = path.join(sandbox, 'system', 'etc', 'ssl', 'certs', 'ca-certificates.crt');
    assert.match(execFileSync('openssl', ['verify', '-CAfile', bundle, self.cert], { encoding: 'utf8' }), /OK/);
    const db = path.join(sandbox, 'home', '.pki', 'nssdb');
    assert.match(execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' }), /localhost \(devcert-doctor [0-9A-F]{8}\)\s+C,,/);
    const again = await runCli(['repair', '--port', String(server!.port), '--sandbox', sandbox, '--yes'], env());
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /Nothing to change/);
    const undo = await runCli(['untrust', '--all', '--sandbox', sandbox, '--yes'], env());
    assert.equal(undo.code, 0, undo.stdout + undo.stderr);
  });

  for (const [platform, shape] of [['win32', 'C:\\Users\\<you>\\AppData\\Roaming\\devcert-doctor\\'], ['darwin', '/Users/<you>/Library/Application Support/devcert-doctor/']] as const) {
    it(`repair and trust --dry-run --platform ${platform}: that platform's config folder, no path of this machine, nothing read or written here`, async () => {
      const e = env();
      for (const args of [['repair', '--port', String(server!.port)], ['trust', self.cert]]) {
        const r = await runCli([...args, '--dry-run', '--platform', platform], e);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const plan = r.stdout.slice(r.stdout.indexOf('Rendered for')); // the plan, after the probe's own lines
        assert.ok(plan.includes(shape), `${args[0]}: ${shape} in\n${plan}`);
        for (const local of [tmp.dir, e.HOME!, e.DEVCERT_DOCTOR_HOME!, e.XDG_CONFIG_HOME!, e.APPDATA!, '/tmp/', process.cwd()]) {
          assert.ok(!plan.includes(local), `${args[0]}: ${local} must not appear in\n${plan}`);
        }
        assert.match(plan, /placeholder account/);
      }
      assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['self.cnf', 'self.key', 'self.pem'].sort(), 'nothing written here');
    });
  }
});

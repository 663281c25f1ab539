import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { makeTempDir } from '../helpers/sandbox';

interface CliRun { code: number; stdout: string; stderr: string }

/**
 * Runs the CLI in this process with stdout/stderr captured and `env` added to process.env for the
 * duration (the command reads its password variable and DEVCERT_DOCTOR_HOME from there).
 */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const saved = { out: process.stdout.write, err: process.stderr.write };
  const savedEnv = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]));
  Object.assign(process.env, env);
  process.stdout.write = ((c: string | Uint8Array) => { stdout += String(c); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => { stderr += String(c); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fingerprint = (alg: string, file: string) =>
  /=([0-9A-F:]+)/.exec(openssl(['x509', '-in', file, '-noout', '-fingerprint', `-${alg}`]))![1].replace(/:/g, '');
const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('client-cert create', function () {
  this.timeout(30000);
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  beforeEach(() => { tmp = makeTempDir('client-cert-create-'); home = path.join(tmp.dir, 'config'); });
  afterEach(() => tmp.cleanup());

  it('writes PFX + PEM pair with clientAuth, self-signed, and prints the thumbprints openssl computes', async () => {
    const out = path.join(tmp.dir, 'api.pfx');
    const r = await cli(['client-cert', 'create', '--cn', 'api caller', '--days', '30', '--out', out, '--password-env', 'PFX_PW'],
      { PFX_PW: 's3cret', DEVCERT_DOCTOR_HOME: home });
    assert.equal(r.code, 0, r.stderr);
    const cert = path.join(tmp.dir, 'api.pem');
    const key = path.join(tmp.dir, 'api-key.pem');
    const text = openssl(['x509', '-in', cert, '-noout', '-text']);
    assert.match(text, /Subject: CN ?= ?api caller/);
    assert.match(text, /Issuer: CN ?= ?api caller/);
    assert.match(text, /Extended Key Usage:\s*\n\s*TLS Web Client Authentication\s*\n/);
    // OpenSSL's own purpose check, as an SSL client certificate.
    assert.match(openssl(['x509', '-in', cert, '-noout', '-purpose']), /SSL client : Yes/);
    const sha1 = fingerprint('sha1', cert);
    const sha256 = fingerprint('sha256', cert);
    assert.ok(r.stdout.includes(`SHA-1    ${sha1}`), r.stdout);
    assert.ok(r.stdout.includes(`SHA-256  ${sha256}`), r.stdout);
    const x = new crypto.X509Certificate(fs.readFileSync(cert));
    const days = (Date.parse(x.validTo) - Date.now()) / 86400_000;
    assert.ok(days > 29.9 && days < 30.1, `valid for ${days} days`);
    // The PFX opens with the password from the variable and holds the same certificate and its key.
    const fromPfx = openssl(['pkcs12', '-in', out, '-passin', 'pass:s3cret', '-nodes']);
    const pfxCert = new crypto.X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(fromPfx)![0]);
    assert.equal(pfxCert.fingerprint256, x.fingerprint256);
    assert.ok(pfxCert.checkPrivateKey(crypto.createPrivateKey(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(fromPfx)![0])));
    assert.ok(x.checkPrivateKey(crypto.createPrivateKey(fs.readFileSync(key))));
    assert.equal(mode(key), 0o600);
    assert.equal(mode(out), 0o600);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cret/, 'the password is never echoed');
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['api-key.pem', 'api.pem', 'api.pfx'], 'no temp files left');
  });

  it('--json: the documented object; without --password-env a generated password goes to stderr only, and opens the PFX', async () => {
    const out = path.join(tmp.dir, 'nested', 'dir', 'c.p12');
    const r = await cli(['client-cert', 'create', '--out', out, '--json', '--key', 'ecdsa'], { DEVCERT_DOCTOR_HOME: home });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.pfx, out);
    assert.equal(j.cert, path.join(tmp.dir, 'nested', 'dir', 'c.pem'));
    assert.equal(j.key, path.join(tmp.dir, 'nested', 'dir', 'c-key.pem'));
    assert.match(j.sha1, /^[0-9A-F]{40}$/);
    assert.match(j.sha256, /^[0-9A-F]{64}$/);
    assert.equal(j.sha1, fingerprint('sha1', j.cert));
    assert.equal(j.subject, 'CN=devcert-doctor client');
    assert.ok(Math.abs(Date.parse(j.notAfter) - Date.now() - 365 * 86400_000) < 120_000);
    assert.equal(j.keyAlgorithm, 'ecdsa');
    const password = /PFX password \(shown once, stored nowhere\): (\S+)/.exec(r.stderr)?.[1];
    assert.ok(password && password.length >= 20, r.stderr);
    assert.match(r.stderr, /warning:/);
    assert.ok(!r.stdout.includes(password), 'password not in the JSON');
    openssl(['pkcs12', '-in', out, '-passin', `pass:${password}`, '-nokeys', '-out', path.join(tmp.dir, 'check.pem')]);
    assert.equal(new crypto.X509Certificate(fs.readFileSync(j.cert)).publicKey.asymmetricKeyType, 'ec');
  });

  it('--signed-by local-ca: chains to the local CA (created in the config dir), verified by openssl as an SSL client', async () => {
    const out = path.join(tmp.dir, 'ca-signed.pfx');
    const r = await cli(['client-cert', 'create', '--out', out, '--password-env', 'PW', '--signed-by', 'local-ca', '--json'], { PW: 'pw', DEVCERT_DOCTOR_HOME: home });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.signedBy, 'local-ca');
    assert.equal(j.createdCa, true);
    const caFile = path.join(home, 'ca', 'rootCA.pem');
    assert.match(openssl(['verify', '-CAfile', caFile, '-purpose', 'sslclient', j.cert]), /: OK/);
    assert.match(j.issuer, /DevCert Doctor local CA/);
    // The PFX carries the CA too, so a client can send the chain.
    const certs = openssl(['pkcs12', '-in', out, '-passin', 'pass:pw', '-nokeys']).match(/BEGIN CERTIFICATE/g) ?? [];
    assert.equal(certs.length, 2);
  });

  it('bad input exits 2 and writes nothing', async () => {
    const out = path.join(tmp.dir, 'x.pfx');
    const cases: [string[], RegExp][] = [
      [['--days', '0'], /--days must be between 1 and 3650/],
      [['--days', '4000'], /--days must be between 1 and 3650/],
      [['--days', 'ten'], /--days must be a whole number/],
      [['--signed-by', 'ca'], /--signed-by must be self or local-ca/],
      [['--key', 'dsa'], /--key must be rsa or ecdsa/],
      [['--cn', ''], /--cn must be 1-64/],
      [['--password-env', 'DEFINITELY_UNSET_VAR_42'], /DEFINITELY_UNSET_VAR_42 .*is not set/],
      [['--password', 'x'], /unknown option --password/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(['client-cert', 'create', '--out', out, ...args], { DEVCERT_DOCTOR_HOME: home });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    const r = await cli(['client-cert', 'create', '--out', path.join(tmp.dir, 'x.pem')], { DEVCERT_DOCTOR_HOME: home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out must name a \.pfx or \.p12 file/);
    assert.equal((await cli(['client-cert'], {})).code, 2);
    assert.equal((await cli(['client-cert', 'delete'], {})).code, 2);
    assert.deepEqual(fs.readdirSync(tmp.dir), []);
  });

  it('an unwritable destination exits 1 with the reason and writes nothing', async () => {
    const file = path.join(tmp.dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await cli(['client-cert', 'create', '--out', path.join(file, 'sub', 'c.pfx'), '--password-env', 'PW'], { PW: 'pw', DEVCERT_DOCTOR_HOME: home });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a-file is a file, not a folder; nothing was written/);
    assert.deepEqual(fs.readdirSync(tmp.dir), ['a-file']);
    assert.ok(!fs.existsSync(home), 'no CA or config written either');
  });

  it('never replaces an existing certificate unless --force (a server may pin it)', async () => {
    const out = path.join(tmp.dir, 'pinned.pfx');
    const env = { PW: 'pw', DEVCERT_DOCTOR_HOME: home };
    assert.equal((await cli(['client-cert', 'create', '--out', out, '--password-env', 'PW'], env)).code, 0);
    const before = fs.readFileSync(path.join(tmp.dir, 'pinned.pem'), 'utf8');
    const again = await cli(['client-cert', 'create', '--out', out, '--password-env', 'PW'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /pinned\.pfx already exists .*--force/);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'pinned.pem'), 'utf8'), before);
    const forced = await cli(['client-cert', 'create', '--out', out, '--password-env', 'PW', '--force'], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(fs.readFileSync(path.join(tmp.dir, 'pinned.pem'), 'utf8'), before);
  });

  it('--help documents every option', async () => {
    const r = await cli(['client-cert', 'create', '--help']);
    assert.equal(r.code, 0);
    for (const opt of ['--cn', '--days', '--out', '--password-env', '--signed-by', '--key', '--force', '--json']) assert.ok(r.stdout.includes(opt), opt);
  });
});

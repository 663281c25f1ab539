import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClientCertificateError, clientCertificateThumbprints, findClientCertificateConfig, loadClientCertificate, loadClientCertificateFromFlags, parseClientCertificateKey, resolveConfigPath, type ClientCertificateEntry } from '../../src/core/check/clientCertificateConfig';
import { makeClientCert } from '../helpers/clientCerts';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** Asserts the promise rejects with a ClientCertificateError of `reason` whose message matches `re`. */
async function rejectsWith(p: Promise<unknown>, reason: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClientCertificateError, `expected ClientCertificateError, got ${err}`);
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, re);
    return true;
  });
}

/** A getPassword that records who asked and answers from a table. */
function passwords(table: Record<string, string | undefined>) {
  const asked: string[] = [];
  return { asked, getPassword: async (label: string) => { asked.push(label); return table[label]; } };
}

describe('client certificate settings: which entry applies to an endpoint', () => {
  const map: Record<string, ClientCertificateEntry | undefined> = {
    'localhost:5001': { pfx: 'a.pfx' },
    'api.test': { pfx: 'host-only.pfx' },
    'api.test:8443': { pfx: 'port.pfx' },
    '[::1]:7001': { pfx: 'v6.pfx' },
    '127.0.0.1': { pfx: 'loopback-any-port.pfx' },
    'broken:entry:x': { pfx: 'never.pfx' },
    'null-entry:1': undefined,
  };

  it('host:port first, then host alone; a port-specific entry wins over the host-wide one', () => {
    assert.equal(findClientCertificateConfig(map, 'api.test', 8443)?.entry.pfx, 'port.pfx');
    assert.equal(findClientCertificateConfig(map, 'API.Test', 9000)?.entry.pfx, 'host-only.pfx');
    assert.equal(findClientCertificateConfig(map, 'api.test', 9000)?.key, 'api.test');
  });

  it('loopback spellings reach each other (localhost, 127.0.0.1, [::1]); other hosts do not', () => {
    assert.equal(findClientCertificateConfig(map, '127.0.0.1', 5001)?.entry.pfx, 'a.pfx');
    assert.equal(findClientCertificateConfig(map, '[::1]', 5001)?.entry.pfx, 'a.pfx');
    assert.equal(findClientCertificateConfig(map, 'localhost', 7001)?.entry.pfx, 'v6.pfx');
    // No port-specific entry for any loopback spelling: the host-wide loopback entry.
    assert.equal(findClientCertificateConfig(map, 'localhost', 1234)?.entry.pfx, 'loopback-any-port.pfx');
    assert.equal(findClientCertificateConfig(map, 'example.com', 5001), undefined);
    assert.equal(findClientCertificateConfig(undefined, 'localhost', 5001), undefined);
    assert.equal(findClientCertificateConfig({ 'null-entry:1': undefined }, 'null-entry', 1), undefined);
  });

  it('parses the key shapes people write', () => {
    assert.deepEqual(parseClientCertificateKey('localhost:5001'), { host: 'localhost', port: 5001 });
    assert.deepEqual(parseClientCertificateKey('[::1]:443'), { host: '::1', port: 443 });
    assert.deepEqual(parseClientCertificateKey('[::1]'), { host: '::1', port: undefined });
    assert.deepEqual(parseClientCertificateKey('::1'), { host: '::1' });
    assert.deepEqual(parseClientCertificateKey('Api.Test'), { host: 'api.test' });
    assert.equal(parseClientCertificateKey('host:port'), undefined);
    assert.equal(parseClientCertificateKey('a b:1'), undefined);
  });

  it('resolves ~, ${workspaceFolder} and relative paths against the folder', () => {
    assert.equal(resolveConfigPath('certs/c.pfx', '/ws'), path.resolve('/ws/certs/c.pfx'));
    assert.equal(resolveConfigPath('${workspaceFolder}/c.pfx', '/ws'), path.resolve('/ws/c.pfx'));
    assert.equal(resolveConfigPath('~/c.pfx', '/ws', '/home/me'), path.resolve('/home/me/c.pfx'));
    assert.equal(resolveConfigPath('~', '/ws', '/home/me'), path.resolve('/home/me'));
    assert.equal(resolveConfigPath('~other/c.pfx', '/ws', '/home/me'), path.resolve('/ws/~other/c.pfx'));
    assert.equal(resolveConfigPath('/abs/c.pfx', '/ws'), path.resolve('/abs/c.pfx'));
  });
});

describe('client certificate settings: loading the files', function () {
  this.timeout(30000);
  let tmp: ReturnType<typeof makeTempDir>;
  let dir: string;
  let ca: CertFiles;
  let client: CertFiles;
  const sha1Of = (pem: string) => new crypto.X509Certificate(pem).fingerprint.replace(/:/g, '');

  before(() => {
    tmp = makeTempDir('client-cert-config-');
    dir = tmp.dir;
    ca = makeCert(dir, 'ca', { ca: true });
    client = makeClientCert(dir, 'client', { issuer: ca });
    const pkcs12 = (out: string, pass: string, extra: string[] = []) =>
      openssl(['pkcs12', '-export', '-in', client.cert, '-inkey', client.key, '-out', out, '-passout', `pass:${pass}`, ...extra], dir);
    pkcs12('modern.pfx', 'pw');
    pkcs12('legacy.pfx', 'pw', ['-legacy']);
    pkcs12('nopass.p12', '');
    pkcs12('chain.pfx', 'pw', ['-certfile', ca.cert]);
    openssl(['pkey', '-in', client.key, '-out', 'encrypted.key', '-aes256', '-passout', 'pass:kpw'], dir);
    openssl(['x509', '-in', client.cert, '-outform', 'DER', '-out', 'client.der'], dir);
    fs.writeFileSync(path.join(dir, 'combined.pem'), client.certPem + client.keyPem);
    fs.writeFileSync(path.join(dir, 'not-a-cert.pfx'), 'hello');
  });
  after(() => tmp.cleanup());

  /** The loaded key belongs to the loaded certificate, and the leaf is the client certificate. */
  function assertUsable(input: { cert?: string | Buffer; key?: string | Buffer; pfx?: Buffer }): void {
    assert.equal(input.pfx, undefined, 'PFX is converted to PEM');
    const x = new crypto.X509Certificate(input.cert!);
    assert.equal(x.fingerprint.replace(/:/g, ''), sha1Of(client.certPem));
    assert.ok(x.checkPrivateKey(crypto.createPrivateKey(input.key!)), 'key matches the certificate');
  }

  it('a password-protected PFX: asks once, with the absolute path as label, and loads cert + key', async () => {
    const pw = passwords({ [path.join(dir, 'modern.pfx')]: 'pw' });
    const input = await loadClientCertificate({ pfx: 'modern.pfx' }, { baseDir: dir, getPassword: pw.getPassword });
    assertUsable(input);
    assert.deepEqual(pw.asked, [path.join(dir, 'modern.pfx')]);
    assert.equal(input.label, path.join(dir, 'modern.pfx'));
    assert.equal(clientCertificateThumbprints(input)?.sha1, sha1Of(client.certPem));
  });

  it('a legacy (RC2/3DES) PFX that Node 20 cannot open itself still loads', async () => {
    const pw = passwords({ [path.join(dir, 'legacy.pfx')]: 'pw' });
    assertUsable(await loadClientCertificate({ pfx: 'legacy.pfx' }, { baseDir: dir, getPassword: pw.getPassword }));
  });

  it('a PFX without a password never asks for one', async () => {
    const pw = passwords({});
    assertUsable(await loadClientCertificate({ pfx: 'nopass.p12' }, { baseDir: dir, getPassword: pw.getPassword }));
    assert.deepEqual(pw.asked, []);
  });

  it('a PFX with its CA: leaf first, then the CA (so the chain can be sent)', async () => {
    const input = await loadClientCertificate({ pfx: path.join(dir, 'chain.pfx') }, { baseDir: '/elsewhere', getPassword: async () => 'pw' });
    assertUsable(input);
    const blocks = String(input.cert).match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    assert.equal(blocks.length, 2);
    assert.ok(String(input.cert).indexOf(client.certPem.trim().split('\n')[1]) < String(input.cert).indexOf(ca.certPem.trim().split('\n')[1]));
  });

  it('a wrong password: a clear error naming the file', async () => {
    const file = path.join(dir, 'modern.pfx');
    await rejectsWith(loadClientCertificate({ pfx: 'modern.pfx' }, { baseDir: dir, getPassword: async () => 'nope' }),
      'wrong-password', new RegExp(`wrong password for ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it('no password known (background check): password-required, so a caller can skip quietly', async () => {
    await rejectsWith(loadClientCertificate({ pfx: 'modern.pfx' }, { baseDir: dir, getPassword: async () => undefined }),
      'password-required', /modern\.pfx is protected by a password/);
  });

  it('PEM cert + key, relative to the folder; DER certificate too', async () => {
    const pw = passwords({});
    assertUsable(await loadClientCertificate({ cert: 'client.pem', key: 'client.key' }, { baseDir: dir, getPassword: pw.getPassword }));
    assertUsable(await loadClientCertificate({ cert: 'client.der', key: 'client.key' }, { baseDir: dir, getPassword: pw.getPassword }));
    assert.deepEqual(pw.asked, []);
  });

  it('one PEM holding both certificate and key needs no "key"', async () => {
    assertUsable(await loadClientCertificate({ cert: 'combined.pem' }, { baseDir: dir, getPassword: async () => undefined }));
  });

  it('an encrypted key: the password is asked for the key file; a wrong one names the key file', async () => {
    const keyFile = path.join(dir, 'encrypted.key');
    const pw = passwords({ [keyFile]: 'kpw' });
    assertUsable(await loadClientCertificate({ cert: 'client.pem', key: 'encrypted.key' }, { baseDir: dir, getPassword: pw.getPassword }));
    assert.deepEqual(pw.asked, [keyFile]);
    await rejectsWith(loadClientCertificate({ cert: 'client.pem', key: 'encrypted.key' }, { baseDir: dir, getPassword: async () => 'bad' }),
      'wrong-password', /encrypted\.key/);
  });

  it('~ is the home folder', async () => {
    assertUsable(await loadClientCertificate({ pfx: '~/nopass.p12' }, { baseDir: '/nowhere', homeDir: dir, getPassword: async () => undefined }));
  });

  it('a certificate without its key, a missing file, a file that is no certificate: each says which', async () => {
    const none = { baseDir: dir, getPassword: async () => undefined };
    await rejectsWith(loadClientCertificate({ cert: 'client.pem' }, none), 'no-private-key', /client\.pem holds no private key/);
    await rejectsWith(loadClientCertificate({ pfx: 'missing.pfx' }, none), 'file-not-found', new RegExp(`${path.basename(dir)}/missing\\.pfx does not exist`));
    await rejectsWith(loadClientCertificate({ cert: 'client.pem', key: 'missing.key' }, none), 'file-not-found', /missing\.key/);
    await rejectsWith(loadClientCertificate({ pfx: 'not-a-cert.pfx' }, none), 'unreadable', /not-a-cert\.pfx/);
    await rejectsWith(loadClientCertificate({ pfx: '.' }, none), 'unreadable', /is a folder/);
  });

  it('refuses a password in settings before reading anything, and malformed entries', async () => {
    const pw = passwords({});
    const withPass = { pfx: 'modern.pfx', passphrase: 'pw' } as unknown as ClientCertificateEntry;
    await rejectsWith(loadClientCertificate(withPass, { baseDir: dir, getPassword: pw.getPassword }), 'password-in-settings', /does not belong in settings/);
    assert.deepEqual(pw.asked, []);
    await rejectsWith(loadClientCertificate({ pfx: 'a.pfx', cert: 'b.pem' }, { baseDir: dir, getPassword: pw.getPassword }), 'invalid-config', /either "pfx" or "cert"/);
    await rejectsWith(loadClientCertificate({ key: 'client.key' }, { baseDir: dir, getPassword: pw.getPassword }), 'invalid-config', /"key" needs "cert"/);
    await rejectsWith(loadClientCertificate({}, { baseDir: dir, getPassword: pw.getPassword }), 'invalid-config', /give "pfx" or "cert"/);
    await rejectsWith(loadClientCertificate({ pfx: 42 } as unknown as ClientCertificateEntry, { baseDir: dir, getPassword: pw.getPassword }), 'invalid-config', /must be a file path/);
  });

  it('the CLI flags go through the same loader: password from the named variable, never argv', async () => {
    const env = { MY_PFX_PW: 'pw' };
    assertUsable(await loadClientCertificateFromFlags({ clientCert: 'modern.pfx', passwordEnv: 'MY_PFX_PW' }, { cwd: dir, env }));
    assertUsable(await loadClientCertificateFromFlags({ clientCert: 'client.pem', clientKey: 'encrypted.key', passwordEnv: 'K' }, { cwd: dir, env: { K: 'kpw' } }));
    await rejectsWith(loadClientCertificateFromFlags({ clientCert: 'modern.pfx', passwordEnv: 'UNSET_VAR' }, { cwd: dir, env: {} }),
      'password-required', /UNSET_VAR .*is not set/);
    await rejectsWith(loadClientCertificateFromFlags({ clientCert: 'modern.pfx' }, { cwd: dir, env: {} }),
      'password-required', /protected by a password/);
  });
});

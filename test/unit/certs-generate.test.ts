import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateCertificate, writeCertificateFiles } from '../../src/core/certs/generate';
import { readCertificateFile, certificateRef, toPfx } from '../../src/core/certs/formats';
import { ASPNETCORE_DEV_CERT_VERSION } from '../../src/core/certs/profiles';
import { loadLocalCa } from '../../src/core/certs/localCa';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const text = (file: string) => execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
/** `openssl pkcs12 -info` prints the algorithms on stderr and the contents on stdout: both, in one text. */
const pkcs12Info = (file: string, password: string, ...more: string[]) => {
  const r = spawnSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-info', ...more], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return `${r.stderr}\n${r.stdout}`;
};
const verify = (ca: string, file: string) => execFileSync('openssl', ['verify', '-CAfile', ca, file], { encoding: 'utf8' });

describe('certificate generation (checked with the openssl binary)', function () {
  this.timeout(20000);
  let tmp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => { tmp = makeTempDir(); env = { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'home') }; });
  afterEach(() => tmp.cleanup());

  it('aspnetcore: CN=localhost, the SANs, serverAuth, the dev-cert marker, critical keyUsage, CA:FALSE, 365 days', async () => {
    const g = await generateCertificate({ profile: 'aspnetcore', env });
    const w = writeCertificateFiles(g, tmp.dir, 'aspnet', ['pem']);
    const t = text(w.cert!);
    assert.match(t, /Subject: CN ?= ?localhost/);
    assert.match(t, /Issuer: CN ?= ?localhost/);
    assert.match(t, /DNS:localhost, DNS:\*\.dev\.localhost/);
    assert.match(t, /IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
    assert.match(t, /Extended Key Usage: critical\s+TLS Web Server Authentication/);
    assert.match(t, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
    assert.match(t, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(t, /1\.3\.6\.1\.4\.1\.311\.84\.1\.1:/);
    assert.match(t, /Public-Key: \(2048 bit\)/);
    const x = new crypto.X509Certificate(g.certPem);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400_000;
    assert.ok(Math.abs(days - 365) < 0.01, `validity ${days} days`);
    // The marker's value is one byte: the version.
    const der = x.raw;
    const oid = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x54, 0x01, 0x01]);
    const at = der.indexOf(oid);
    assert.ok(at > 0);
    assert.deepEqual([...der.subarray(at + oid.length, at + oid.length + 3)], [0x04, 0x01, ASPNETCORE_DEV_CERT_VERSION]);
    assert.match(verify(w.cert!, w.cert!), /OK/);
  });

  it('local-ca: a CA created once (key 0600) and reused; leaves verify against it; ECDSA on request', async () => {
    const a = await generateCertificate({ profile: 'local-ca', env });
    const b = await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env });
    assert.equal(a.createdCa, true);
    assert.equal(b.createdCa, false);
    const ca = loadLocalCa(env)!;
    assert.equal(fs.statSync(ca.keyFile).mode & 0o777, 0o600);
    assert.equal(a.trustAnchor.sha1, b.trustAnchor.sha1);
    const w = writeCertificateFiles(b, tmp.dir, 'leaf', ['pem']);
    assert.match(verify(ca.certFile, w.cert!), /OK/);
    assert.match(text(w.cert!), /id-ecPublicKey[\s\S]*prime256v1/);
    assert.match(text(ca.certFile), /CA:TRUE/);
    assert.equal(fs.statSync(w.key!).mode & 0o777, 0o600);
  });

  it('client: clientAuth EKU, CN from the caller, self-signed or by the local CA', async () => {
    const self = await generateCertificate({ profile: 'client', cn: 'api-caller', env });
    const t = text(writeCertificateFiles(self, tmp.dir, 'c1', ['pem']).cert!);
    assert.match(t, /Subject: CN ?= ?api-caller/);
    assert.match(t, /TLS Web Client Authentication/);
    const signed = await generateCertificate({ profile: 'client', cn: 'api-caller', signWithLocalCa: true, env });
    assert.match(verify(loadLocalCa(env)!.certFile, writeCertificateFiles(signed, tmp.dir, 'c2', ['pem']).cert!), /OK/);
  });

  it('iisexpress: PFX carries the friendly name, openssl reads it with the password', async () => {
    const g = await generateCertificate({ profile: 'iisexpress', env });
    const w = writeCertificateFiles(g, tmp.dir, 'iis', ['pfx', 'cer'], 'p@ss word');
    const info = execFileSync('openssl', ['pkcs12', '-in', w.pfx!, '-passin', 'pass:p@ss word', '-nokeys', '-info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(info, /friendlyName: IIS Express Development Certificate/);
    const back = readCertificateFile(w.pfx!, { password: 'p@ss word' });
    assert.ok(back.certDer.equals(g.certDer));
    assert.ok(back.key && new crypto.X509Certificate(back.certDer).checkPrivateKey(back.key));
    assert.ok(readCertificateFile(w.cer!).certDer.equals(g.certDer));
    assert.equal(fs.statSync(w.pfx!).mode & 0o777, 0o600);
  });

  it('the PFX for Windows imports: 3DES key (pbeWithSHA1And3-KeyTripleDES-CBC) and SHA-1 MAC, read by openssl and by our reader', async () => {
    // OpenSSL 3.0 here reads this profile without -legacy (3DES and the PKCS#12 KDF are in its default provider).
    for (const key of ['rsa', 'ecdsa'] as const) {
      const g = await generateCertificate({ profile: 'iisexpress', key, env });
      const file = path.join(tmp.dir, `win-${key}.pfx`);
      const password = 'pä ss/Ω';
      fs.writeFileSync(file, toPfx({ certDer: g.certDer, key: g.key, password, friendlyName: g.friendlyName, encryption: '3des-sha1' }));
      const info = pkcs12Info(file, password, '-nodes');
      assert.match(info, /^MAC: sha1, Iteration 2048$/m);
      assert.match(info, /^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$/m);
      assert.doesNotMatch(info, /PBES2|AES/);
      assert.match(info, /friendlyName: IIS Express Development Certificate/);
      // The key openssl decrypted belongs to the certificate (a wrong key derivation decrypts to garbage or fails).
      const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(info)![0];
      assert.ok(new crypto.X509Certificate(g.certDer).checkPrivateKey(crypto.createPrivateKey(keyPem)));
      const back = readCertificateFile(file, { password });
      assert.ok(back.certDer.equals(g.certDer));
      assert.throws(() => execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-info', '-nodes'], { stdio: 'pipe' }));
    }
    // The default stays the modern profile (files people keep: Kestrel, exports).
    const g = await generateCertificate({ profile: 'iisexpress', env });
    const modern = path.join(tmp.dir, 'modern.pfx');
    fs.writeFileSync(modern, toPfx({ certDer: g.certDer, key: g.key, password: 'pw' }));
    assert.match(pkcs12Info(modern, 'pw', '-nokeys'), /^MAC: sha256, Iteration 2048$/m);
    assert.match(pkcs12Info(modern, 'pw', '-nokeys'),
      /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
  });

  it('reads a PFX made by openssl (ECDSA key) and says "wrong password for FILE" on a bad password', async () => {
    const c = makeCert(tmp.dir, 'o');
    const pfx = path.join(tmp.dir, 'o.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', c.cert, '-inkey', c.key, '-out', pfx, '-passout', 'pass:right']);
    const b = readCertificateFile(pfx, { password: 'right' });
    assert.equal(certificateRef(b.certDer).sha1, certificateRef(c.certPem).sha1);
    assert.throws(() => readCertificateFile(pfx, { password: 'wrong' }), { message: `wrong password for ${pfx}` });
    const ec = await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env });
    const w = writeCertificateFiles(ec, tmp.dir, 'ec', ['pfx'], 'pw');
    assert.ok(readCertificateFile(w.pfx!, { password: 'pw' }).key);
    assert.throws(() => readCertificateFile(w.pfx!, { password: 'nope' }), /wrong password for/);
  });

  it('corrupt PEM and non-certificates are clear errors', () => {
    const bad = path.join(tmp.dir, 'bad.pem');
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n');
    assert.throws(() => readCertificateFile(bad), { message: `corrupt PEM in ${bad}: the CERTIFICATE block is not valid base64` });
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.throws(() => readCertificateFile(bad), new RegExp(`corrupt certificate in ${bad}`));
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nMIIB\n');
    assert.throws(() => readCertificateFile(bad), /without its matching END/);
    fs.writeFileSync(bad, 'hello');
    assert.throws(() => readCertificateFile(bad), /is not a certificate/);
  });

  it('an unwritable target directory is a clear error and leaves no partial files', async () => {
    const g = await generateCertificate({ profile: 'local-ca', key: 'ecdsa', env });
    const blocker = path.join(tmp.dir, 'blocker');
    fs.writeFileSync(blocker, '');
    assert.throws(() => writeCertificateFiles(g, path.join(blocker, 'out'), 'x', ['pem']), /cannot write .*: a parent of it is not a folder/);
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['blocker', 'home']);
  });
});

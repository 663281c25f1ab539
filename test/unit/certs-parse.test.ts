import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { certificatesIn, CertParseError, formatName, inspectCertificate, parseCertificate, pemToDer } from '../../src/core/certs/parse';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

function fingerprint(file: string, alg: 'sha1' | 'sha256'): string {
  const out = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', `-${alg}`], { encoding: 'utf8' });
  return out.split('=')[1].trim().replace(/:/g, '');
}

describe('certs/parse', function () {
  this.timeout(20000);
  const tmp = makeTempDir('devcert-parse-');
  after(() => tmp.cleanup());

  it('summarises an RSA leaf: names, SANs, thumbprints as Windows shows them, key, signature, EKU', () => {
    const c = makeCert(tmp.dir, 'leaf', { org: 'Acme Dev', san: 'DNS:localhost,DNS:*.app.localhost,IP:127.0.0.1,IP:::1' });
    const s = parseCertificate(c.certPem);
    assert.equal(s.subject, 'CN=localhost, O=Acme Dev');
    assert.equal(s.issuer, 'CN=localhost, O=Acme Dev');
    assert.deepEqual(s.san, ['localhost', '*.app.localhost', '127.0.0.1', '::1']);
    assert.equal(s.sha1, fingerprint(c.cert, 'sha1'));
    assert.equal(s.sha256, fingerprint(c.cert, 'sha256'));
    assert.match(s.sha1, /^[0-9A-F]{40}$/);
    assert.equal(s.keyType, 'rsa');
    assert.equal(s.keySize, 2048);
    assert.equal(s.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(s.selfSigned, true);
    assert.equal(s.isCa, false);
    assert.equal(s.isAspNetCoreDevCert, false);
    assert.deepEqual(s.extendedKeyUsage, ['serverAuth']);
    const days = (Date.parse(s.notAfter) - Date.parse(s.notBefore)) / 86_400_000;
    assert.equal(Math.round(days), 30);
  });

  it('reads the ASP.NET Core development certificate marker and its version byte', () => {
    const c = makeCert(tmp.dir, 'aspnet', { extensions: ['1.3.6.1.4.1.311.84.1.1=DER:02'] });
    const s = parseCertificate(readFileSync(c.cert));
    assert.equal(s.isAspNetCoreDevCert, true);
    assert.equal(s.aspNetCoreDevCertVersion, 2);
  });

  it('names the signature algorithm (SHA-1) and reads EC keys', () => {
    assert.equal(parseCertificate(makeCert(tmp.dir, 'sha1', { digest: 'sha1' }).certPem).signatureAlgorithm, 'sha1WithRSAEncryption');
    const key = path.join(tmp.dir, 'ec.key');
    const cert = path.join(tmp.dir, 'ec.pem');
    execFileSync('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-out', key]);
    execFileSync('openssl', ['req', '-x509', '-key', key, '-out', cert, '-days', '2', '-subj', '/CN=ec', '-sha384']);
    const s = parseCertificate(readFileSync(cert, 'utf8'));
    assert.equal(s.keyType, 'ec');
    assert.equal(s.keySize, 256);
    assert.equal(s.signatureAlgorithm, 'ecdsa-with-SHA384');
    assert.deepEqual(s.san, []);
  });

  it('issuer and subject of a CA-signed leaf differ; DER and PEM give the same summary', () => {
    const ca = makeCert(tmp.dir, 'ca', { ca: true, org: 'Acme Dev', cn: 'Acme Root' });
    const leaf = makeCert(tmp.dir, 'signed', { issuer: ca });
    const fromPem = parseCertificate(leaf.certPem);
    const fromDer = parseCertificate(pemToDer(leaf.certPem)[0]);
    assert.deepEqual(fromPem, fromDer);
    assert.equal(fromPem.issuer, 'CN=Acme Root, O=Acme Dev');
    assert.equal(fromPem.selfSigned, false);
    assert.equal(parseCertificate(ca.certPem).isCa, true);
    assert.equal(formatName(inspectCertificate(pemToDer(leaf.certPem)[0]).issuerDer), 'CN=Acme Root, O=Acme Dev');
  });

  it('finds every certificate in a bundle and refuses garbage with a CertParseError', () => {
    const a = makeCert(tmp.dir, 'a');
    const b = makeCert(tmp.dir, 'b');
    const bundle = path.join(tmp.dir, 'bundle.pem');
    writeFileSync(bundle, `junk\n${a.certPem}${a.keyPem}${b.certPem}`);
    assert.equal(certificatesIn(readFileSync(bundle, 'utf8')).length, 2);
    assert.throws(() => parseCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])), CertParseError);
    assert.throws(() => parseCertificate('no certificate here'), CertParseError);
  });
});

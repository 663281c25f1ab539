import * as assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { CertificateText } from '../../src/core/certs/certificateText';
import { inspectCertificate, pemToDer } from '../../src/core/certs/parse';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

/** What a full decode finds: every certificate of the text whose subject is `nameDer`. */
const bySubjectBruteForce = (pem: string, nameDer: Buffer) =>
  pemToDer(pem).map(der => inspectCertificate(der)).filter(c => c.subjectDer.equals(nameDer)).map(c => c.summary.sha256);
const bySubject = (text: CertificateText, nameDer: Buffer) =>
  text.find(nameDer).map(c => inspectCertificate(c.der)).filter(c => c.subjectDer.equals(nameDer)).map(c => c.summary.sha256);

describe('CertificateText: a bundle searched by name without decoding every block', () => {
  const tmp = makeTempDir('devcert-certtext-');
  after(() => tmp.cleanup());

  it('finds exactly what a full decode finds, for every root Node ships (names at every base64 alignment)', () => {
    const pem = tls.rootCertificates.join('\n');
    const text = new CertificateText(Buffer.from(pem));
    const roots = pemToDer(pem).map(der => inspectCertificate(der));
    const offsets = new Set<number>();
    for (const root of roots) {
      offsets.add(root.der.indexOf(root.subjectDer) % 3);
      assert.deepEqual(bySubject(text, root.subjectDer), bySubjectBruteForce(pem, root.subjectDer), root.summary.subject);
    }
    assert.deepEqual([...offsets].sort(), [0, 1, 2], 'the roots put their subject at each of the three offsets');
  });

  it('reads PEM wrapped at any width, CRLF, TRUSTED CERTIFICATE blocks, and skips keys and unreadable blocks (told once)', () => {
    const ca = makeCert(tmp.dir, 'ca', { ca: true, cn: 'Text Search Root', days: 30 });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: ca, cn: 'localhost', days: 30 });
    const caDer = pemToDer(ca.certPem)[0];
    const rewrap = (der: Buffer, label: string, width: number, eol: string) =>
      `-----BEGIN ${label}-----${eol}${der.toString('base64').match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol)}${eol}-----END ${label}-----${eol}`;
    const broken = '-----BEGIN CERTIFICATE-----\nMIIBroken' + caDer.subarray(0, 40).toString('base64') + '\n-----END CERTIFICATE-----\n';
    const told: string[] = [];
    const text = new CertificateText(Buffer.from(
      leaf.keyPem + broken + rewrap(caDer, 'TRUSTED CERTIFICATE', 76, '\r\n') + leaf.certPem.replace(/\n/g, '\r\n')), m => told.push(m));
    const caName = inspectCertificate(caDer).subjectDer;
    const found = text.find(caName).map(c => c.sha256);
    assert.equal(found.length, 2, 'the CA (its subject) and the leaf (its issuer) contain the name');
    assert.ok(found.includes(inspectCertificate(caDer).summary.sha256));
    assert.equal(text.all().length, 2, 'the key and the unreadable block are not certificates');
    text.all();
    assert.equal(told.length, 1, 'the unreadable block is told about once');
  });

  it('Node\'s roots given as text (as the anchors do) answer as their bytes do', () => {
    const pem = tls.rootCertificates.join('\n');
    const asText = new CertificateText(pem);
    const asBytes = new CertificateText(Buffer.from(pem));
    for (const der of pemToDer(pem).slice(0, 40)) {
      const name = inspectCertificate(der).subjectDer;
      assert.deepEqual(asText.find(name).map(c => c.sha256), asBytes.find(name).map(c => c.sha256));
    }
    assert.equal(asText.all().length, tls.rootCertificates.length);
  });

  it('whitespace other than line breaks and spaces (tabs, form and line feeds, vertical tabs) is removed too', () => {
    const ca = makeCert(tmp.dir, 'wsca', { ca: true, cn: 'Whitespace Root', days: 30 });
    const der = pemToDer(ca.certPem)[0];
    const lines = der.toString('base64').match(/.{1,64}/g)!;
    const odd = `-----BEGIN CERTIFICATE-----\n${lines.map((l, i) => (i % 2 ? `\t${l}\f` : `${l}\v `)).join('\r\n')}\n-----END  CERTIFICATE-----\n`;
    const name = inspectCertificate(der).subjectDer;
    assert.deepEqual(new CertificateText(Buffer.from(odd)).find(name).map(c => c.sha256), [inspectCertificate(der).summary.sha256]);
  });

  it('a DER file and a name too short to search for are answered by decoding (still exact)', () => {
    const ca = makeCert(tmp.dir, 'derca', { ca: true, cn: 'D', days: 30 });
    const der = pemToDer(ca.certPem)[0];
    const name = inspectCertificate(der).subjectDer;
    assert.equal(new CertificateText(der).find(name).length, 1);
    assert.equal(new CertificateText(Buffer.from(ca.certPem)).find(name.subarray(name.length - 4)).length, 1, 'a 4-byte needle');
    assert.deepEqual(new CertificateText(Buffer.from(ca.certPem)).find(Buffer.from('absent name bytes, long enough')), []);
  });
});

import * as assert from 'node:assert/strict';
import { parseCertificateRequest, ServerFlightReader } from '../../src/core/probe/serverFlight';
import { serverHandshakeSecretFrom } from '../../src/core/probe/tls13';

// DER of the Name "CN=Test CA" (SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "Test CA" } } }).
const NAME = Buffer.from('3012311030 0e06035504030c0754657374204341'.replace(/ /g, ''), 'hex');
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const record = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 3]), u16(body.length), body]);
const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);

describe('probe: reading the server flight', () => {
  it('says "not TLS" from the first bytes of an HTTP answer', () => {
    const r = new ServerFlightReader();
    r.feed(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    assert.equal(r.notTls, true);
  });

  it('does not decide on a partial TLS record header', () => {
    const r = new ServerFlightReader();
    r.feed(Buffer.from([22, 3]));
    assert.equal(r.notTls, false);
  });

  it('reads a TLS 1.2 CertificateRequest split across records, with its certificate_authorities', () => {
    const names = Buffer.concat([u16(NAME.length), NAME]);
    const body = Buffer.concat([Buffer.from([1, 1]), u16(2), Buffer.from([4, 1]), u16(names.length), names]);
    const msg = handshake(13, body);
    const r = new ServerFlightReader();
    const bytes = Buffer.concat([record(22, msg.subarray(0, 5)), record(22, msg.subarray(5))]);
    for (const b of bytes) r.feed(Buffer.from([b])); // one byte at a time: framing must not matter
    assert.equal(r.certificateRequested, true);
    assert.deepEqual(r.acceptableIssuers, ['CN=Test CA']);
  });

  it('reads TLS 1.3 certificate_authorities from the CertificateRequest extensions', () => {
    const names = Buffer.concat([u16(NAME.length), NAME]);
    const ext = Buffer.concat([u16(47), u16(names.length + 2), u16(names.length), names]);
    const body = Buffer.concat([Buffer.from([0]), u16(ext.length), ext]);
    assert.deepEqual(parseCertificateRequest(body, true), ['CN=Test CA']);
  });

  it('records a plaintext alert', () => {
    const r = new ServerFlightReader();
    r.feed(record(21, Buffer.from([2, 40])));
    assert.deepEqual(r.alert, { level: 2, description: 40 });
  });

  it('takes only the server handshake secret from keylog lines', () => {
    assert.equal(serverHandshakeSecretFrom('CLIENT_HANDSHAKE_TRAFFIC_SECRET aa bb\n'), undefined);
    assert.deepEqual(serverHandshakeSecretFrom('SERVER_HANDSHAKE_TRAFFIC_SECRET aabb 0102ff\n'), Buffer.from([1, 2, 255]));
  });
});

/**
 * Reads the bytes a server sends during the handshake, as they come off the wire, so the probe knows
 * what the server itself said rather than what OpenSSL made of it: whether it speaks TLS at all, the
 * chain exactly as sent (TLS ≤ 1.2: the Certificate message is plaintext), the CertificateRequest and
 * its acceptable issuers, and alerts. TLS 1.3 encrypts everything after ServerHello; those records are
 * kept for `tls13.ts`, which decrypts them with the handshake secret from Node's keylog.
 */
import { formatName } from '../certs';

export const HANDSHAKE = { serverHello: 2, encryptedExtensions: 8, certificate: 11, serverKeyExchange: 12, certificateRequest: 13, serverHelloDone: 14, certificateVerify: 15, finished: 20 } as const;

// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export interface ServerHelloInfo { version: number; cipherSuite: number; tls13: boolean }

/** One TLS 1.3 record exactly as received (header included: it is the AEAD additional data). */
export interface SealedRecord { header: Buffer; payload: Buffer }

export class ServerFlightReader {
  /** Bytes received in total. */
  received = 0;
  /** The first bytes are not a TLS record: an HTTP server or another protocol. */
  notTls = false;
  /** The first bytes, for the message ("HTTP/1.1 400 ..."). */
  firstBytes?: Buffer;
  serverHello?: ServerHelloInfo;
  /** Leaf first, as sent (TLS ≤ 1.2 only; TLS 1.3 comes from `tls13.ts`). */
  chain?: Buffer[];
  certificateRequested = false;
  acceptableIssuers?: string[];
  /** A plaintext alert from the server (before encryption started). */
  alert?: { level: number; description: number };
  /** TLS 1.3: records after ServerHello, still encrypted. */
  readonly sealed: SealedRecord[] = [];

  private pending: Buffer = Buffer.alloc(0);
  private handshakeBytes: Buffer = Buffer.alloc(0);
  private encrypted = false;
  private done = false;
  private static readonly MAX_PENDING = 1 << 20;

  feed(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.done) return;
    if (!this.firstBytes) this.firstBytes = chunk.subarray(0, 64);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.pending.length > ServerFlightReader.MAX_PENDING) { this.done = true; return; }
    try { this.parseRecords(); } catch { this.done = true; }
  }

  private parseRecords(): void {
    while (this.pending.length >= 5) {
      const type = this.pending[0];
      const major = this.pending[1];
      const length = this.pending.readUInt16BE(3);
      if (type < 20 || type > 23 || major !== 3 || length > 18432) {
        // Only the very first bytes decide "not TLS"; garbage later is a broken peer, OpenSSL reports it.
        if (this.received === this.pending.length) this.notTls = true;
        this.done = true;
        return;
      }
      if (this.pending.length < 5 + length) return;
      const header = this.pending.subarray(0, 5);
      const payload = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      this.onRecord(type, header, payload);
      if (this.done) return;
    }
  }

  private onRecord(type: number, header: Buffer, payload: Buffer): void {
    if (type === 20) { // ChangeCipherSpec: TLS ≤ 1.2 encrypts from here; in TLS 1.3 it is a no-op.
      if (!this.serverHello?.tls13) { this.encrypted = true; this.done = true; }
      return;
    }
    if (type === 21 && !this.encrypted && payload.length >= 2) {
      this.alert = { level: payload[0], description: payload[1] };
      return;
    }
    if (type === 23) {
      if (this.serverHello?.tls13 && this.sealed.length < 64) this.sealed.push({ header: Buffer.from(header), payload: Buffer.from(payload) });
      return;
    }
    if (type === 22 && !this.encrypted) {
      const { messages, rest } = splitHandshakeMessages(Buffer.concat([this.handshakeBytes, payload]));
      this.handshakeBytes = rest;
      for (const msg of messages) this.onHandshake(msg.type, msg.body);
    }
  }

  private onHandshake(type: number, body: Buffer): void {
    switch (type) {
      case HANDSHAKE.serverHello: {
        const hello = parseServerHello(body);
        if (hello) this.serverHello = hello;
        break;
      }
      case HANDSHAKE.certificate: this.chain = parseCertificateMessage(body, false); break;
      case HANDSHAKE.certificateRequest: {
        this.certificateRequested = true;
        this.acceptableIssuers = parseCertificateRequest(body, false);
        break;
      }
      default: break;
    }
  }
}

/** Split a decrypted or plaintext handshake stream into messages. */
export function splitHandshakeMessages(stream: Buffer): { messages: { type: number; body: Buffer }[]; rest: Buffer } {
  const messages: { type: number; body: Buffer }[] = [];
  let p = 0;
  while (p + 4 <= stream.length) {
    const len = stream.readUIntBE(p + 1, 3);
    if (p + 4 + len > stream.length) break;
    messages.push({ type: stream[p], body: stream.subarray(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return { messages, rest: stream.subarray(p) };
}

function parseServerHello(body: Buffer): ServerHelloInfo | undefined {
  let p = 0;
  const legacyVersion = body.readUInt16BE(p); p += 2;
  const random = body.subarray(p, p + 32); p += 32;
  if (random.equals(HRR_RANDOM)) return undefined; // a retry: the real ServerHello follows
  const sidLen = body[p]; p += 1 + sidLen;
  const cipherSuite = body.readUInt16BE(p); p += 2;
  p += 1; // compression
  let version = legacyVersion;
  if (p + 2 <= body.length) {
    const end = p + 2 + body.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end) {
      const extType = body.readUInt16BE(p);
      const extLen = body.readUInt16BE(p + 2);
      if (extType === 0x002b && extLen === 2) version = body.readUInt16BE(p + 4); // supported_versions
      p += 4 + extLen;
    }
  }
  return { version, cipherSuite, tls13: version === 0x0304 };
}

/** Certificate message → DER list. TLS 1.3 adds a request context and per-certificate extensions. */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  let p = 0;
  if (tls13) p += 1 + body[0];
  const end = Math.min(body.length, p + 3 + body.readUIntBE(p, 3));
  p += 3;
  const out: Buffer[] = [];
  while (p + 3 <= end) {
    const len = body.readUIntBE(p, 3);
    p += 3;
    out.push(Buffer.from(body.subarray(p, p + len)));
    p += len;
    if (tls13) p += 2 + body.readUInt16BE(p);
  }
  return out;
}

/** The certificate_authorities of a CertificateRequest, as one-line names. */
export function parseCertificateRequest(body: Buffer, tls13: boolean): string[] {
  try {
    let p = 0;
    if (!tls13) {
      p += 1 + body[0];                        // certificate_types
      p += 2 + body.readUInt16BE(p);           // supported_signature_algorithms (TLS 1.2)
      return readNames(body, p);
    }
    p += 1 + body[0];                          // certificate_request_context
    const end = p + 2 + body.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end) {
      const type = body.readUInt16BE(p);
      const len = body.readUInt16BE(p + 2);
      if (type === 47) return readNames(body.subarray(p + 4, p + 4 + len), 0); // certificate_authorities
      p += 4 + len;
    }
    return [];
  } catch { return []; }
}

function readNames(buf: Buffer, p: number): string[] {
  const end = p + 2 + buf.readUInt16BE(p);
  p += 2;
  const out: string[] = [];
  while (p + 2 <= end) {
    const len = buf.readUInt16BE(p);
    p += 2;
    try { out.push(formatName(buf.subarray(p, p + len))); } catch { /* not a Name: skip it */ }
    p += len;
  }
  return out;
}

/** TLS alert descriptions that mean "your certificate", for the client-certificate verdicts. */
export const CERTIFICATE_ALERTS = new Set([40, 41, 42, 43, 44, 45, 46, 48, 49, 116]);

export const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 109: 'missing_extension', 110: 'unsupported_extension',
  112: 'unrecognized_name', 115: 'unknown_psk_identity', 116: 'certificate_required', 120: 'no_application_protocol',
};

/**
 * TLS 1.3 hides the server's Certificate and CertificateRequest under the handshake traffic keys. Node
 * hands those secrets to the client through the `keylog` event (the same lines SSLKEYLOGFILE gets), so
 * the probe can read its own connection's handshake exactly as the server sent it, instead of running a
 * second handshake capped at TLS 1.2. RFC 8446 §7.1 (key schedule) and §5.2–5.3 (record protection).
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import { HANDSHAKE, parseCertificateMessage, parseCertificateRequest, splitHandshakeMessages, type SealedRecord } from './serverFlight';

interface Suite { cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; hash: 'sha256' | 'sha384'; keyLength: number }

const SUITES: Record<number, Suite> = {
  0x1301: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16 },
  0x1302: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32 },
  0x1303: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 },
};

function hkdfExpandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0])]);
  // HKDF-Expand (RFC 5869): T(i) = HMAC(secret, T(i-1) | info | i); the lengths here need at most two blocks.
  const blocks: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    prev = createHmac(hash, secret).update(Buffer.concat([prev, info, Buffer.from([i])])).digest();
    blocks.push(prev);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

export interface Tls13ServerHandshake {
  chain?: Buffer[];
  certificateRequested: boolean;
  acceptableIssuers?: string[];
}

/**
 * Decrypt the server's handshake records. Returns undefined when the suite is not one Node offers by
 * default or a record does not authenticate (then the caller falls back to Node's peer chain).
 */
export function readTls13ServerHandshake(records: readonly SealedRecord[], cipherSuite: number, serverHandshakeSecret: Buffer): Tls13ServerHandshake | undefined {
  const suite = SUITES[cipherSuite];
  if (!suite) return undefined;
  const key = hkdfExpandLabel(suite.hash, serverHandshakeSecret, 'key', suite.keyLength);
  const iv = hkdfExpandLabel(suite.hash, serverHandshakeSecret, 'iv', 12);
  let stream: Buffer = Buffer.alloc(0);
  const result: Tls13ServerHandshake = { certificateRequested: false };
  for (let seq = 0; seq < records.length; seq++) {
    const { header, payload } = records[seq];
    if (payload.length < 17) return undefined;
    // The per-record nonce: the IV with the record's sequence number XORed into its last bytes (a handful of records: no carry past 32 bits).
    const nonce = Buffer.from(iv);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv(suite.cipher, key, nonce, { authTagLength: 16 } as never) as unknown as import('node:crypto').DecipherGCM;
      decipher.setAAD(header);
      decipher.setAuthTag(payload.subarray(payload.length - 16));
      plain = Buffer.concat([decipher.update(payload.subarray(0, payload.length - 16)), decipher.final()]);
    } catch { return seq === 0 ? undefined : result; }
    // TLSInnerPlaintext: content | content type | zero padding.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0 || plain[end] !== 22) continue;
    const { messages, rest } = splitHandshakeMessages(Buffer.concat([stream, plain.subarray(0, end)]));
    stream = rest;
    for (const m of messages) {
      if (m.type === HANDSHAKE.certificateRequest) {
        result.certificateRequested = true;
        result.acceptableIssuers = parseCertificateRequest(m.body, true);
      } else if (m.type === HANDSHAKE.certificate) {
        // A CertificateRequest comes before the Certificate (RFC 8446 §4.3.2): nothing after it is needed,
        // so CertificateVerify and Finished stay encrypted.
        result.chain = parseCertificateMessage(m.body, true);
        return result;
      } else if (m.type === HANDSHAKE.finished) {
        return result;
      }
    }
  }
  return result;
}

/** The secret from a keylog line, when it is the server handshake traffic secret. */
export function serverHandshakeSecretFrom(line: Buffer | string): Buffer | undefined {
  const m = /^SERVER_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]+ ([0-9a-f]+)\s*$/i.exec(line.toString());
  return m ? Buffer.from(m[1], 'hex') : undefined;
}

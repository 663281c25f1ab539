/**
 * The two encodings every room shows certificates in: PEM text and thumbprints (upper-case hex without
 * separators, as Windows, netsh and thumbprint allow-lists write them). No dependencies, so the
 * extension can use it without loading the certificate engine.
 */
import { createHash } from 'node:crypto';

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function thumbprint(der: Buffer, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(der).digest('hex').toUpperCase();
}

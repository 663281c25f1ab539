/** Key pairs from Node's native crypto (OpenSSL underneath): fast, and never through JavaScript bignums. */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';

export type KeyAlgorithm = 'rsa' | 'ecdsa';

const generateKeyPair = promisify(crypto.generateKeyPair);

export interface KeyPair { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }

/** RSA 2048 (what every dev server and Windows accepts) or ECDSA P-256. */
export async function generateKey(algorithm: KeyAlgorithm = 'rsa'): Promise<KeyPair> {
  if (algorithm === 'ecdsa') return generateKeyPair('ec', { namedCurve: 'prime256v1' }) as Promise<KeyPair>;
  return generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }) as Promise<KeyPair>;
}

/** PKCS#8 PEM: what Node, Kestrel (`KeyPath`), nginx and CRA all read. */
export function privateKeyPem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

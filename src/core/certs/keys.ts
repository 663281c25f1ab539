/** Key pairs from Node's native crypto (OpenSSL underneath): fast, and never through JavaScript bignums. */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';

export type KeyAlgorithm = 'rsa' | 'ecdsa';

const generateKeyPair = promisify(crypto.generateKeyPair);

export interface KeyPair { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }

/**
 * How many RSA key generations race for one key. OpenSSL's prime search takes a random time (here: median
 * 170 ms, one in ten over 250 ms); two searches on the thread pool at once and the first to finish
 * takes a median ~115 ms. The loser finishes unseen on another thread and is dropped (a CLI exits
 * without waiting for it, see cli/launch.ts).
 */
const RSA_RACE = 2;

/** RSA 2048 (what every dev server and Windows accepts) or ECDSA P-256. */
export async function generateKey(algorithm: KeyAlgorithm = 'rsa'): Promise<KeyPair> {
  if (algorithm === 'ecdsa') return generateKeyPair('ec', { namedCurve: 'prime256v1' }) as Promise<KeyPair>;
  const search = () => generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }) as Promise<KeyPair>;
  return Promise.any(Array.from({ length: RSA_RACE }, search)).catch((err: AggregateError) => { throw err.errors[0]; });
}

/** PKCS#8 PEM: what Node, Kestrel (`KeyPath`), nginx and CRA all read. */
export function privateKeyPem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * Certificates made by the real `openssl` binary, independent of the project's own generator, so a test
 * never grades the project's code with the project's code.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface CertFiles { cert: string; key: string; certPem: string; keyPem: string }

function openssl(args: string[], cwd: string, shiftDays?: number): void {
  // OpenSSL 3.0 has no -not_before: sign under faketime to move the validity window.
  if (shiftDays) execFileSync('faketime', ['-f', `${shiftDays > 0 ? '+' : ''}${shiftDays}d`, 'openssl', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  else execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface LeafOptions {
  /** Subject CN (default localhost). */
  cn?: string;
  /** subjectAltName value, e.g. 'DNS:localhost,IP:127.0.0.1'; '' for none. */
  san?: string;
  days?: number;
  /** Certificate validity start offset in days (negative = in the past), by signing under `faketime`. */
  notBeforeDays?: number;
  /** Subject organisation (O=), placed before the CN. */
  org?: string;
  /**
   * The whole subject as `openssl req -subj` takes it (`/O=…/CN=…`), read as UTF-8: any characters
   * (control, bidi) a config file cannot hold. Replaces `cn` and `org`.
   */
  subject?: string;
  keyBits?: number;
  digest?: string;
  /** Extra extension lines for the config (e.g. 'extendedKeyUsage=clientAuth'). */
  extensions?: string[];
  /** Issuer; self-signed when absent. */
  issuer?: CertFiles;
  ca?: boolean;
}

let serial = 1000;

/** Make a key + certificate in `dir` named `name.pem` / `name.key`. */
export function makeCert(dir: string, name: string, o: LeafOptions = {}): CertFiles {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  const cfg = path.join(dir, `${name}.cnf`);
  const san = o.san ?? (o.ca ? '' : 'DNS:localhost,IP:127.0.0.1,IP:::1');
  const ext = [
    o.ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=CA:FALSE',
    o.ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature,keyEncipherment',
    ...(o.ca ? [] : o.extensions?.some(e => e.startsWith('extendedKeyUsage')) ? [] : ['extendedKeyUsage=serverAuth']),
    ...(san ? [`subjectAltName=${san}`] : []),
    'subjectKeyIdentifier=hash',
    ...(o.issuer ? ['authorityKeyIdentifier=keyid'] : []),
    ...(o.extensions ?? []),
  ];
  writeFileSync(cfg, [
    '[req]', 'distinguished_name=dn', 'prompt=no', '[dn]', ...(o.org ? [`O=${o.org}`] : []), `CN=${o.cn ?? (o.ca ? `${name} CA` : 'localhost')}`,
    '[ext]', ...ext, '',
  ].join('\n'));
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${o.keyBits ?? 2048}`, '-out', key], dir);
  const digest = `-${o.digest ?? 'sha256'}`;
  const subj = o.subject !== undefined ? ['-subj', o.subject, '-utf8'] : [];
  const days = String(o.days ?? 30);
  if (!o.issuer) {
    openssl(['req', '-x509', '-new', '-key', key, '-out', cert, '-days', days, digest, '-config', cfg, ...subj,
      '-extensions', 'ext', '-set_serial', String(serial++)], dir, o.notBeforeDays);
  } else {
    const csr = path.join(dir, `${name}.csr`);
    openssl(['req', '-new', '-key', key, '-out', csr, '-config', cfg, ...subj], dir);
    openssl(['x509', '-req', '-in', csr, '-CA', o.issuer.cert, '-CAkey', o.issuer.key, '-out', cert,
      '-days', days, digest, '-extfile', cfg, '-extensions', 'ext', '-set_serial', String(serial++)], dir, o.notBeforeDays);
  }
  const fs = require('node:fs') as typeof import('node:fs');
  return { cert, key, certPem: fs.readFileSync(cert, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') };
}

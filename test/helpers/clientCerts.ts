/**
 * The client certificates the mTLS tests present, made by the real `openssl` binary (never by the
 * project's generator, so the probe is not graded by the code it ships with). Expired certificates
 * are signed under `faketime` — OpenSSL 3.0 has no -not_before/-not_after.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeCert, type CertFiles } from './openssl';

export interface ClientCertOptions {
  /** Signing CA; self-signed when absent. */
  issuer?: CertFiles;
  cn?: string;
  /** extendedKeyUsage value (default clientAuth); `null` for no EKU extension at all. */
  eku?: string | null;
  days?: number;
  /** A date `faketime` understands ('2020-01-01 00:00:00'): the certificate is made "then". */
  madeAt?: string;
}

let serial = 5000;

function run(args: string[], cwd: string, madeAt?: string): void {
  const [cmd, argv] = madeAt ? ['faketime', [madeAt, 'openssl', ...args]] : ['openssl', args];
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `name.pem` + `name.key` in `dir`: an RSA 2048 client certificate. */
export function makeClientCert(dir: string, name: string, o: ClientCertOptions = {}): CertFiles {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  const cfg = path.join(dir, `${name}.cnf`);
  const eku = o.eku === undefined ? 'clientAuth' : o.eku;
  fs.writeFileSync(cfg, [
    '[req]', 'distinguished_name=dn', 'prompt=no', '[dn]', `CN=${o.cn ?? name}`,
    '[ext]', 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
    ...(eku ? [`extendedKeyUsage=${eku}`] : []), 'subjectKeyIdentifier=hash',
    ...(o.issuer ? ['authorityKeyIdentifier=keyid'] : []), '',
  ].join('\n'));
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], dir);
  const days = String(o.days ?? 30);
  if (!o.issuer) {
    run(['req', '-x509', '-new', '-key', key, '-out', cert, '-days', days, '-sha256', '-config', cfg,
      '-extensions', 'ext', '-set_serial', String(serial++)], dir, o.madeAt);
  } else {
    const csr = path.join(dir, `${name}.csr`);
    run(['req', '-new', '-key', key, '-out', csr, '-config', cfg], dir);
    run(['x509', '-req', '-in', csr, '-CA', o.issuer.cert, '-CAkey', o.issuer.key, '-out', cert, '-days', days,
      '-sha256', '-extfile', cfg, '-extensions', 'ext', '-set_serial', String(serial++)], dir, o.madeAt);
  }
  return { cert, key, certPem: fs.readFileSync(cert, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') };
}

/** Every certificate an mTLS case needs, in one temp dir. */
export interface MtlsCertSet {
  dir: string;
  /** Issues the servers' certificate; a test trusts it (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS) so the only problems left are mTLS ones. */
  serverCa: CertFiles;
  server: CertFiles;
  /** The CA the rejecting servers trust for client certificates. */
  clientCa: CertFiles;
  /** Signed by clientCa, clientAuth, valid: accepted everywhere it is allowed. */
  good: CertFiles;
  /** Signed by another CA (clientAuth, valid): refused by CA-checking servers, not in any allow-list. */
  otherCa: CertFiles;
  wrong: CertFiles;
  /** Signed by clientCa in 2020, 30 days: expired. */
  expired: CertFiles;
  /** Signed by clientCa, EKU serverAuth only (no clientAuth). */
  noClientAuth: CertFiles;
}

export function makeMtlsCertSet(dir: string): MtlsCertSet {
  const serverCa = makeCert(dir, 'server-ca', { ca: true, days: 365 });
  const server = makeCert(dir, 'server', { issuer: serverCa });
  const clientCa = makeCert(dir, 'client-ca', { ca: true, days: 365 });
  const otherCa = makeCert(dir, 'other-ca', { ca: true, days: 365 });
  return {
    dir, serverCa, server, clientCa, otherCa,
    good: makeClientCert(dir, 'good-client', { issuer: clientCa }),
    wrong: makeClientCert(dir, 'wrong-client', { issuer: otherCa }),
    expired: makeClientCert(dir, 'expired-client', { issuer: clientCa, madeAt: '2020-01-01 00:00:00' }),
    noClientAuth: makeClientCert(dir, 'server-only-client', { issuer: clientCa, eku: 'serverAuth' }),
  };
}

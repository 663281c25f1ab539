// A throwaway machine identity for the extension host: its own HOME (NSS database), system CA bundle
// (SSL_CERT_FILE), NODE_EXTRA_CA_CERTS and DevCert Doctor config dir. A test CA is trusted in all of
// them, so "trusted" can be asserted without touching this machine's real stores.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export function makeSandbox(dir) {
  const home = path.join(dir, 'home');
  const ssl = path.join(dir, 'ssl');
  const devcertHome = path.join(dir, 'devcert-home');
  const ca = path.join(dir, 'ca');
  for (const d of [home, ssl, devcertHome, ca]) mkdirSync(d, { recursive: true });
  const openssl = (...args) => execFileSync('openssl', args, { cwd: ca, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(path.join(ca, 'ca.cnf'), [
    '[req]', 'distinguished_name=dn', 'prompt=no', '[dn]', 'CN=DevCert Doctor Host Test CA',
    '[ext]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', '',
  ].join('\n'));
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'ca.key');
  openssl('req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.pem', '-days', '30', '-sha256', '-config', 'ca.cnf', '-extensions', 'ext');
  const caPem = readFileSync(path.join(ca, 'ca.pem'), 'utf8');
  // The sandbox "system store" is the test CA only: a self-signed leaf is then reliably untrusted.
  writeFileSync(path.join(ssl, 'cert.pem'), caPem);
  // Chromium's NSS database, as the browsers' store.
  const nssdb = path.join(home, '.pki/nssdb');
  mkdirSync(nssdb, { recursive: true });
  let nss = false;
  if (existsSync('/usr/bin/certutil')) {
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'], { stdio: 'ignore' });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'devcert-host-test-ca', '-i', path.join(ca, 'ca.pem')], { stdio: 'ignore' });
    nss = true;
  }
  return {
    dir, caCert: path.join(ca, 'ca.pem'), caKey: path.join(ca, 'ca.key'), nss,
    env: {
      HOME: home,
      SSL_CERT_FILE: path.join(ssl, 'cert.pem'),
      SSL_CERT_DIR: path.join(ssl, 'certs-empty'),
      NODE_EXTRA_CA_CERTS: path.join(ca, 'ca.pem'),
      DEVCERT_DOCTOR_HOME: devcertHome,
      DEVCERT_HOST_TEST_SANDBOX: dir,
    },
  };
}

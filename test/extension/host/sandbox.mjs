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
  // The sandbox "system store": Debian's update-ca-certificates pointed into system/ (the layout the
  // repair engine uses for DEVCERT_DOCTOR_SANDBOX), holding only the test CA, so a self-signed leaf is
  // reliably untrusted and a repair can add to it without elevation.
  const system = path.join(dir, 'system');
  const sys = {
    certsconf: path.join(system, 'ca-certificates.conf'), certsdir: path.join(system, 'share'),
    localcertsdir: path.join(system, 'local'), etccertsdir: path.join(system, 'etc/ssl/certs'), hooksdir: path.join(system, 'hooks'),
  };
  for (const d of [sys.certsdir, sys.localcertsdir, sys.etccertsdir, sys.hooksdir]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(sys.certsdir, 'sandbox-placeholder.crt'), caPem);
  writeFileSync(sys.certsconf, 'sandbox-placeholder.crt\n');
  let systemBundle = path.join(sys.etccertsdir, 'ca-certificates.crt');
  try {
    execFileSync('update-ca-certificates', ['--certsconf', sys.certsconf, '--certsdir', sys.certsdir, '--localcertsdir', sys.localcertsdir,
      '--etccertsdir', sys.etccertsdir, '--hooksdir', sys.hooksdir, '--certbundle', 'ca-certificates.crt'], { stdio: 'ignore' });
  } catch {
    // Not Debian: a plain bundle file still gives the probe a system store to read.
    writeFileSync(systemBundle, caPem);
  }
  if (!existsSync(systemBundle)) writeFileSync(systemBundle, caPem);
  // Node's view: the tool's own NODE_EXTRA_CA_CERTS bundle (what its node store writes), with the test CA.
  const nodeBundle = path.join(devcertHome, 'node-extra-ca-certs.pem');
  writeFileSync(nodeBundle, caPem);
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
      SSL_CERT_FILE: systemBundle,
      SSL_CERT_DIR: path.join(ssl, 'certs-empty'),
      NODE_EXTRA_CA_CERTS: nodeBundle,
      // Every trust store the extension repairs points into this folder (home/ for NSS, system/ for the
      // Linux store): nothing on this machine changes, and nothing needs elevation.
      DEVCERT_DOCTOR_SANDBOX: dir,
      DEVCERT_DOCTOR_HOME: devcertHome,
      DEVCERT_HOST_TEST_SANDBOX: dir,
    },
  };
}

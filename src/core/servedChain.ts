/**
 * The exact certificates a server sends, as DER (leaf first). Verdicts carry summaries, but a trust step
 * needs the bytes of the certificate to trust; this reads them with one handshake that verifies nothing.
 *
 * `interimVerdict` is a stand-in for the probe engine's `checkEndpoints` (src/core/check.ts) so that
 * `repair` and the demo work before it lands; it covers only what a repair needs (system and Node trust,
 * the common problem codes) and is meant to be deleted when the probe is committed.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import type { EndpointVerdict, CertificateSummary } from './probe/types';
import type { Problem } from './probe/problems';

export interface ServedChain { chain: Buffer[]; error?: string }

export function fetchServedChain(host: string, port: number, servername = 'localhost', timeoutMs = 5000): Promise<ServedChain> {
  return new Promise(resolve => {
    const socket = tls.connect({ host, port, servername, rejectUnauthorized: false });
    const timer = setTimeout(() => { socket.destroy(); resolve({ chain: [], error: 'timeout' }); }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const chain: Buffer[] = [];
      let c = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      const seen = new Set<string>();
      while (c && c.raw && !seen.has(c.fingerprint256)) {
        seen.add(c.fingerprint256);
        chain.push(c.raw);
        c = c.issuerCertificate;
      }
      socket.destroy();
      resolve({ chain });
    });
    socket.once('error', err => { clearTimeout(timer); resolve({ chain: [], error: (err as NodeJS.ErrnoException).code ?? err.message }); });
  });
}

function verifyWith(host: string, port: number, ca: string[] | undefined): Promise<{ ok: boolean; code?: string }> {
  return new Promise(resolve => {
    const socket = tls.connect({ host, port, servername: 'localhost', ca, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const err = socket.authorizationError as unknown as Error | null;
      let code = err ? String((err as NodeJS.ErrnoException).code ?? err) : undefined;
      if (!code) {
        const nameErr = tls.checkServerIdentity('localhost', socket.getPeerCertificate());
        if (nameErr) code = 'ERR_TLS_CERT_ALTNAME_INVALID';
      }
      socket.destroy();
      resolve({ ok: !code, code });
    });
    socket.once('error', err => resolve({ ok: false, code: (err as NodeJS.ErrnoException).code }));
  });
}

function readPems(file: string | undefined): string[] {
  if (!file) return [];
  try { return fs.readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []; } catch { return []; }
}

const CODE_TO_PROBLEM: Record<string, Pick<Problem, 'code' | 'fixes'>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { code: 'self-signed', fixes: ['trust', 'regenerate'] },
  SELF_SIGNED_CERT_IN_CHAIN: { code: 'unknown-issuer', fixes: ['trust'] },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { code: 'unknown-issuer', fixes: ['trust'] },
  UNABLE_TO_GET_ISSUER_CERT: { code: 'incomplete-chain', fixes: ['regenerate', 'bind'] },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { code: 'incomplete-chain', fixes: ['trust', 'regenerate'] },
  CERT_HAS_EXPIRED: { code: 'expired', fixes: ['regenerate', 'bind'] },
  CERT_NOT_YET_VALID: { code: 'not-yet-valid', fixes: ['regenerate', 'bind'] },
  ERR_TLS_CERT_ALTNAME_INVALID: { code: 'name-mismatch', fixes: ['regenerate', 'bind'] },
  ECONNREFUSED: { code: 'not-listening', fixes: ['start-server'] },
};

function summary(der: Buffer): CertificateSummary {
  const x = new crypto.X509Certificate(der);
  const hex = (a: string) => crypto.createHash(a).update(der).digest('hex').toUpperCase();
  return {
    subject: x.subject.replace(/\n/g, ', '), issuer: x.issuer.replace(/\n/g, ', '), sha1: hex('sha1'), sha256: hex('sha256'),
    serialNumber: x.serialNumber, notBefore: new Date(x.validFrom).toISOString(), notAfter: new Date(x.validTo).toISOString(),
    san: (x.subjectAltName ?? '').split(', ').filter(Boolean).map(s => s.replace(/^(DNS|IP Address):/, '')),
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey), keyType: x.publicKey.asymmetricKeyType ?? 'unknown',
    signatureAlgorithm: '', isCa: x.ca, isAspNetCoreDevCert: der.includes(Buffer.from('2b0601040182375401', 'hex')), extendedKeyUsage: x.keyUsage ?? [],
  };
}

/**
 * A verdict for `host:port` as the system (OpenSSL bundle: SSL_CERT_FILE or the distro's) and Node
 * (its roots + NODE_EXTRA_CA_CERTS) see it. Interim: replaced by the probe's checkEndpoints.
 */
export async function interimVerdict(host: string, port: number, env: NodeJS.ProcessEnv, systemBundle: string): Promise<EndpointVerdict> {
  const t0 = Date.now();
  const served = await fetchServedChain(host, port);
  const url = `https://${host}:${port}`;
  if (!served.chain.length) {
    const p = CODE_TO_PROBLEM[served.error ?? ''] ?? { code: 'reset' as const, fixes: [] };
    return { url, host, port, source: null, trusted: false, trust: { system: false, node: false }, certificate: null,
      problems: [{ ...p, severity: 'error', message: `${url}: ${served.error}` }], handshakeMs: Date.now() - t0 };
  }
  const system = await verifyWith(host, port, readPems(env.SSL_CERT_FILE ?? systemBundle));
  const node = await verifyWith(host, port, [...tls.rootCertificates, ...readPems(env.NODE_EXTRA_CA_CERTS)]);
  const problems: Problem[] = [];
  for (const [who, r] of [['the system store', system], ['Node', node]] as const) {
    if (r.ok || !r.code) continue;
    const p = CODE_TO_PROBLEM[r.code] ?? { code: 'unknown-issuer' as const, fixes: ['trust' as const] };
    if (!problems.some(x => x.code === p.code)) problems.push({ ...p, severity: 'error', message: `${url}: the certificate is not trusted by ${who} (${r.code})` });
  }
  if (system.ok && !node.ok && !problems.some(p => p.code === 'untrusted-by-node')) {
    problems.push({ code: 'untrusted-by-node', fixes: ['trust'], severity: 'warning', message: `${url}: trusted by the system but not by Node (set NODE_EXTRA_CA_CERTS)` });
  }
  return {
    url, host, port, source: null, trusted: system.ok && node.ok, trust: { system: system.ok, node: node.ok }, problems,
    certificate: summary(served.chain[0]), chain: served.chain.slice(1).map(summary), handshakeMs: Date.now() - t0,
  };
}

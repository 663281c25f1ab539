/**
 * Stand-in for src/core/check.ts until it lands: one TLS handshake per endpoint, judged by Node's own
 * verification. Enough for the server to run end to end; replaced by the real engine, then deleted.
 */
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import type { CertificateSummary, EndpointVerdict } from '../core/probe/types';
import type { Problem } from '../core/probe/problems';
import type { CheckSettings, ProbeTarget } from './probe';

function summary(der: Buffer): CertificateSummary {
  const x = new X509Certificate(der);
  const hex = (f: string) => f.replace(/:/g, '').toUpperCase();
  return {
    subject: x.subject.replace(/\n/g, ', '), issuer: x.issuer.replace(/\n/g, ', '),
    sha1: hex(x.fingerprint), sha256: hex(x.fingerprint256), serialNumber: x.serialNumber,
    notBefore: new Date(x.validFrom).toISOString(), notAfter: new Date(x.validTo).toISOString(),
    san: (x.subjectAltName ?? '').split(', ').filter(Boolean).map(s => s.replace(/^(DNS|IP Address):/, '')),
    selfSigned: x.subject === x.issuer, keyType: x.publicKey.asymmetricKeyType ?? 'unknown',
    signatureAlgorithm: 'unknown', isCa: x.ca, isAspNetCoreDevCert: false, extendedKeyUsage: x.keyUsage ?? [],
  };
}

function problem(code: Problem['code'], severity: Problem['severity'], message: string, fixes: Problem['fixes']): Problem {
  return { code, severity, message, fixes };
}

function probeOne(t: ProbeTarget, s: CheckSettings): Promise<EndpointVerdict> {
  const e = t.endpoint;
  const started = Date.now();
  const base: EndpointVerdict = {
    url: e.url, host: e.host, port: e.port, source: e.sources[0] ? { file: e.sources[0].file, line: e.sources[0].line } : null,
    trusted: false, trust: { system: false, node: false }, problems: [], certificate: null, handshakeMs: 0,
  };
  return new Promise(resolve => {
    const host = e.connectHost ?? (e.loopback ? 'localhost' : e.host);
    const socket = tls.connect({ host, port: e.port, servername: 'localhost', rejectUnauthorized: false, timeout: s.timeoutMs });
    const done = (v: EndpointVerdict) => { socket.destroy(); resolve({ ...v, handshakeMs: Date.now() - started }); };
    socket.on('timeout', () => done({ ...base, problems: [problem('timeout', 'warning', `${e.url} did not answer within ${s.timeoutMs} ms`, [])] }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({
      ...base,
      problems: [err.code === 'ECONNREFUSED'
        ? problem('not-listening', 'info', `Nothing is listening on ${e.url}`, ['start-server'])
        : problem('reset', 'error', `${e.url} closed the connection during the handshake (${err.code ?? err.message})`, [])],
    }));
    socket.on('secureConnect', () => {
      const der = socket.getPeerCertificate(true)?.raw;
      const cert = der ? summary(der) : null;
      const trusted = socket.authorized;
      const problems: Problem[] = [];
      const reason = String(socket.authorizationError ?? '');
      if (!trusted && cert?.selfSigned) {
        problems.push(problem('self-signed', 'error', `${e.url} serves a self-signed certificate (${cert.subject}) that this machine does not trust`, ['trust', 'regenerate']));
      } else if (!trusted && /EXPIRED/.test(reason)) {
        problems.push(problem('expired', 'error', `The certificate served on ${e.url} expired on ${cert?.notAfter}`, ['regenerate']));
      } else if (!trusted) {
        problems.push(problem('unknown-issuer', 'error', `${e.url} serves a certificate from an issuer this machine does not trust (${cert?.issuer})`, ['trust']));
      }
      done({ ...base, trusted, trust: { system: trusted, node: trusted }, certificate: cert, problems, protocol: socket.getProtocol() ?? undefined });
    });
  });
}

export async function interimCheck(targets: ProbeTarget[], s: CheckSettings): Promise<EndpointVerdict[]> {
  return Promise.all(targets.map(t => probeOne(t, s)));
}

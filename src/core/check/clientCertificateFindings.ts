/** What is wrong with a client certificate we presented (mTLS), given what the server asked for. */
import type { HandshakeResult, LoadedClientCertificate } from '../probe';
import { clientCertificateMessages as M } from './messages';
import type { ClientCertificateFinding, ClientCertificateReport } from './types';

/** What is wrong with the presented certificate, given what the server asked for. */
export function diagnoseClientCertificate(loaded: LoadedClientCertificate, result: HandshakeResult, now = new Date()): ClientCertificateReport {
  const [leaf, ...rest] = loaded.certificates;
  const s = leaf.summary;
  const findings: ClientCertificateFinding[] = [];
  if (leaf.notAfter < now) findings.push({ code: 'expired', message: M.expired(s.notAfter) });
  if (leaf.notBefore > now) findings.push({ code: 'not-yet-valid', message: M.notYetValid(s.notBefore) });
  const eku = s.extendedKeyUsage;
  if (eku.length > 0 && !eku.includes('clientAuth') && !eku.includes('anyExtendedKeyUsage')) {
    findings.push({ code: 'missing-client-auth-eku', message: M.missingClientAuth(eku) });
  }
  const accepted = result.acceptableIssuers ?? [];
  if (accepted.length > 0) {
    // The server names the CAs it accepts; any issuer along the chain we send (or the root) will do.
    const names = new Set(accepted.map(norm));
    const ours = [norm(s.issuer), ...rest.flatMap(c => [norm(c.summary.subject), norm(c.summary.issuer)])];
    if (!ours.some(n => names.has(n))) findings.push({ code: 'issuer-not-accepted', message: M.issuerNotAccepted(s.issuer, accepted) });
  }
  if (!s.selfSigned && !rest.some(c => norm(c.summary.subject) === norm(s.issuer))) {
    findings.push({ code: 'chain-not-sent', message: M.chainNotSent(s.issuer) });
  }
  if (s.selfSigned) findings.push({ code: 'self-signed-revocation', message: M.selfSignedRevocation() });
  return {
    label: loaded.label, certificate: s, findings,
    ...(result.clientCertificateSent !== undefined ? { sent: result.clientCertificateSent } : {}),
    ...(accepted.length ? { acceptableIssuers: accepted } : {}),
  };
}

const norm = (n: string) => n.toLowerCase();

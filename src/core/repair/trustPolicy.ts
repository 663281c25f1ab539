/**
 * What a repair may trust without being told to. Trusting a certificate lets whoever holds its key
 * vouch for names to this machine, so only two kinds are planned on their own: DevCert Doctor's own
 * local CA (its key never leaves the config folder, and it is name-constrained), and a self-signed
 * leaf that is not a CA, is within its validity and names only loopback — the IIS Express / ASP.NET
 * Core development certificate kind. Anything else a server sends (a root, an intermediate, a leaf for
 * other names, an expired one) needs an explicit act: `trust FILE --allow-ca`, or the editor's second
 * confirmation.
 */
import { ASPNETCORE_DEV_CERT_SANS, inspectCertificate } from '../certs';
import { isLoopbackHost, isWildcardHost } from '../endpoints';

/** A name in a certificate that only ever means this machine: localhost, *.localhost, 127.0.0.0/8, ::1. */
function isLoopbackName(name: string): boolean {
  const n = name.replace(/^\*\./, 'x.');
  return !isWildcardHost(n) && isLoopbackHost(n);
}

/**
 * Why `der` may not be trusted without an explicit act, in words that finish "…is not trusted
 * automatically because …"; undefined when it may (a sound self-signed loopback leaf).
 */
export function whyNotTrustable(der: Buffer, now: Date = new Date()): string | undefined {
  const c = inspectCertificate(der);
  if (c.summary.isCa) return 'it is a certificate authority (CA:TRUE), so whoever holds its key could issue certificates for any website';
  if (!c.summary.selfSigned) return 'it is not self-signed: it was issued by another certificate, which is not in hand';
  if (c.notAfter.getTime() < now.getTime()) return `it expired on ${c.summary.notAfter.slice(0, 10)}, and trusting an expired certificate fixes nothing`;
  if (c.notBefore.getTime() > now.getTime()) return `it is not valid before ${c.summary.notBefore.slice(0, 10)}`;
  const names = c.summary.san.length ? c.summary.san : c.subjectAttributes.filter(a => a.type === 'CN').map(a => a.value);
  // The ASP.NET Core dev cert (marked by its extension) also names the container host aliases dotnet puts in it.
  const allowed = (n: string) => isLoopbackName(n) || (c.summary.isAspNetCoreDevCert && ASPNETCORE_DEV_CERT_SANS.includes(n.toLowerCase()));
  const foreign = names.filter(n => !allowed(n));
  if (!names.length) return 'it names no host';
  if (foreign.length) return `it names ${foreign.join(', ')}, which ${foreign.length === 1 ? 'is' : 'are'} not this machine's loopback`;
  return undefined;
}

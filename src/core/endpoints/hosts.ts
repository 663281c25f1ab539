/**
 * Which hosts mean "this machine". One definition for discovery (what is probed), the probe (where it
 * connects and which name it checks) and the debug gate.
 */

/** Wildcard listeners: a server bound to these also listens on loopback. */
const WILDCARD_HOSTS = new Set(['*', '+', '0.0.0.0', '::', '[::]']);
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host.toLowerCase());
}

/** `app.dev.localhost`: loopback by RFC 6761, yet a name of its own for SNI and the certificate check. */
export function isLocalhostSubdomain(host: string): boolean {
  return /^[^.[\]:]+(\.[^.[\]:]+)*\.localhost\.?$/i.test(host);
}

/** localhost (and *.localhost, which resolves to loopback by RFC 6761), 127.0.0.0/8, ::1, and the wildcards. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || WILDCARD_HOSTS.has(h)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || isLocalhostSubdomain(h);
}

/** SNI and the name checked against the certificate: `localhost` for loopback addresses and wildcards. */
export function defaultServername(host: string): string {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || WILDCARD_HOSTS.has(h) || /^127\./.test(h)) return 'localhost';
  return host.replace(/^\[|\]$/g, '');
}

/**
 * Which names the local development CA may vouch for. It is created with a critical NameConstraints
 * extension permitting only loopback names (plus what the user adds), so that even if its key leaks a
 * client that enforces name constraints refuses a certificate it issued for a public site.
 */
import * as net from 'node:net';
import { ipVersion } from './ipAddress';

/** Always permitted: localhost and names under it (RFC 6761), 127.0.0.0/8 and ::1. */
export const LOOPBACK_PERMITTED_NAMES: readonly string[] = ['localhost', '.localhost', '127.0.0.0/8', '::1/128'];

/** Names the user adds to a CA created from now on (comma or space separated): DNS names, IPs, IP/prefix. */
export const CA_NAMES_ENV = 'DEVCERT_DOCTOR_CA_NAMES';

/** The permitted names of a new local CA: loopback and the user's own from DEVCERT_DOCTOR_CA_NAMES. */
export function localCaPermittedNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const added = (env[CA_NAMES_ENV] ?? '').split(/[\s,]+/).filter(Boolean).map(n => n.toLowerCase());
  for (const n of added) {
    const [address, prefix, extra] = n.split('/');
    const version = ipVersion(address);
    const okIp = version && extra === undefined && (prefix === undefined || (/^\d+$/.test(prefix) && +prefix <= (version === 4 ? 32 : 128)));
    const okDns = !version && prefix === undefined && /^\.?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(n);
    if (!okIp && !okDns) throw new Error(`${CA_NAMES_ENV}: "${n}" is not a DNS name, an IP address or an IP/prefix range`);
  }
  return [...new Set([...LOOPBACK_PERMITTED_NAMES, ...added])];
}

/** RFC 5280 §4.2.1.10 matching, as OpenSSL does it: `a.b` permits a.b and x.a.b; `.a.b` only x.a.b. */
function dnsPermitted(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/^\*\./, 'x.').replace(/\.$/, '');
  const c = constraint.toLowerCase();
  return c.startsWith('.') ? n.endsWith(c) : n === c || n.endsWith(`.${c}`);
}

function ipPermitted(ip: string, constraint: string): boolean {
  const [address, prefix] = constraint.split('/');
  const version = ipVersion(address);
  if (!version || ipVersion(ip) !== version) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const block = new net.BlockList();
  block.addSubnet(address, prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix), family);
  return block.check(ip, family);
}

/** The names (DNS or IP) that a CA with these permitted subtrees cannot vouch for. */
export function namesOutside(permitted: readonly string[], names: readonly string[]): string[] {
  return names.filter(name => ipVersion(name)
    ? !permitted.some(c => ipPermitted(name, c))
    : !permitted.some(c => !ipVersion(c.split('/')[0]) && dnsPermitted(name, c)));
}

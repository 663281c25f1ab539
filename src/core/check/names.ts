/**
 * Does a certificate name the host the user browses to? Checked the way browsers do (RFC 6125 as
 * Chromium applies it): only subjectAltName counts, the CN is ignored; DNS names compare without case
 * and without a trailing dot; a wildcard is a whole leftmost label and matches exactly one label;
 * IP hosts match only IP SANs.
 */
import { ipVersion } from '../certs';

export interface NameMatch {
  matches: boolean;
  /** The SAN entry that matched. */
  matchedBy?: string;
  /** The host is only in the subject CN, which browsers ignore. */
  onlyInCommonName: boolean;
}

function normaliseDns(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Canonical text of an IP address (v6 compressed, brackets removed), or undefined when not an IP. */
export function canonicalIp(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  const kind = ipVersion(bare);
  if (kind === 4) return bare;
  if (kind === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1).toLowerCase();
  return undefined;
}

/** One SAN DNS pattern against one host name. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normaliseDns(pattern);
  const h = normaliseDns(host);
  if (!p || !h) return false;
  if (!p.includes('*')) return p === h;
  const [first, ...rest] = p.split('.');
  // Only `*` as the whole leftmost label, and never directly under a single-label suffix (`*.com`,
  // `*.localhost` still counts: Chromium accepts it for subdomains of localhost).
  if (first !== '*' || rest.length < 2 && rest[0] !== 'localhost' || rest.some(l => l.includes('*'))) return false;
  const hostLabels = h.split('.');
  if (hostLabels.length !== rest.length + 1 || hostLabels[0] === '') return false;
  return hostLabels.slice(1).join('.') === rest.join('.');
}

export function matchHostName(host: string, san: { dnsNames: string[]; ipAddresses: string[] }, commonNames: string[] = []): NameMatch {
  const ip = canonicalIp(host);
  if (ip !== undefined) {
    const hit = san.ipAddresses.find(a => canonicalIp(a) === ip);
    if (hit) return { matches: true, matchedBy: hit, onlyInCommonName: false };
    return { matches: false, onlyInCommonName: commonNames.some(cn => canonicalIp(cn) === ip) };
  }
  const hit = san.dnsNames.find(p => dnsNameMatches(p, host));
  if (hit) return { matches: true, matchedBy: hit, onlyInCommonName: false };
  return { matches: false, onlyInCommonName: commonNames.some(cn => dnsNameMatches(cn, host)) };
}

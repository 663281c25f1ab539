/**
 * Is a name an IP address, and which version. `net.isIP` tries Node's IPv6 pattern on every name that
 * is not IPv4, and V8 compiles that large pattern on its first use (~3 ms) and again, optimized, on its
 * second (~0.7 ms) — for the name "localhost", a sizable part of a one-endpoint `check` process. Here a
 * name that cannot be an address never reaches the patterns: an IPv6 address always has a colon, an
 * IPv4 one only digits and dots. (`tls.connect` still asks `net.isIP` once for the SNI name.)
 */
import * as net from 'node:net';

export function ipVersion(name: string): 0 | 4 | 6 {
  if (name.includes(':')) return net.isIPv6(name) ? 6 : 0;
  return /^[0-9.]+$/.test(name) && net.isIPv4(name) ? 4 : 0;
}


/**
 * URL and host rules shared by every format (and by the debug gate): what counts as an HTTPS endpoint,
 * how it is normalised, and which hosts mean "this machine".
 */

import { isLocalhostSubdomain, isLoopbackHost, isWildcardHost } from './hosts';
export { isLoopbackHost, isWildcardHost };

/** Whether a value is (or contains) something a tool substitutes later: not a literal we can probe. */
export function hasVariable(value: string): boolean {
  // ${workspaceFolder} / ${env:X} (VS Code), %s (serverReadyAction), $(X) (MSBuild), {ServicePort} (VS Docker).
  return /\$\{|\$\(|%s|%\w+%|\{[A-Za-z]\w*\}/.test(value);
}

export interface NormalizedEndpointUrl {
  /** `https://host:port`, with wildcard hosts written as `localhost` so the URL can be opened. */
  url: string;
  /** Host as declared, lower-cased; IPv6 keeps its brackets. */
  host: string;
  port: number;
  loopback: boolean;
  /** What to pass to `net.connect`/`tls.connect`: brackets stripped, wildcards → `localhost`. */
  connectHost: string;
}

export type UrlSkipReason = 'variable' | 'not-https' | 'not-url' | 'bad-port';
export type ParsedEndpointUrl =
  | ({ ok: true } & NormalizedEndpointUrl)
  | { ok: false; reason: UrlSkipReason };

// scheme://host[:port][/path...]. Hand-rolled rather than `new URL` because ASP.NET's `*` and `+`
// hosts, and `https://localhost:` with an empty port, are not WHATWG URLs.
const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.%]*\]|[^/:?#\s]*)(?::(\d*))?(?:[/?#].*)?$/i;

export function parseEndpointUrl(raw: string): ParsedEndpointUrl {
  const text = raw.trim();
  if (hasVariable(text)) return { ok: false, reason: 'variable' };
  const m = URL_RE.exec(text);
  if (!m) return { ok: false, reason: 'not-url' };
  if (m[1].toLowerCase() !== 'https') return { ok: false, reason: 'not-https' };
  const host = m[2].toLowerCase();
  if (!host) return { ok: false, reason: 'not-url' };
  const port = m[3] === undefined || m[3] === '' ? 443 : Number(m[3]);
  // Port 0 asks the OS for any free port: nothing fixed to probe.
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: 'bad-port' };
  return { ok: true, ...endpointFor(host, port) };
}

/** The normalised endpoint for `raw`, or undefined when it is not a literal https URL. */
export function normalizeEndpointUrl(raw: string): NormalizedEndpointUrl | undefined {
  const p = parseEndpointUrl(raw);
  if (!p.ok) return undefined;
  const { ok: _ok, ...rest } = p;
  return rest;
}

/** The endpoint for a bare host + port (ports from HTTPS_PORT(S), sslPort, CRA PORT...). */
export function endpointFor(hostIn: string, port: number): NormalizedEndpointUrl {
  let host = hostIn.trim().toLowerCase();
  // A bare IPv6 address (`::1`) gets the brackets URLs need.
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  const wildcard = isWildcardHost(host);
  const urlHost = wildcard ? 'localhost' : host;
  const connectHost = wildcard ? 'localhost' : host.replace(/^\[(.*)\]$/, '$1');
  return { url: `https://${urlHost}:${port}`, host, port, loopback: isLoopbackHost(host), connectHost };
}

/** A port number written as text, or undefined when it is not one (variables, words, out of range). */
export function parsePort(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export interface UrlListItem {
  /** The item as written, trimmed. */
  raw: string;
  /** Offsets of `raw` inside the list string. */
  start: number;
  end: number;
  parsed: ParsedEndpointUrl;
}

/**
 * Splits a `;`-separated list (ASPNETCORE_URLS, applicationUrl, Urls) into its items with their
 * offsets, so each URL gets its own exact range.
 */
export function parseUrlList(value: string, separator: RegExp = /;/g): UrlListItem[] {
  const items: UrlListItem[] = [];
  let from = 0;
  const sep = new RegExp(separator.source, 'g');
  const pieces: Array<[number, number]> = [];
  for (let m = sep.exec(value); m; m = sep.exec(value)) {
    pieces.push([from, m.index]);
    from = m.index + m[0].length;
    if (m[0].length === 0) sep.lastIndex++;
  }
  pieces.push([from, value.length]);
  for (const [s, e] of pieces) {
    let start = s;
    let end = e;
    while (start < end && /\s/.test(value[start])) start++;
    while (end > start && /\s/.test(value[end - 1])) end--;
    if (start === end) continue;
    const raw = value.slice(start, end);
    items.push({ raw, start, end, parsed: parseEndpointUrl(raw) });
  }
  return items;
}

/**
 * The merge key: every loopback spelling of a port is the same listener, other hosts are distinct. A
 * `*.localhost` name (Aspire's `https://api.dev.localhost:7001`) stays its own endpoint: it is probed on
 * loopback but with its own name as SNI and in the name check, which `localhost` would not test.
 */
export function endpointKey(host: string, port: number): string {
  const h = host.toLowerCase();
  return isLoopbackHost(h) && !isLocalhostSubdomain(h) ? `loopback:${port}` : `${h}:${port}`;
}

/**
 * One listener, one endpoint: the same port declared in launch.json, launchSettings.json and
 * appsettings.json is probed once and shown with all three places. Loopback spellings (localhost,
 * 127.0.0.1, [::1], *, +, 0.0.0.0) of a port are the same listener; other hosts stay distinct.
 */
import type { DeclaredCertificate, DeclaredEndpoint, EndpointSource, SourceKind } from './types';
import { endpointFor, endpointKey } from './url';

// The order sources are listed in: the file people edit to launch first, then the server's own config.
const KIND_ORDER: SourceKind[] = [
  'command-line', 'setting', 'launch.json', 'launchSettings.json', 'applicationhost.config',
  'appsettings.json', 'dotenv', 'package.json', 'angular.json', 'vite.config', 'webpack.config', 'vue.config',
  'nuxt.config', 'astro.config', 'svelte.config',
];

/** Which declared host names the merged endpoint: the one a certificate is most likely issued for. */
function hostRank(host: string): number {
  if (host === 'localhost') return 0;
  if (host === '127.0.0.1') return 1;
  if (host === '[::1]') return 2;
  if (/^127\./.test(host)) return 3;
  return 4; // wildcards, and any non-loopback name (alone in its group anyway)
}

function compareSources(a: EndpointSource, b: EndpointSource): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
    || a.range.start.line - b.range.start.line
    || a.range.start.character - b.range.start.character;
}

function sourceId(s: EndpointSource): string {
  const r = s.range;
  return `${s.kind}|${s.file}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${s.detail ?? ''}|${s.declared ?? ''}`;
}

function certificateId(c: DeclaredCertificate): string {
  return `${sourceId(c.source)}|${c.path ?? ''}|${c.keyPath ?? ''}|${c.subject ?? ''}`;
}

function uniqueBy<T>(items: T[], id: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => { const k = id(t); if (seen.has(k)) return false; seen.add(k); return true; });
}

export function mergeEndpoints(endpoints: DeclaredEndpoint[]): DeclaredEndpoint[] {
  const groups = new Map<string, DeclaredEndpoint[]>();
  for (const e of endpoints) {
    const key = endpointKey(e.host, e.port);
    const g = groups.get(key);
    if (g) g.push(e); else groups.set(key, [e]);
  }
  const merged: DeclaredEndpoint[] = [];
  for (const group of groups.values()) {
    const best = group.reduce((a, b) => (hostRank(b.host) < hostRank(a.host) ? b : a));
    const n = endpointFor(best.host, best.port);
    const e: DeclaredEndpoint = {
      url: n.url, host: n.host, port: n.port, loopback: n.loopback, connectHost: n.connectHost,
      // Array.prototype.sort is stable, so equal sources keep discovery order.
      sources: uniqueBy(group.flatMap((g) => g.sources), sourceId).sort(compareSources),
      certificates: uniqueBy(group.flatMap((g) => g.certificates), certificateId)
        .sort((a, b) => compareSources(a.source, b.source)),
    };
    const mode = group.find((g) => g.clientCertificateMode)?.clientCertificateMode;
    if (mode) e.clientCertificateMode = mode;
    merged.push(e);
  }
  return merged.sort((a, b) => Number(b.loopback) - Number(a.loopback) || a.port - b.port || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

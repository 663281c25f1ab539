/**
 * What every per-format parser returns, and the one place that turns "this value at these offsets"
 * into a DeclaredEndpoint with its source, so all formats build ranges and lines the same way.
 */
import * as path from 'node:path';
import type { DeclaredCertificate, DeclaredEndpoint, DiscoveryWarning, EndpointSource, SourceKind } from './types';
import { LineIndex, ZERO_RANGE, type LocatedString } from './text';
import { endpointFor, parseEndpointUrl, parsePort, parseUrlList, type NormalizedEndpointUrl } from './url';

/**
 * One file's contribution. `endpoints` carry their own certificates; `certificates` holds the ones
 * declared for no endpoint in particular (Kestrel `Certificates:Default`).
 */
export interface ParseOutput {
  endpoints: DeclaredEndpoint[];
  certificates: DeclaredCertificate[];
  warnings: DiscoveryWarning[];
}

export function emptyOutput(): ParseOutput {
  return { endpoints: [], certificates: [], warnings: [] };
}

export class Collector {
  readonly out: ParseOutput = emptyOutput();
  private readonly lines: LineIndex | undefined;

  /** `text` undefined: values come from an object with no file behind it (the debug gate); ranges are empty. */
  constructor(readonly file: string, readonly kind: SourceKind, text: string | undefined, lines?: LineIndex) {
    this.lines = lines ?? (text === undefined ? undefined : new LineIndex(text));
  }

  source(start: number, end: number, detail?: string, declared?: string): EndpointSource {
    const s: EndpointSource = this.lines
      ? { kind: this.kind, file: this.file, line: this.lines.lineAt(start), range: this.lines.rangeAt(start, end) }
      : { kind: this.kind, file: this.file, line: 0, range: ZERO_RANGE };
    if (detail !== undefined) s.detail = detail;
    if (declared !== undefined) s.declared = declared;
    return s;
  }

  warn(offset: number, message: string): void {
    this.out.warnings.push({ file: this.file, line: this.lines ? this.lines.lineAt(offset) : 0, message });
  }

  endpoint(n: NormalizedEndpointUrl, source: EndpointSource): DeclaredEndpoint {
    const e: DeclaredEndpoint = {
      url: n.url, host: n.host, port: n.port, loopback: n.loopback, connectHost: n.connectHost,
      sources: [source], certificates: [],
    };
    this.out.endpoints.push(e);
    return e;
  }

  /** Every https URL of a `;` list, each with the range of its own item. http and variables are skipped. */
  urlList(value: LocatedString, detail?: string): DeclaredEndpoint[] {
    const made: DeclaredEndpoint[] = [];
    for (const item of parseUrlList(value.value)) {
      if (!item.parsed.ok) {
        if (item.parsed.reason === 'bad-port') this.warn(value.at(item.start), `"${item.raw}" has no usable port`);
        continue;
      }
      const src = this.source(value.at(item.start), value.at(item.end), detail, item.raw);
      made.push(this.endpoint(item.parsed, src));
    }
    return made;
  }

  /** A value that is one URL (launch.json `url`, `uriFormat`, a Kestrel endpoint `Url`). */
  url(value: LocatedString, detail?: string): DeclaredEndpoint | undefined {
    const text = value.value;
    const start = text.length - text.trimStart().length;
    const end = text.trimEnd().length;
    const parsed = parseEndpointUrl(text);
    if (!parsed.ok) {
      if (parsed.reason === 'bad-port') this.warn(value.at(start), `"${text.trim()}" has no usable port`);
      return undefined;
    }
    return this.endpoint(parsed, this.source(value.at(start), value.at(end), detail, text.trim()));
  }

  /** `5001` or `5001;5003` (HTTPS_PORTS): one `https://localhost:PORT` per port, each with its own range. */
  portList(value: LocatedString, detail?: string): DeclaredEndpoint[] {
    const made: DeclaredEndpoint[] = [];
    const re = /[^;,\s]+/g;
    for (let m = re.exec(value.value); m; m = re.exec(value.value)) {
      const port = parsePort(m[0]);
      if (port === undefined) continue; // a variable or a word: nothing literal to probe
      made.push(this.port(port, value.at(m.index), value.at(m.index + m[0].length), detail));
    }
    return made;
  }

  /** An HTTPS port declared without a URL (sslPort, HTTPS_PORT(S), CRA PORT): `https://host:port`. */
  port(port: number, start: number, end: number, detail?: string, host = 'localhost'): DeclaredEndpoint {
    return this.endpoint(endpointFor(host, port), this.source(start, end, detail, String(port)));
  }
}

/**
 * A certificate path as the server will open it. Relative paths are relative to the declaring file's
 * folder; a Windows absolute path stays as written even when we run elsewhere.
 */
export function resolveCertPath(declaringFile: string, p: string): string {
  if (path.isAbsolute(p) || path.win32.isAbsolute(p) || declaringFile === '') return p;
  return path.resolve(path.dirname(declaringFile), p);
}

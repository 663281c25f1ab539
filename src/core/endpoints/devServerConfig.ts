/**
 * `vite.config.*` and `webpack*.{js,ts,cjs,mjs}`: a best-effort text scan, never an evaluation.
 *
 * Recognised (vite): `server: {...}` / `preview: {...}` on the config object itself (not under `test`
 * or elsewhere) with `https: true | {...} | <identifier>`, `port: N` (default 5173; preview 4173,
 * inheriting server.https as Vite does), `host: '...'` (`true` = all interfaces); and
 * `@vitejs/plugin-basic-ssl` / `vite-plugin-mkcert` plugins, which turn HTTPS on.
 * Recognised (webpack): `devServer: {...}` with `https: true | {...}`, `server: 'https' | 'spdy'`,
 * `server: { type: 'https', options: {...} }`, `http2: true`, `port: N` (default 8080; `'auto'` is no
 * fixed port), `host`.
 * Certificates: `key` / `cert` / `pfx` as `fs.readFileSync(P)` or a plain path string, where P is a
 * string, `path.resolve|join(__dirname, '...')` or a template with `${__dirname}`; `passphrase` → hasPassword.
 * Followed one step: `const NAME = value` for `port: PORT`, `https: httpsOptions`, `server: serverOptions`.
 * A `port` that is an expression uses the number literal inside it (`Number(process.env.PORT) || 3000`),
 * else the default. Ignored on purpose: `proxy` (upstreams), `hmr` / `client.webSocketURL` (what the
 * browser connects back to), `origin`, anything in comments, strings or regular expressions.
 */
import * as path from 'node:path';
import { Collector, type ParseOutput } from './collect';
import type { DeclaredCertificate, DeclaredEndpoint, SourceKind } from './types';
import { LineIndex } from './text';
import { parsePort } from './url';
import { declarations, findProp, matching, readObject, tokenize, type Property, type Token } from './jsScan';
import { NPM_CONFIG_PREFIX, packageConfigPort } from './npmConfig';

type Flavor = 'vite' | 'webpack';
/** One config file being read: its tokens, its `const` declarations, its folder and where endpoints go. */
export interface Scan { tokens: Token[]; decls: Map<string, { from: number; to: number }>; dir: string; c: Collector }

/** Tokenizes a JS/TS config file once for one of the readers built on this scan (vue, nuxt, astro...). */
export function scanConfig(file: string, kind: SourceKind, text: string): Scan {
  const c = new Collector(file, kind, text, new LineIndex(text));
  const tokens = tokenize(text);
  return { tokens, decls: declarations(tokens), dir: path.dirname(file), c };
}

/** Reads a vite or webpack config; which one is decided by the file name (vite.config.* → vite). */
export function parseViteOrWebpackConfig(file: string, text: string): ParseOutput {
  const flavor: Flavor = /^vite\./i.test(path.basename(file)) ? 'vite' : 'webpack';
  const scan = scanConfig(file, flavor === 'vite' ? 'vite.config' : 'webpack.config', text);
  if (flavor === 'vite') readVite(scan); else readDevServers(scan, 'devServer', 8080);
  return scan.c.out;
}

export function isKeyAt(tokens: Token[], i: number, names: string[]): boolean {
  const tk = tokens[i];
  return (tk.t === 'id' || tk.t === 'str') && names.includes(tk.v)
    && tokens[i + 1]?.t === 'p' && tokens[i + 1].v === ':'
    && tokens[i - 1]?.t === 'p' && (tokens[i - 1].v === '{' || tokens[i - 1].v === ',');
}

/** The `{` that encloses token `i`, or -1. */
export function enclosingBrace(tokens: Token[], i: number): number {
  let depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const tk = tokens[j];
    if (tk.t !== 'p') continue;
    if (tk.v === '}' || tk.v === ')' || tk.v === ']') depth++;
    else if (tk.v === '{' || tk.v === '(' || tk.v === '[') {
      if (depth === 0) return tk.v === '{' ? j : -1;
      depth--;
    }
  }
  return -1;
}

/** The object literal a property's value is, directly or through one `const` (index of its `{`). */
export function objectOf(scan: Scan, from: number, to: number): number | undefined {
  const tk = scan.tokens[from];
  if (!tk) return undefined;
  if (tk.t === 'p' && tk.v === '{' && matching(scan.tokens, from) === to - 1) return from;
  if (tk.t === 'id' && to === from + 1) {
    const d = scan.decls.get(tk.v);
    if (d && d.from !== from) return objectOf(scan, d.from, d.to);
  }
  return undefined;
}

/** The value tokens, with a lone identifier replaced by its `const` value. */
function resolved(scan: Scan, p: { from: number; to: number }): { from: number; to: number } {
  const tk = scan.tokens[p.from];
  if (tk?.t === 'id' && p.to === p.from + 1) {
    const d = scan.decls.get(tk.v);
    if (d && d.from !== p.from) return d;
  }
  return p;
}

type HttpsVerdict = { on: false } | { on: true; options?: number };

/** What an `https:` value says: off for false/null/undefined/0, an object's options, on otherwise. */
function httpsValue(scan: Scan, p: Property): HttpsVerdict {
  const obj = objectOf(scan, p.from, p.to);
  if (obj !== undefined) return { on: true, options: obj };
  const r = resolved(scan, p);
  const first = scan.tokens[r.from];
  if (r.to === r.from + 1 && first && ['false', 'null', 'undefined', '0'].includes(first.v) && first.t !== 'str') return { on: false };
  if (r.to === r.from) return { on: false };
  // `true`, or an expression (`process.env.HTTPS === 'true' && {...}`): declared as HTTPS.
  return { on: true };
}

export interface Listener {
  https: HttpsVerdict; httpsAnchor?: [number, number]; port?: number; portAnchor?: [number, number]; host?: string;
  /** `'auto'`, or an expression with no literal to fall back on (`process.env.PORT`, `${...}`): no fixed port. */
  portUnknown?: boolean;
}

export function readPort(scan: Scan, props: Property[], l: Listener): void {
  const p = findProp(props, 'port');
  if (!p) return;
  const r = resolved(scan, p);
  const toks = scan.tokens.slice(r.from, r.to);
  if (toks.length === 1 && toks[0].t === 'str' && toks[0].v === 'auto') { l.portUnknown = true; return; }
  // Office add-ins: `process.env.npm_package_config_dev_server_port || 3000` is package.json's
  // `config.dev_server_port` when it sets one (npm passes it in), else the literal.
  const npmConfig = toks.find((t) => t.t === 'id' && t.v.startsWith(NPM_CONFIG_PREFIX));
  const fromPackage = npmConfig ? packageConfigPort(scan.dir, npmConfig.v.slice(NPM_CONFIG_PREFIX.length)) : undefined;
  if (fromPackage !== undefined) { l.port = fromPackage; l.portAnchor = [npmConfig!.s, npmConfig!.e]; return; }
  // A literal, or the one number literal in an expression such as `+process.env.PORT || 3000`.
  const literals = toks.filter((t) => t.t === 'num' || (t.t === 'str' && /^\d+$/.test(t.v)));
  const port = literals.length === 1 ? parsePort(literals[0].v) : undefined;
  // `process.env.PORT` alone, `${...}`: the port is decided elsewhere; guessing the default would name
  // a port nothing listens on.
  if (port === undefined) { l.portUnknown = true; return; }
  l.port = port;
  const t = literals[0];
  l.portAnchor = t.t === 'str' ? [t.s + 1, t.e - 1] : [t.s, t.e];
}

export function readHost(scan: Scan, props: Property[], l: Listener): void {
  const p = findProp(props, 'host');
  if (!p) return;
  const r = resolved(scan, p);
  const tk = scan.tokens[r.from];
  if (r.to !== r.from + 1 || !tk) return;
  if (tk.t === 'str') l.host = tk.v;
  else if (tk.v === 'true') l.host = '0.0.0.0'; // vite: `host: true` listens on every interface
}

export function span(scan: Scan, from: number, to: number): [number, number] {
  const a = scan.tokens[from];
  const b = scan.tokens[Math.max(from, to - 1)];
  if (from === to - 1 && (a.t === 'str' || a.t === 'tpl')) return [a.s + 1, a.e - 1];
  return [a.s, b.e];
}

export function emit(scan: Scan, l: Listener, defaultPort: number, detail: string, fallbackAnchor: [number, number]): void {
  if (!l.https.on || l.portUnknown) return;
  const port = l.port ?? defaultPort;
  const [s, e] = l.portAnchor ?? l.httpsAnchor ?? fallbackAnchor;
  const endpoint = scan.c.port(port, s, e, detail, l.host ?? 'localhost');
  if (l.https.options !== undefined) readCertificates(scan, l.https.options, endpoint, detail);
}

// ---- vite ----

/**
 * The Vite `server` / `preview` blocks of a config object: the file's own (vite.config), or the object
 * under `under` (Astro's `vite: {...}`, old SvelteKit's `kit.vite`). `portFrom` is a listener whose
 * port and host win over Vite's (Astro's own `server` block).
 */
export function readVite(scan: Scan, options: { under?: string; defaultPort?: number; detail?: string; portFrom?: Listener } = {}): void {
  const { tokens } = scan;
  const plugin = sslPlugin(scan);
  const defaultPort = options.defaultPort ?? 5173;
  let server: Listener | undefined;
  let serverAnchor: [number, number] | undefined;
  const previews: Array<{ props: Property[]; anchor: [number, number] }> = [];
  for (let i = 1; i < tokens.length; i++) {
    if (!isKeyAt(tokens, i, ['server', 'preview'])) continue;
    // Only on the config object: `test.server` (vitest) and the like are something else.
    const owner = enclosingBrace(tokens, i);
    if (owner < 0 || !ownedBy(scan, owner, options.under)) continue;
    const prop = readObject(tokens, owner).find((p) => p.keyToken === tokens[i]);
    if (!prop) continue;
    const obj = objectOf(scan, prop.from, prop.to);
    if (obj === undefined) continue;
    const props = readObject(tokens, obj);
    const anchor: [number, number] = [tokens[i].s, tokens[i].e];
    if (tokens[i].v === 'preview') { previews.push({ props, anchor }); continue; }
    server = listenerOf(scan, props);
    serverAnchor = anchor;
  }
  if (!server && plugin) server = { https: { on: false } };
  if (server) {
    if (!server.https.on && plugin) server.https = { on: true };
    const own = options.portFrom;
    if (own?.port !== undefined || own?.portUnknown) { server.port = own.port; server.portAnchor = own.portAnchor; server.portUnknown = own.portUnknown; }
    if (own?.host !== undefined) server.host = own.host;
    emit(scan, server, defaultPort, options.detail ?? 'server', server.httpsAnchor ? server.httpsAnchor : plugin ? plugin.anchor : serverAnchor!);
  }
  for (const p of previews) {
    const l = listenerOf(scan, p.props);
    // Vite: preview.https defaults to server.https.
    if (!findProp(p.props, 'https')) { l.https = server?.https ?? (plugin ? { on: true } : { on: false }); l.httpsAnchor = server?.httpsAnchor; }
    emit(scan, l, 4173, 'preview', p.anchor);
  }
}

/**
 * Whether the object at `owner` is the config object itself (`under` undefined: not a property's
 * value) or the value of the property `under` (`vite: {...}`).
 */
function ownedBy(scan: Scan, owner: number, under: string | undefined): boolean {
  const { tokens } = scan;
  const isValue = tokens[owner - 1]?.t === 'p' && tokens[owner - 1].v === ':';
  if (under === undefined) return !isValue;
  return isValue && isKeyAt(tokens, owner - 2, [under]);
}

export function listenerOf(scan: Scan, props: Property[]): Listener {
  const l: Listener = { https: { on: false } };
  const https = findProp(props, 'https');
  if (https) {
    l.https = httpsValue(scan, https);
    l.httpsAnchor = span(scan, https.from, https.to);
  }
  readPort(scan, props, l);
  readHost(scan, props, l);
  return l;
}

/** `@vitejs/plugin-basic-ssl` / `vite-plugin-mkcert` imported and called: HTTPS with a generated cert. */
function sslPlugin(scan: Scan): { anchor: [number, number] } | undefined {
  const { tokens } = scan;
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const tk = tokens[i];
    if (tk.t !== 'str' || !/^(@vitejs\/plugin-basic-ssl|vite-plugin-mkcert)$/.test(tk.v)) continue;
    // import NAME from '...'  |  const NAME = require('...')
    if (tokens[i - 1]?.v === 'from' && tokens[i - 2]?.t === 'id') names.add(tokens[i - 2].v);
    if (tokens[i - 1]?.v === '(' && tokens[i - 2]?.v === 'require' && tokens[i - 3]?.v === '=' && tokens[i - 4]?.t === 'id') names.add(tokens[i - 4].v);
  }
  for (let i = 0; i < tokens.length - 1; i++) {
    const tk = tokens[i];
    if (tk.t === 'id' && names.has(tk.v) && tokens[i + 1].v === '(' && tokens[i - 1]?.v !== 'import') return { anchor: [tk.s, tk.e] };
  }
  return undefined;
}

// ---- webpack ----

/**
 * Every webpack-dev-server style block named `key` (`devServer` in webpack and Vue CLI configs; Nuxt's
 * `devServer` and Nuxt 2's `server` take the same `https` / `port` / `host`).
 */
export function readDevServers(scan: Scan, key: string, defaultPort: number, onlyTopLevel = false): void {
  const { tokens } = scan;
  for (let i = 1; i < tokens.length; i++) {
    if (!isKeyAt(tokens, i, [key])) continue;
    const owner = enclosingBrace(tokens, i);
    if (owner < 0 || (onlyTopLevel && !ownedBy(scan, owner, undefined))) continue;
    const prop = readObject(tokens, owner).find((p) => p.keyToken === tokens[i]);
    if (!prop) continue;
    const obj = objectOf(scan, prop.from, prop.to);
    if (obj === undefined) continue;
    const props = readObject(tokens, obj);
    const l = listenerOf(scan, props);
    const server = findProp(props, 'server');
    if (server) {
      const r = resolved(scan, server);
      const tk = tokens[r.from];
      const serverObj = objectOf(scan, server.from, server.to);
      if (tk?.t === 'str' && r.to === r.from + 1) {
        if (/^(https|spdy)$/.test(tk.v)) l.https = { on: true };
        l.httpsAnchor = span(scan, r.from, r.to);
      } else if (serverObj !== undefined) {
        const sp = readObject(tokens, serverObj);
        const type = findProp(sp, 'type');
        const typeTk = type ? tokens[resolved(scan, type).from] : undefined;
        if (typeTk?.t === 'str' && /^(https|spdy)$/.test(typeTk.v)) {
          const options = findProp(sp, 'options');
          l.https = { on: true, options: options ? objectOf(scan, options.from, options.to) : undefined };
          l.httpsAnchor = span(scan, type!.from, type!.to);
        }
      }
    }
    const http2 = findProp(props, 'http2');
    if (!l.https.on && http2 && tokens[http2.from]?.v === 'true') { l.https = { on: true }; l.httpsAnchor = span(scan, http2.from, http2.to); }
    emit(scan, l, defaultPort, key, [tokens[i].s, tokens[i].e]);
  }
}

// ---- certificates ----

function readCertificates(scan: Scan, optionsBrace: number, endpoint: DeclaredEndpoint, detail: string): void {
  const props = readObject(scan.tokens, optionsBrace);
  const cert = pathOf(scan, findProp(props, 'cert')) ?? pathOf(scan, findProp(props, 'pfx'));
  const key = pathOf(scan, findProp(props, 'key'));
  if (!cert && !key) return;
  const anchor = (cert ?? key)!.anchor;
  const declared: DeclaredCertificate = { source: scan.c.source(anchor[0], anchor[1], `${detail}.https`) };
  if (cert) declared.path = cert.path;
  if (key) declared.keyPath = key.path;
  if (findProp(props, 'passphrase')) declared.hasPassword = true;
  endpoint.certificates.push(declared);
}

/** A file path from `fs.readFileSync(P)`, `readFileSync(P, 'utf8')`, or P itself (a path string or path.join/resolve). */
function pathOf(scan: Scan, p: Property | undefined): { path: string; anchor: [number, number] } | undefined {
  if (!p) return undefined;
  const { tokens } = scan;
  const r = resolved(scan, p);
  for (let i = r.from; i < r.to; i++) {
    if (tokens[i].t === 'id' && tokens[i].v === 'readFileSync' && tokens[i + 1]?.v === '(') {
      const close = matching(tokens, i + 1);
      // The first argument: up to the first `,` at this level.
      let end = i + 2;
      while (end < close && tokens[end].v !== ',') end = tokens[end].t === 'p' && '([{'.includes(tokens[end].v) ? matching(tokens, end) + 1 : end + 1;
      return pathExpression(scan, i + 2, end);
    }
  }
  // webpack-dev-server also takes paths directly. A lone string must look like a file name: PEM
  // text pasted inline is not a path.
  const only = tokens[r.from];
  if (r.to === r.from + 1 && (only?.t === 'str' || only?.t === 'tpl') && !/\.(pem|crt|cer|key|pfx|p12)$/i.test(only.v)) return undefined;
  return pathExpression(scan, r.from, r.to);
}

/** `'x'`, `path.resolve(__dirname, 'a', 'b')`, `path.join(...)`, `` `${__dirname}/x` ``; else undefined. */
function pathExpression(scan: Scan, from: number, to: number): { path: string; anchor: [number, number] } | undefined {
  const { tokens, dir } = scan;
  const first = tokens[from];
  if (!first) return undefined;
  if (to === from + 1 && first.t === 'str') return { path: path.resolve(dir, first.v), anchor: [first.s + 1, first.e - 1] };
  if (to === from + 1 && first.t === 'tpl') {
    const v = first.v.replace(/\$\{\s*(__dirname|process\.cwd\(\))\s*\}/g, dir.replace(/\$/g, '$$$$'));
    if (v.includes('${')) return undefined;
    return { path: path.resolve(dir, v), anchor: [first.s + 1, first.e - 1] };
  }
  // [path.]resolve|join( args )
  let call = from;
  if (first.t === 'id' && tokens[from + 1]?.v === '.') call = from + 2;
  const fn = tokens[call];
  if (fn?.t !== 'id' || !/^(resolve|join)$/.test(fn.v) || tokens[call + 1]?.v !== '(') return undefined;
  const close = matching(tokens, call + 1);
  if (close !== to - 1) return undefined;
  const parts: string[] = [];
  let lastStr: Token | undefined;
  for (let i = call + 2; i < close; i++) {
    const tk = tokens[i];
    if (tk.t === 'p' && tk.v === ',') continue;
    if (tk.t === 'str') { parts.push(tk.v); lastStr = tk; continue; }
    if (tk.t === 'id' && tk.v === '__dirname') { parts.push(dir); continue; }
    if (tk.t === 'id' && tk.v === 'process' && tokens[i + 2]?.v === 'cwd') { parts.push(dir); i += 4; continue; }
    return undefined; // anything computed
  }
  if (!lastStr) return undefined;
  return { path: path.resolve(dir, ...parts), anchor: [lastStr.s + 1, lastStr.e - 1] };
}

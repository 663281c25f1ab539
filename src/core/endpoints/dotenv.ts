/**
 * Create React App `.env` files: `.env`, `.env.local`, `.env.development`, `.env.development.local`.
 *
 * Read: `HTTPS=true` (exactly `true`, as react-scripts compares) with `PORT` (default 3000) and `HOST`
 * → https://HOST:PORT; `SSL_CRT_FILE` / `SSL_KEY_FILE` → the certificate (relative to the app folder).
 * The files of one folder are read together, as react-scripts loads them: the first file in the order
 * `.env.development.local`, `.env.local`, `.env.development`, `.env` that sets a variable wins, and
 * `$VAR` / `${VAR}` references are expanded (dotenv-expand). The range is the PORT value when PORT is
 * set, else the HTTPS value.
 * Ignored on purpose: `PORT` without `HTTPS=true` (a plain http dev server), `REACT_APP_*` URLs (what
 * the app calls, not where it listens), `.env.test*` / `.env.production*` (not served by `npm start`).
 */
import * as path from 'node:path';
import { Collector, emptyOutput, resolveCertPath, type ParseOutput } from './collect';
import { DEFAULT_MAX_FILE_BYTES, readContainedTextSync } from './containedRead';
import { LineIndex } from './text';
import { parsePort } from './url';

/** Later in this list = lower precedence (dotenv never overrides a variable already set). */
const PRECEDENCE = ['.env.development.local', '.env.local', '.env.development', '.env'];

interface EnvValue { value: string; start: number; end: number; file: string }

export interface DotEnvFile { file: string; text: string }

/**
 * One `.env` file as react-scripts sees it: layered with its sibling `.env*` files (read from disk
 * unless given), returning only what this file declares. The language server re-parses an open
 * document this way: `.env` alone saying `PORT=3000` is not an endpoint when `.env.local` overrides it.
 */
export function parseDotEnv(file: string, text: string, siblings?: DotEnvFile[]): ParseOutput {
  const others = siblings ?? readSiblings(file);
  const all = [{ file, text }, ...others.filter((o) => path.resolve(o.file) !== path.resolve(file))];
  const out = parseDotEnvSet(all);
  const mine = (f: string): boolean => path.resolve(f) === path.resolve(file);
  return {
    endpoints: out.endpoints.filter((e) => e.sources.some((s) => mine(s.file))),
    certificates: out.certificates.filter((c) => mine(c.source.file)),
    warnings: out.warnings.filter((w) => mine(w.file)),
  };
}

/**
 * The siblings of a document open in the editor, read the way discovery reads (see containedRead.ts):
 * regular files only, capped, and only when they stay inside the document's own folder — a parser has
 * no workspace folder to check against, and siblings are by definition in the same folder.
 */
function readSiblings(file: string): DotEnvFile[] {
  if (!path.isAbsolute(file)) return [];
  const dir = path.dirname(file);
  const found: DotEnvFile[] = [];
  for (const name of PRECEDENCE) {
    const f = path.join(dir, name);
    if (f === file) continue;
    // Absent, linked elsewhere, special or too large: left out, as react-scripts would fail to read it.
    const read = readContainedTextSync(f, { within: dir, maxBytes: DEFAULT_MAX_FILE_BYTES });
    if (read.text !== undefined) found.push({ file: f, text: read.text });
  }
  return found;
}

/** The `.env*` files of one app folder read together, the way react-scripts combines them. */
export function parseDotEnvSet(files: DotEnvFile[]): ParseOutput {
  const ordered = [...files].sort((a, b) => rank(a.file) - rank(b.file));
  const vars = new Map<string, EnvValue>();
  const collectors = new Map<string, Collector>();
  const collector = (file: string): Collector => {
    let c = collectors.get(file);
    if (!c) {
      const text = files.find((f) => f.file === file)!.text;
      c = new Collector(file, 'dotenv', text, new LineIndex(text));
      collectors.set(file, c);
    }
    return c;
  };
  for (const { file, text } of ordered) {
    for (const [key, v] of readDotEnv(text)) if (!vars.has(key)) vars.set(key, { ...v, file });
  }
  const get = (key: string): string | undefined => {
    const v = vars.get(key);
    return v === undefined ? undefined : expand(v.value, vars);
  };

  const https = vars.get('HTTPS');
  if (https && get('HTTPS') === 'true') {
    const portVar = vars.get('PORT');
    const portText = get('PORT');
    // react-scripts: parseInt(PORT) || 3000, so an empty PORT is the default too.
    const port = portText === undefined || portText.trim() === '' ? 3000 : parsePort(portText);
    if (port !== undefined) {
      const host = get('HOST')?.trim() || 'localhost';
      const anchor = portVar ?? https;
      const endpoint = collector(anchor.file).port(port, anchor.start, anchor.end, portVar ? 'PORT' : 'HTTPS=true', host);
      const crt = vars.get('SSL_CRT_FILE');
      const key = vars.get('SSL_KEY_FILE');
      if (crt || key) {
        const anchorCert = (crt ?? key)!;
        const cert = { source: collector(anchorCert.file).source(anchorCert.start, anchorCert.end, crt ? 'SSL_CRT_FILE' : 'SSL_KEY_FILE') } as ParseOutput['certificates'][number];
        const crtPath = get('SSL_CRT_FILE');
        const keyPath = get('SSL_KEY_FILE');
        if (crtPath) cert.path = resolveCertPath(anchorCert.file, crtPath);
        if (keyPath) cert.keyPath = resolveCertPath(anchorCert.file, keyPath);
        endpoint.certificates.push(cert);
      }
    }
  }

  const out = emptyOutput();
  for (const c of collectors.values()) {
    out.endpoints.push(...c.out.endpoints);
    out.warnings.push(...c.out.warnings);
  }
  return out;
}

function rank(file: string): number {
  const i = PRECEDENCE.indexOf(path.basename(file));
  return i === -1 ? PRECEDENCE.length : i;
}

/** `KEY=value` lines with the offsets of each value as written (quotes excluded). */
export function readDotEnv(text: string): Map<string, { value: string; start: number; end: number }> {
  const vars = new Map<string, { value: string; start: number; end: number }>();
  // `d` gives each group's offsets; `m` makes ^/$ match at \n and \r alike.
  const lineRe = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*(.*?)[ \t]*$/dgm;
  for (let m = lineRe.exec(text); m; m = lineRe.exec(text)) {
    const raw = m[2];
    const rawStart = m.indices![2][0];
    let value: string;
    let start: number;
    const quote = raw[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = raw.indexOf(quote, 1);
      if (close === -1) continue; // multi-line values are not ports or paths
      value = raw.slice(1, close);
      start = rawStart + 1;
    } else {
      // An unquoted value ends at ` #` (a trailing comment).
      const hash = raw.search(/\s#/);
      value = (hash === -1 ? raw : raw.slice(0, hash)).trimEnd();
      start = rawStart;
    }
    // Later lines of the same file override earlier ones (dotenv parses the file into one object).
    vars.set(m[1], { value, start, end: start + value.length });
  }
  return vars;
}

/** dotenv-expand's `$VAR` / `${VAR}` / `${VAR:-default}`, one level deep is plenty for ports and paths. */
function expand(value: string, vars: Map<string, EnvValue>, depth = 0): string {
  if (depth > 5 || !value.includes('$')) return value;
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_all, a, def, b) => {
    const name = (a ?? b) as string;
    const v = vars.get(name);
    return v !== undefined ? expand(v.value, vars, depth + 1) : (def ?? '');
  });
}

/**
 * `package.json`: dev servers whose HTTPS is turned on from the command line, and Office add-in ports.
 *
 * Read from `scripts` (each script split into commands at `&&`, `||`, `;`, `|`, `&`; words as a shell
 * splits them; environment from `VAR=x` prefixes, `cross-env`, `env`, and `set`/`export` earlier in
 * the same script):
 *   `next dev --experimental-https [-p|--port N] [-H host]` (PORT from the environment; default 3000;
 *     `--experimental-https-key/-cert` → the certificate);
 *   `ng serve --ssl [--port N] [--ssl-cert/--ssl-key]`, combined with the project's `serve` options in
 *     the angular.json beside it (port, host, sslCert, sslKey; `-c NAME` layered) — default 4200;
 *   `vite [dev|serve|preview] --https [--port N]` (default 5173, preview 4173);
 *   `webpack serve` / `webpack-dev-server` with `--server-type https|spdy`, `--https` or `--http2`
 *     (default 8080); `vue-cli-service serve --https` (default 8080); `nuxt|nuxi dev --https` (3000);
 *   `react-scripts|craco|react-app-rewired start` with `HTTPS=true` (PORT, HOST, SSL_CRT_FILE,
 *     SSL_KEY_FILE; default 3000).
 * A command that runs another script (`npm run dev:ssl -- --port 8443`, `npm start`, `yarn dev`,
 * `pnpm run dev`) is followed once: that script's commands, with this command's environment and its
 * extra arguments appended, as npm does.
 * `config.<key>` when the webpack config beside it serves HTTPS on `process.env.npm_package_config_<key>`
 * (the Office add-in templates' `dev_server_port`).
 * Ranges: the port as written (a flag value, `PORT=` value or the config value), else the flag that
 * turns HTTPS on. Ports that are variables (`$PORT`, `${PORT}`) are not guessed; `${PORT:-3000}` is 3000.
 * Ignored on purpose: `proxy` (CRA upstream), `homepage`, URLs in `--public`/`--env`/`REACT_APP_*`,
 * `next start` (production), any script whose HTTPS flag is off (`--https=false`, `--no-https`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Collector, resolveCertPath, type ParseOutput } from './collect';
import { DEFAULT_MAX_FILE_BYTES, readContainedTextSync } from './containedRead';
import { parseViteOrWebpackConfig } from './devServerConfig';
import { entries, locateString, parseJsonc, prop, stringValue, valueSpan, type JsonNode } from './jsonTree';
import { NPM_CONFIG_PREFIX } from './npmConfig';
import type { LocatedString } from './text';
import { endpointFor, parsePort } from './url';

export function parsePackageJson(file: string, text: string): ParseOutput {
  const { root, lines, warnings } = parseJsonc(file, text);
  const c = new Collector(file, 'package.json', text, lines);
  c.out.warnings.push(...warnings);
  const scripts = new Map<string, LocatedString>();
  const spans: Array<{ name: string; start: number; end: number }> = [];
  for (const [name, node] of entries(prop(root, 'scripts'))) {
    const located = locateString(text, node);
    if (located) { scripts.set(name, located); spans.push({ name, start: node.offset, end: node.offset + node.length }); }
  }
  // A followed script's endpoint is named by the script whose text declares it.
  const scriptAt = (offset: number, fallback: string) => spans.find((s) => s.start <= offset && offset < s.end)?.name ?? fallback;
  const emitted = new Set<string>();
  for (const [name, script] of scripts) {
    for (const command of expand(commandsOf(script), scripts)) {
      const listener = listenerOf(command, file);
      if (!listener) continue;
      const key = `${listener.host}:${listener.port}:${listener.anchor[0]}`;
      if (emitted.has(key)) continue; // `npm run dev:ssl` adds nothing to dev:ssl itself
      emitted.add(key);
      const detail = `scripts.${scriptAt(listener.anchor[0], name)}`;
      const source = c.source(listener.anchor[0], listener.anchor[1], detail);
      source.server = listener.server;
      const endpoint = c.endpoint(endpointFor(listener.host, listener.port), source);
      if (listener.cert || listener.key) {
        const anchor = listener.cert ?? listener.key!;
        endpoint.certificates.push({
          source: c.source(anchor.start, anchor.end, detail),
          ...(listener.cert ? { path: resolveCertPath(file, listener.cert.text) } : {}),
          ...(listener.key ? { keyPath: resolveCertPath(file, listener.key.text) } : {}),
        });
      }
    }
  }
  readOfficeConfig(c, file, prop(root, 'config'));
  return c.out;
}

// ---- words and commands ----

/** One shell word: its text with quotes removed, and file offsets of what was written. */
interface Word { text: string; start: number; end: number; /** file offset of text index i (unquoted words only) */ at?: (i: number) => number }

/** A script split into commands of words, with file offsets (through the located JSON string). */
function commandsOf(script: LocatedString): Word[][] {
  const v = script.value;
  const commands: Word[][] = [];
  let words: Word[] = [];
  let i = 0;
  const endCommand = () => { if (words.length) commands.push(words); words = []; };
  while (i < v.length) {
    const ch = v[i];
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '&' || ch === '|' || ch === ';') { i += v[i + 1] === ch ? 2 : 1; endCommand(); continue; }
    const start = i;
    let text = '';
    let quoted = false;
    while (i < v.length && !/[\s&|;]/.test(v[i])) {
      const q = v[i];
      if (q === '"' || q === "'") {
        quoted = true;
        const close = v.indexOf(q, i + 1);
        const end = close === -1 ? v.length : close;
        text += v.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (q === '\\' && i + 1 < v.length) { text += v[i + 1]; i += 2; quoted = true; continue; }
      text += q;
      i++;
    }
    const word: Word = { text, start: script.at(start), end: script.at(Math.min(i, v.length)) };
    if (!quoted) word.at = (k) => script.at(start + k);
    words.push(word);
  }
  endCommand();
  return commands;
}

/** A command with the environment it runs with: `VAR=x` prefixes, `cross-env`, `set`/`export` before it. */
interface Command { env: Map<string, Word>; words: Word[] }

const ENV_ASSIGNMENT = /^([A-Za-z_]\w*)=(.*)$/s;
const ENV_RUNNERS = new Set(['cross-env', 'cross-env-shell', 'env']);
const BIN_RUNNERS = new Set(['npx', 'bunx', 'pnpx']);

function withEnvironment(raw: Word[][]): Command[] {
  const persistent = new Map<string, Word>();
  const out: Command[] = [];
  for (const words of raw) {
    const env = new Map(persistent);
    let i = 0;
    const head = words[0].text;
    if (head === 'set' || head === 'export') {
      // `set HTTPS=true&& react-scripts start` (Windows), `export PORT=3001; next dev`.
      for (const w of words.slice(1)) { const a = assignment(w); if (a) persistent.set(a[0], a[1]); }
      continue;
    }
    for (; i < words.length; i++) {
      const w = words[i];
      if (ENV_RUNNERS.has(w.text)) continue;
      const a = assignment(w);
      if (a) { env.set(a[0], a[1]); continue; }
      break;
    }
    if (i < words.length) out.push({ env, words: words.slice(i) });
  }
  return out;
}

/** `NAME=value` as the name and a word for the value alone. */
function assignment(w: Word): [string, Word] | undefined {
  const m = ENV_ASSIGNMENT.exec(w.text);
  if (!m) return undefined;
  const offset = m[1].length + 1;
  return [m[1], { text: m[2], start: w.at ? w.at(offset) : w.start, end: w.end, ...(w.at ? { at: (k: number) => w.at!(offset + k) } : {}) }];
}

/**
 * The commands a script runs, with one level of `npm run X` followed: X's commands, this command's
 * environment under theirs, and the extra arguments appended to X's last command.
 */
function expand(raw: Word[][], scripts: Map<string, LocatedString>): Command[] {
  const out: Command[] = [];
  for (const command of withEnvironment(raw)) {
    const ref = scriptReference(command.words, scripts);
    if (!ref) { out.push(command); continue; }
    const inner = withEnvironment(commandsOf(scripts.get(ref.name)!));
    inner.forEach((cmd, k) => {
      const env = new Map([...command.env, ...cmd.env]);
      out.push({ env, words: k === inner.length - 1 ? [...cmd.words, ...ref.extra] : cmd.words });
    });
  }
  return out;
}

/** `npm run X [-- args]`, `npm start`, `yarn [run] X args`, `pnpm [run] X args`, `bun run X args`. */
function scriptReference(words: Word[], scripts: Map<string, LocatedString>): { name: string; extra: Word[] } | undefined {
  const tool = words[0].text;
  if (!['npm', 'yarn', 'pnpm', 'bun'].includes(tool)) return undefined;
  let i = 1;
  while (i < words.length && words[i].text.startsWith('-')) i++; // npm --silent run x
  let name: string | undefined;
  if (words[i]?.text === 'run' || words[i]?.text === 'run-script') { name = words[i + 1]?.text; i += 2; }
  else if (tool === 'npm' && (words[i]?.text === 'start' || words[i]?.text === 'test')) { name = words[i].text; i += 1; }
  else if (tool !== 'npm' && tool !== 'bun') { name = words[i]?.text; i += 1; }
  if (!name || !scripts.has(name)) return undefined;
  let rest = words.slice(i);
  const dashes = rest.findIndex((w) => w.text === '--');
  // npm keeps its own flags before `--`; yarn and pnpm pass everything on.
  if (tool === 'npm') rest = dashes === -1 ? [] : rest.slice(dashes + 1);
  else if (dashes === 0) rest = rest.slice(1);
  return { name, extra: rest };
}

// ---- what each dev server does with its flags ----

interface ScriptListener {
  server: string;
  host: string;
  port: number;
  /** File offsets of the range: the port as written, else the HTTPS switch. */
  anchor: [number, number];
  cert?: Word;
  key?: Word;
}

/** The program a command runs (`./node_modules/.bin/ng` → `ng`), past `npx` and `pnpm exec`. */
function program(words: Word[]): { name: string; args: Word[] } | undefined {
  let i = 0;
  if (BIN_RUNNERS.has(words[i]?.text)) { i++; while (words[i]?.text.startsWith('-')) i++; }
  else if ((words[i]?.text === 'pnpm' || words[i]?.text === 'yarn') && (words[i + 1]?.text === 'exec' || words[i + 1]?.text === 'dlx')) i += 2;
  else if (words[i]?.text === 'yarn' || words[i]?.text === 'pnpm') i++; // `yarn vite` runs the bin when no script has that name
  const w = words[i];
  if (!w) return undefined;
  return { name: path.posix.basename(w.text.replace(/\\/g, '/')).replace(/\.(cmd|js)$/, ''), args: words.slice(i + 1) };
}

function listenerOf(command: Command, file: string): ScriptListener | undefined {
  const p = program(command.words);
  if (!p) return undefined;
  const { name, args } = p;
  const sub = args[0] && !args[0].text.startsWith('-') ? args[0].text : undefined;
  const flags = new Flags(sub ? args.slice(1) : args);
  switch (name) {
    case 'next': {
      if (sub !== undefined && sub !== 'dev') return undefined;
      const on = flags.bool(['--experimental-https']);
      if (!on) return undefined;
      const port = flags.value(['-p', '--port']) ?? command.env.get('PORT');
      return made('next', on, port, 3000, flags.value(['-H', '--hostname']), flags.value(['--experimental-https-cert']), flags.value(['--experimental-https-key']));
    }
    case 'ng': {
      if (sub !== 'serve' && sub !== 's') return undefined;
      const on = flags.bool(['--ssl']);
      if (!on) return undefined;
      const project = args[1] && !args[1].text.startsWith('-') ? args[1].text : undefined;
      const angular = angularServe(file, project, flags.value(['-c', '--configuration'])?.text);
      const port = flags.value(['--port']);
      const portValue = port ? undefined : angular.port;
      if (angular.port === 0 && !port) return undefined;
      const listener = made('angular', on, port, portValue ?? 4200, flags.value(['--host']) ?? wordOf(angular.host),
        flags.value(['--ssl-cert', '--sslCert']), flags.value(['--ssl-key', '--sslKey']));
      if (listener && !listener.cert && !listener.key) {
        // Relative to angular.json's folder, which is this one: the certificate the options name.
        if (angular.sslCert) listener.cert = { ...wordOf(angular.sslCert)!, start: on.start, end: on.end };
        if (angular.sslKey) listener.key = { ...wordOf(angular.sslKey)!, start: on.start, end: on.end };
      }
      return listener;
    }
    case 'vite': {
      if (sub === 'build' || sub === 'optimize') return undefined; // anything else is `vite [root]`, dev or preview
      const on = flags.bool(['--https']);
      return on && made('vite', on, flags.value(['--port']), sub === 'preview' ? 4173 : 5173, hostFlag(flags));
    }
    case 'webpack': case 'webpack-cli': case 'webpack-dev-server': {
      if (name !== 'webpack-dev-server' && !['serve', 'server', 's'].includes(sub ?? '')) return undefined;
      const type = flags.value(['--server-type']);
      const on = type && /^(https|spdy)$/.test(type.text) ? type : flags.bool(['--https']) ?? flags.bool(['--http2']);
      return on && made('webpack', on, flags.value(['--port']), 8080, hostFlag(flags));
    }
    case 'vue-cli-service': {
      if (sub !== 'serve') return undefined;
      const on = flags.bool(['--https']);
      return on && made('vue', on, flags.value(['--port']), 8080, hostFlag(flags));
    }
    case 'nuxt': case 'nuxi': {
      if (sub !== undefined && sub !== 'dev') return undefined;
      const on = flags.bool(['--https']);
      return on && made('nuxt', on, flags.value(['-p', '--port']) ?? command.env.get('PORT'), 3000, hostFlag(flags) ?? flags.value(['-H', '--hostname']),
        flags.value(['--https.cert', '--ssl-cert']), flags.value(['--https.key', '--ssl-key']));
    }
    case 'react-scripts': case 'craco': case 'react-app-rewired': {
      if (sub !== 'start') return undefined;
      const https = command.env.get('HTTPS');
      if (https?.text !== 'true') return undefined; // react-scripts compares with 'true' exactly
      return made('cra', https, command.env.get('PORT'), 3000, command.env.get('HOST'), command.env.get('SSL_CRT_FILE'), command.env.get('SSL_KEY_FILE'));
    }
  }
  return undefined;
}

/** `--host NAME`; a bare `--host` (vite: every interface) has no value and means localhost too. */
function hostFlag(flags: Flags): Word | undefined {
  return flags.value(['--host']);
}

/** The listener, or undefined when the port is a variable with no literal fallback. */
function made(server: string, on: Word, portWord: Word | undefined, defaultPort: number,
  host?: Word, cert?: Word, key?: Word): ScriptListener | undefined {
  let port = defaultPort;
  let anchor: [number, number] = [on.start, on.end];
  if (portWord) {
    const literal = portLiteral(portWord);
    if (!literal) return undefined;
    port = literal.port;
    anchor = literal.anchor;
  }
  const h = host && !/\$/.test(host.text) && host.text !== '' ? host.text : 'localhost';
  return { server, host: h, port, anchor, ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** `8443`, or the default in `${PORT:-8443}`; `$PORT` / `${PORT}` are not literals. */
function portLiteral(w: Word): { port: number; anchor: [number, number] } | undefined {
  const direct = parsePort(w.text);
  if (direct !== undefined) return { port: direct, anchor: [w.start, w.end] };
  const m = /^\$\{\w+:?-(\d+)\}$/.exec(w.text);
  const port = m ? parsePort(m[1]) : undefined;
  if (port === undefined || !m) return undefined;
  const k = w.text.indexOf(m[1]);
  return { port, anchor: w.at ? [w.at(k), w.at(k + m[1].length)] : [w.start, w.end] };
}

/** Command-line flags as the CLIs read them: `--x`, `--x=v`, `--x v`, `-p v`, `--no-x`. */
class Flags {
  constructor(private readonly words: Word[]) {}

  /** The word that turns a boolean flag on (last one wins), or undefined when off or absent. */
  bool(names: string[]): Word | undefined {
    let on: Word | undefined;
    this.words.forEach((w, i) => {
      for (const n of names) {
        if (w.text === `--no-${n.slice(2)}`) on = undefined;
        else if (w.text === n) on = /^(false|0)$/.test(this.words[i + 1]?.text ?? '') ? undefined : w;
        else if (w.text.startsWith(`${n}=`)) on = /^(true|1)$/.test(w.text.slice(n.length + 1)) ? w : undefined;
      }
    });
    return on;
  }

  /** The value of a flag (last one wins) as its own word. */
  value(names: string[]): Word | undefined {
    let found: Word | undefined;
    this.words.forEach((w, i) => {
      for (const n of names) {
        if (w.text === n && this.words[i + 1] && !this.words[i + 1].text.startsWith('-')) found = this.words[i + 1];
        else if (w.text.startsWith(`${n}=`)) {
          const k = n.length + 1;
          found = { text: w.text.slice(k), start: w.at ? w.at(k) : w.start, end: w.end, ...(w.at ? { at: (j: number) => w.at!(k + j) } : {}) };
        }
      }
    });
    return found;
  }
}

// ---- angular.json beside it ----

interface AngularServe { port?: number; host?: string; sslCert?: string; sslKey?: string }

/** The `serve` options `ng serve [project] [-c name]` starts with, from the angular.json in this folder. */
function angularServe(file: string, project: string | undefined, configuration: string | undefined): AngularServe {
  const text = siblingText(file, 'angular.json');
  if (text === undefined) return {};
  const root = parseJsonc(path.join(path.dirname(file), 'angular.json'), text).root;
  const projects = entries(prop(root, 'projects'));
  const serveOf = (node: JsonNode | undefined) => prop(prop(node, 'architect') ?? prop(node, 'targets'), 'serve');
  const chosen = project ?? stringValue(prop(root, 'defaultProject')) ?? projects.find(([, n]) => serveOf(n))?.[0];
  const serve = serveOf(projects.find(([n]) => n === chosen)?.[1]);
  if (!serve) return {};
  const layers = [prop(serve, 'options'), ...(configuration ?? stringValue(prop(serve, 'defaultConfiguration')) ?? '').split(',').filter(Boolean).map((c) => prop(prop(serve, 'configurations'), c.trim()))];
  const last = (key: string) => layers.reduce<JsonNode | undefined>((found, l) => prop(l, key) ?? found, undefined);
  const portNode = last('port');
  const out: AngularServe = {};
  if (portNode) out.port = portNode.type === 'number' ? parsePort(String(portNode.value)) ?? 0 : 0;
  const host = stringValue(last('host'));
  if (host) out.host = host;
  const sslCert = stringValue(last('sslCert'));
  const sslKey = stringValue(last('sslKey'));
  if (sslCert) out.sslCert = sslCert;
  if (sslKey) out.sslKey = sslKey;
  return out;
}

function wordOf(text: string | undefined): Word | undefined {
  return text === undefined ? undefined : { text, start: 0, end: 0 };
}

/** A file in the same folder, read the way discovery reads (contained in the folder, capped). */
function siblingText(file: string, name: string): string | undefined {
  if (!path.isAbsolute(file)) return undefined;
  const dir = path.dirname(file);
  return readContainedTextSync(path.join(dir, name), { within: dir, maxBytes: DEFAULT_MAX_FILE_BYTES }).text;
}

// ---- Office add-ins: config.dev_server_port ----

const WEBPACK_CONFIG = /^webpack(\.[\w-]+)*\.(js|ts|cjs|mjs)$/;

/**
 * `config.<key>` is an HTTPS port when a webpack config in this folder serves HTTPS on
 * `process.env.npm_package_config_<key>` (that reader resolves the value through this package.json).
 */
function readOfficeConfig(c: Collector, file: string, config: JsonNode | undefined): void {
  const keys = entries(config).filter(([, n]) => n.type === 'number' || n.type === 'string');
  if (keys.length === 0 || !path.isAbsolute(file)) return;
  let names: string[];
  try { names = fs.readdirSync(path.dirname(file)).filter((n) => WEBPACK_CONFIG.test(n)); } catch { return; }
  for (const name of names) {
    const webpackFile = path.join(path.dirname(file), name);
    const text = siblingText(file, name);
    if (text === undefined) continue;
    for (const [key, node] of keys) {
      const port = parsePort(String(node.value));
      if (port === undefined || !text.includes(NPM_CONFIG_PREFIX + key)) continue;
      const served = parseViteOrWebpackConfig(webpackFile, text).endpoints.find((e) => e.port === port);
      if (!served) continue;
      const [s, e] = valueSpan(node);
      const source = c.source(s, e, `config.${key}`);
      source.server = 'webpack';
      c.endpoint(endpointFor(served.host, port), source);
    }
  }
}

/**
 * What each consumer trusts, as certificates: the system store (what OpenSSL / the OS verifier reads),
 * Node (its bundled roots plus NODE_EXTRA_CA_CERTS) and each browser NSS database on Linux. Read-only.
 *
 * Every input comes from the `env` / `homeDir` given, never from process.env deep inside, so tests and
 * the demo point it at sandboxes. Files are cached by path + mtime + size; tool output by a short TTL.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { run } from '../io';
import { AnchorSet, certificatesIn, CertParseError, inspectCertificate, type ParsedCertificate } from '../certs';
import { sandboxPaths } from './linuxSystem';
import { findNssDatabases, type NssDatabase } from './nssDatabases';
import type { TrustContext } from './store';

export interface AnchorContext {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** certutil executable (machine-scoped setting); default `certutil` on PATH. */
  certutil?: string;
}

/** One browser NSS database (the same list trust/nss.ts writes to) and what it trusts. */
export interface NssAnchors extends NssDatabase { set: AnchorSet }

export interface ConsumerAnchors {
  system: AnchorSet;
  node: AnchorSet;
  /**
   * Every browser NSS database under HOME that certutil could read; absent when there is none. The
   * browsers trust a chain only when each of them does: one that lacks the CA still shows the error.
   */
  nss?: NssAnchors[];
  /** Every non-self-signed CA known locally (system store, NSS): used to spot an omitted intermediate. */
  knownIntermediates: ParsedCertificate[];
  /** Is this one of the public roots Node ships (Mozilla's list)? */
  isPublicRoot(cert: ParsedCertificate): boolean;
  /** Where each set came from, for the log and the details view. */
  sources: { system: string[]; node: string[]; nss?: string[] };
  /** Files or tools that could not be read: shown, never fatal. */
  warnings: string[];
}

/** Linux distribution bundles, in the order OpenSSL packagers use them. */
export const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',             // Debian, Ubuntu, Gentoo, Arch (via p11-kit)
  '/etc/pki/tls/certs/ca-bundle.crt',               // Fedora, RHEL, CentOS
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/ca-bundle.pem',                         // openSUSE
  '/etc/pki/tls/cacert.pem',
  '/etc/ssl/cert.pem',                              // Alpine, macOS-style layouts
];
const LINUX_CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

// ---------------------------------------------------------------------------------------------
// Reading certificate files, cached

interface FileEntry { key: string; certs: ParsedCertificate[] }
const fileCache = new Map<string, FileEntry>();

function parseAll(data: Buffer, warnings: string[], where: string): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  let ders: Buffer[];
  try { ders = certificatesIn(data); } catch { return out; }
  for (const der of ders) {
    try { out.push(inspectCertificate(der, { selfSigned: 'key-id' })); } catch (err) {
      if (err instanceof CertParseError) warnings.push(`${where}: skipped a certificate that could not be read (${err.message})`);
      else throw err;
    }
  }
  return out;
}

async function readCertFile(file: string, warnings: string[], st?: Stats): Promise<ParsedCertificate[] | undefined> {
  try {
    st ??= await fs.stat(file);
    if (!st.isFile()) return undefined;
    const key = `${st.mtimeMs}:${st.size}`;
    const hit = fileCache.get(file);
    if (hit && hit.key === key) return hit.certs;
    const certs = parseAll(await fs.readFile(file), warnings, file);
    fileCache.set(file, { key, certs });
    return certs;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
}

interface DirEntry { mtimeMs: number; at: number; certs: ParsedCertificate[] }
const dirCache = new Map<string, DirEntry>();
/**
 * A directory whose own mtime has not changed still holds the same links (update-ca-certificates and
 * c_rehash replace links, which changes it); files edited in place are caught by a full re-read at
 * most this often. Without it every check would stat a few hundred files in /etc/ssl/certs.
 */
const DIR_REVALIDATE_MS = 10_000;

/** Every certificate file in a directory (hash links included; the same file is read once). */
async function readCertDir(dir: string, warnings: string[]): Promise<ParsedCertificate[] | undefined> {
  let dirStat: Stats;
  try { dirStat = await fs.stat(dir); } catch { return undefined; }
  const hit = dirCache.get(dir);
  if (hit && hit.mtimeMs === dirStat.mtimeMs && Date.now() - hit.at < DIR_REVALIDATE_MS) return hit.certs;
  const certs = await readCertDirFiles(dir, warnings);
  if (certs) dirCache.set(dir, { mtimeMs: dirStat.mtimeMs, at: Date.now(), certs });
  return certs;
}

async function readCertDirFiles(dir: string, warnings: string[]): Promise<ParsedCertificate[] | undefined> {
  let names: string[];
  try { names = await fs.readdir(dir); } catch { return undefined; }
  const seenInodes = new Set<string>();
  const lists = await Promise.all(names.map(async name => {
    const file = path.join(dir, name);
    let st: Stats;
    try { st = await fs.stat(file); } catch { return []; }
    const inode = `${st.dev}:${st.ino}`;
    if (!st.isFile() || seenInodes.has(inode) || st.size > 5_000_000) return [];
    seenInodes.add(inode);
    return (await readCertFile(file, warnings, st)) ?? [];
  }));
  return lists.flat();
}

async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const f of files) {
    try { if ((await fs.stat(f)).isFile()) return f; } catch { /* next */ }
  }
  return undefined;
}

/** Self-signed certificates are anchors; CA certificates that are not are intermediates for path building. */
function split(certs: ParsedCertificate[]): { anchors: ParsedCertificate[]; intermediates: ParsedCertificate[] } {
  const anchors: ParsedCertificate[] = [];
  const intermediates: ParsedCertificate[] = [];
  for (const c of certs) (c.summary.selfSigned ? anchors : intermediates).push(c);
  return { anchors, intermediates };
}

// ---------------------------------------------------------------------------------------------
// System

interface StoreRead { anchors: ParsedCertificate[]; intermediates: ParsedCertificate[]; sources: string[] }

/**
 * Linux: exactly what OpenSSL's default paths read: the file (SSL_CERT_FILE, else the distribution
 * bundle) and the directory (SSL_CERT_DIR, a colon-separated list, else /etc/ssl/certs).
 */
async function linuxSystem(env: NodeJS.ProcessEnv, warnings: string[]): Promise<StoreRead> {
  const file = env.SSL_CERT_FILE !== undefined ? env.SSL_CERT_FILE : await firstExisting(LINUX_BUNDLES);
  const dirs = env.SSL_CERT_DIR !== undefined
    ? env.SSL_CERT_DIR.split(':').filter(Boolean)
    : LINUX_CERT_DIRS.slice(0, 1);
  const sources: string[] = [];
  const certs: ParsedCertificate[] = [];
  if (file) {
    const got = await readCertFile(file, warnings);
    if (got) { certs.push(...got); sources.push(file); } else if (env.SSL_CERT_FILE !== undefined) {
      warnings.push(`SSL_CERT_FILE names ${file}, which cannot be read: the system store is empty there`);
    }
  }
  for (const dir of dirs) {
    const got = await readCertDir(dir, warnings);
    if (got) { certs.push(...got); sources.push(dir); }
  }
  return { ...split(certs), sources };
}

interface ToolEntry { at: number; read: StoreRead }
const toolCache = new Map<string, ToolEntry>();
const TOOL_TTL_MS = 60_000;

async function cachedTool(key: string, load: () => Promise<StoreRead>): Promise<StoreRead> {
  const hit = toolCache.get(key);
  if (hit && Date.now() - hit.at < TOOL_TTL_MS) return hit.read;
  const read = await load();
  toolCache.set(key, { at: Date.now(), read });
  return read;
}

/** Windows: the Root stores are anchors, the intermediate (CA) stores the pool. */
async function windowsSystem(env: NodeJS.ProcessEnv, warnings: string[]): Promise<StoreRead> {
  return cachedTool('windows', async () => {
    const script = [
      "$ErrorActionPreference='SilentlyContinue'",
      "foreach ($s in 'CurrentUser\\Root','LocalMachine\\Root','CurrentUser\\CA','LocalMachine\\CA') {",
      "  Get-ChildItem \"Cert:\\$s\" | ForEach-Object { \"$s \" + [Convert]::ToBase64String($_.RawData) } }",
    ].join('\n');
    const res = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { env, timeoutMs: 20_000 });
    const anchors: ParsedCertificate[] = [];
    const intermediates: ParsedCertificate[] = [];
    for (const line of res.stdout.split(/\r?\n/)) {
      const m = /^(\S+)\s+([A-Za-z0-9+/=]+)$/.exec(line.trim());
      if (!m) continue;
      try {
        const c = inspectCertificate(Buffer.from(m[2], 'base64'), { selfSigned: 'key-id' });
        (m[1].endsWith('Root') ? anchors : intermediates).push(c);
      } catch { /* not a certificate we can read */ }
    }
    if (res.code !== 0 && anchors.length === 0) warnings.push(`Could not list the Windows certificate stores: ${res.stderr.trim()}`);
    return { anchors, intermediates, sources: ['Cert:\\CurrentUser\\Root', 'Cert:\\LocalMachine\\Root'] };
  });
}

/**
 * macOS: the system roots plus the System and login keychains. Approximation: a self-signed
 * certificate in those keychains counts as trusted (trust settings are not read).
 */
async function darwinSystem(env: NodeJS.ProcessEnv, homeDir: string, warnings: string[]): Promise<StoreRead> {
  const keychains = [
    '/System/Library/Keychains/SystemRootCertificates.keychain',
    '/Library/Keychains/System.keychain',
    path.join(homeDir, 'Library/Keychains/login.keychain-db'),
  ];
  return cachedTool(`darwin:${homeDir}`, async () => {
    const certs: ParsedCertificate[] = [];
    for (const kc of keychains) {
      try {
        const res = await run('security', ['find-certificate', '-a', '-p', kc], { env, timeoutMs: 20_000 });
        certs.push(...parseAll(Buffer.from(res.stdout), warnings, kc));
      } catch (err) { warnings.push(`${kc}: ${(err as Error).message}`); }
    }
    return { ...split(certs), sources: keychains };
  });
}

/** Node ≥ 22.15 can read the OS store itself; Node 20 cannot, hence the tools above. */
function nodeSystemCertificates(): string[] | undefined {
  const get = (tls as unknown as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  if (typeof get !== 'function') return undefined;
  try { return get('system'); } catch { return undefined; }
}

async function systemStore(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string, warnings: string[]): Promise<StoreRead> {
  if (platform === 'win32' || platform === 'darwin') {
    const fromNode = nodeSystemCertificates();
    if (fromNode) {
      return { ...split(parseAll(Buffer.from(fromNode.join('\n')), warnings, 'system store')), sources: ['tls.getCACertificates("system")'] };
    }
    return platform === 'win32' ? windowsSystem(env, warnings) : darwinSystem(env, homeDir, warnings);
  }
  return linuxSystem(env, warnings);
}

// ---------------------------------------------------------------------------------------------
// Node

let bundled: ParsedCertificate[] | undefined;
let bundledSpki: Set<string> | undefined;
function bundledRoots(): ParsedCertificate[] {
  if (!bundled) {
    bundled = parseAll(Buffer.from(tls.rootCertificates.join('\n')), [], 'tls.rootCertificates');
    bundledSpki = new Set(bundled.map(c => c.spki.toString('base64')));
  }
  return bundled;
}

async function nodeStore(env: NodeJS.ProcessEnv, system: StoreRead, warnings: string[]): Promise<StoreRead> {
  // `--use-openssl-ca` makes Node read the OpenSSL store instead of its bundle.
  if (/(^|\s)--use-openssl-ca(\s|$)/.test(env.NODE_OPTIONS ?? '')) return { ...system, sources: ['--use-openssl-ca', ...system.sources] };
  const certs = [...bundledRoots()];
  const sources = ['tls.rootCertificates'];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    const got = await readCertFile(extra, warnings);
    if (got) { certs.push(...got); sources.push(extra); } else {
      warnings.push(`NODE_EXTRA_CA_CERTS names ${extra}, which cannot be read: Node ignores it`);
    }
  }
  return { ...split(certs), sources };
}

// ---------------------------------------------------------------------------------------------
// NSS: every browser database findNssDatabases knows (Chromium, snap Chromium, Firefox profiles)

interface NssEntry { key: string; read: StoreRead & { trusted: ParsedCertificate[] } }
const nssCache = new Map<string, NssEntry>();

/** `certutil -L` lines: nickname, then the trust column `SSL,S/MIME,JAR/XPI`. */
export function parseCertutilList(out: string): { nickname: string; ssl: string }[] {
  const rows: { nickname: string; ssl: string }[] = [];
  for (const line of out.split(/\r?\n/)) {
    const m = /^(.*\S)\s+([A-Za-z]*),([A-Za-z]*),([A-Za-z]*)\s*$/.exec(line);
    if (!m || /^Certificate Nickname/.test(line)) continue;
    rows.push({ nickname: m[1], ssl: m[2] });
  }
  return rows;
}

async function nssDatabase(dbDir: string, ctx: Required<Pick<AnchorContext, 'env'>> & AnchorContext, warnings: string[]) {
  let st: Stats;
  try { st = await fs.stat(path.join(dbDir, 'cert9.db')); } catch { return undefined; }
  const key = `${st.mtimeMs}:${st.size}`;
  const hit = nssCache.get(dbDir);
  if (hit && hit.key === key) return hit.read;
  const certutil = ctx.certutil ?? 'certutil';
  const db = `sql:${dbDir}`;
  let listing;
  try { listing = await run(certutil, ['-L', '-d', db], { env: ctx.env, timeoutMs: 10_000 }); } catch (err) {
    warnings.push(`NSS database ${dbDir} not checked: ${(err as Error).message}`);
    return undefined;
  }
  if (listing.code !== 0) { warnings.push(`certutil could not read ${dbDir}: ${listing.stderr.trim()}`); return undefined; }
  const rows = parseCertutilList(listing.stdout).slice(0, 200);
  const trusted: ParsedCertificate[] = [];
  const all: ParsedCertificate[] = [];
  await Promise.all(rows.map(async row => {
    const res = await run(certutil, ['-L', '-d', db, '-n', row.nickname, '-a'], { env: ctx.env, timeoutMs: 10_000 }).catch(() => undefined);
    if (!res || res.code !== 0) return;
    const certs = parseAll(Buffer.from(res.stdout), warnings, `${dbDir} (${row.nickname})`);
    all.push(...certs);
    // C: trusted CA for TLS servers; P: trusted peer (a server certificate trusted as it is).
    if (/[CP]/.test(row.ssl)) trusted.push(...certs);
  }));
  const read = { anchors: trusted, intermediates: all.filter(c => c.summary.isCa && !c.summary.selfSigned), sources: [dbDir], trusted };
  nssCache.set(dbDir, { key, read });
  return read;
}

/** Each database found under HOME, read (or served from the cache) in parallel; unreadable ones are warned about and left out. */
async function nssStores(ctx: Required<Pick<AnchorContext, 'env' | 'homeDir'>> & AnchorContext, warnings: string[]) {
  const read = await Promise.all(findNssDatabases(ctx.homeDir).map(async db => {
    const got = await nssDatabase(db.dir, ctx, warnings);
    return got ? { ...db, ...got } : undefined;
  }));
  return read.filter((r): r is NonNullable<typeof r> => r !== undefined);
}

// ---------------------------------------------------------------------------------------------

/**
 * What a probe must read to see the stores a repair in `ctx` changes: a sandbox's system bundle (and
 * its certificate folder, not the machine's), the NSS databases under the sandbox HOME, the certutil the
 * user configured; NODE_EXTRA_CA_CERTS as `ctx.env` has it. A context rendered for another platform
 * (`--dry-run --platform`) says nothing about this machine: the probe reads this machine's defaults.
 */
export function anchorContextFor(ctx: TrustContext): AnchorContext {
  if (ctx.platform !== process.platform) return {};
  const env = { ...ctx.env };
  if (ctx.linuxSandboxRoot) {
    const sandbox = sandboxPaths(ctx.linuxSandboxRoot);
    env.SSL_CERT_FILE = sandbox.bundle;
    env.SSL_CERT_DIR = sandbox.etccertsdir;
  }
  return { platform: ctx.platform, env, homeDir: ctx.homeDir, ...(ctx.tools?.certutil ? { certutil: ctx.tools.certutil } : {}) };
}

/** Load the anchor sets for every consumer that applies on this platform. */
export async function loadTrustAnchors(ctx: AnchorContext = {}): Promise<ConsumerAnchors> {
  const platform = ctx.platform ?? process.platform;
  const env = ctx.env ?? process.env;
  const homeDir = ctx.homeDir ?? env.HOME ?? env.USERPROFILE ?? '';
  const warnings: string[] = [];
  const [system, nss] = await Promise.all([
    systemStore(platform, env, homeDir, warnings),
    platform === 'linux' && homeDir ? nssStores({ ...ctx, env, homeDir }, warnings) : Promise.resolve([]),
  ]);
  const node = await nodeStore(env, system, warnings);
  bundledRoots();
  const publicSpki = bundledSpki!;
  return {
    system: new AnchorSet(system.anchors, 'system', system.intermediates),
    node: new AnchorSet(node.anchors, 'node', node.intermediates),
    // Browsers also trust the public roots built into them; Node's bundle is the same Mozilla list.
    ...(nss.length ? {
      nss: nss.map(db => ({ dir: db.dir, label: db.label, set: new AnchorSet([...db.anchors, ...bundledRoots()], 'nss', db.intermediates) })),
    } : {}),
    knownIntermediates: dedupe([...system.intermediates, ...nss.flatMap(db => db.intermediates)]),
    isPublicRoot: c => publicSpki.has(c.spki.toString('base64')),
    sources: { system: system.sources, node: node.sources, ...(nss.length ? { nss: nss.map(db => db.dir) } : {}) },
    warnings,
  };
}

function dedupe(certs: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certs.filter(c => !seen.has(c.summary.sha256) && (seen.add(c.summary.sha256), true));
}

/**
 * What each consumer trusts, as certificates: the system store (what OpenSSL / the OS verifier reads),
 * Node (its bundled roots plus NODE_EXTRA_CA_CERTS) and each browser NSS database on Linux. Read-only.
 *
 * Every input comes from the `env` / `homeDir` given, never from process.env deep inside, so tests and
 * the demo point it at sandboxes. Files are cached by path + mtime + size; tool output by a short TTL.
 */
import { promises as fs, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { readBoundedFileSync, run } from '../io';
import {
  AnchorSet, CertificateIndex, certificatesIn, CertificateText, CertParseError, inspectCertificate, opensslNameHash, peekCertificate,
  type CertificateSource, type ParsedCertificate, type PeekedCertificate,
} from '../certs';
import { sandboxPaths } from './linuxSystem';
import { readNssCertDb } from './nssCertDb';
import { findNssDatabases, type NssDatabase } from './nssDatabases';
import { readDarwinAnchors } from './darwinAnchors';
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
  knownIntermediates: CertificateIndex;
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

/**
 * A store's certificate as given up front: the tools that report trust per certificate (NSS) give
 * them parsed; files are sources searched by name (CertificateText), parsed only when a chain names them.
 */
type StoreCertificate = PeekedCertificate | ParsedCertificate;

/** A file's text and the unreadable blocks met in it so far (searches meet them lazily, after the load that read it). */
interface FileEntry { key: string; text: CertificateText; unreadable: string[] }
const fileCache = new Map<string, FileEntry>();

/** Every certificate in `data`, parsed now: NSS listings, whose intermediates are told apart by basicConstraints. */
function parseAll(data: Buffer, warnings: string[], where: string): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const der of certificatesIn(data)) {
    try { out.push(inspectCertificate(der, { selfSigned: 'key-id' })); } catch (err) {
      if (err instanceof CertParseError) warnings.push(`${where}: skipped a certificate that could not be read (${err.message})`);
      else throw err;
    }
  }
  return out;
}

/** A certificate file's text, searched by name; a block that turns out unreadable is a warning when it is met. */
const textOf = (data: Buffer, warnings: string[], where: string) =>
  new CertificateText(data, message => warnings.push(`${where}: ${message}`));

/**
 * Synchronous on purpose: a store is one bundle and at most a few hundred small files, and the thread
 * pool's round trips (open, stat, read, close per file) cost more than the reads themselves.
 */
function readCertFile(file: string, warnings: string[]): CertificateText | undefined {
  try {
    // A missing file is the common answer (a hashed directory asked for a name it does not hold): no
    // exception for it, they cost more than the stat.
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) return undefined;
    const key = `${st.mtimeMs}:${st.size}`;
    let entry = fileCache.get(file);
    if (!entry || entry.key !== key) {
      const unreadable: string[] = [];
      entry = { key, text: textOf(readFileSync(file), unreadable, file).prepare(), unreadable };
      fileCache.set(file, entry);
    }
    warnings.push(...entry.unreadable);
    return entry.text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
}

/** OpenSSL's hashed-directory names: `<subject hash>.<n>` (CRLs, `.r<n>`, are not certificates). */
const HASH_NAME = /^[0-9a-f]{8}\.\d+$/;

/**
 * A hashed directory (SSL_CERT_DIR, /etc/ssl/certs) read the way OpenSSL reads it: for an issuer name,
 * the files `<hash>.0`, `<hash>.1`... until one is missing; nothing else in the folder counts. So a
 * check opens one or two files, not the few hundred links a distribution keeps there.
 */
function hashedDirectory(dir: string, warnings: string[]): CertificateSource {
  // One load asks each name of several indexes (anchors, pool, known intermediates): read it once.
  const found = new Map<string, PeekedCertificate[]>();
  return {
    find(nameDer) {
      const key = nameDer.toString('latin1');
      const known = found.get(key);
      if (known) return known;
      const hash = opensslNameHash(nameDer);
      const out: PeekedCertificate[] = [];
      for (let n = 0; ; n++) {
        const got = readCertFile(path.join(dir, `${hash}.${n}`), warnings);
        if (!got) break;
        out.push(...got.all());
      }
      found.set(key, out);
      return out;
    },
    all() {
      let names: string[];
      try { names = readdirSync(dir).filter(n => HASH_NAME.test(n)); } catch { return []; }
      return names.flatMap(n => readCertFile(path.join(dir, n), warnings)?.all() ?? []);
    },
  };
}

function firstExisting(files: string[]): string | undefined {
  for (const f of files) {
    try { if (statSync(f, { throwIfNoEntry: false })?.isFile()) return f; } catch { /* next */ }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// System

interface StoreRead {
  anchors: StoreCertificate[];
  intermediates: StoreCertificate[];
  /** Files and hashed directories, asked per issuer name: their self-signed certificates are anchors, the others intermediates. */
  lookups?: CertificateSource[];
  sources: string[];
}

/** The bundle file OpenSSL reads on Linux: SSL_CERT_FILE, else the distribution's (undefined: none). */
export function linuxSystemBundle(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.SSL_CERT_FILE !== undefined ? env.SSL_CERT_FILE : firstExisting(LINUX_BUNDLES);
}

/**
 * Linux: exactly what OpenSSL's default paths read: the file (SSL_CERT_FILE, else the distribution
 * bundle) and the directory (SSL_CERT_DIR, a colon-separated list, else /etc/ssl/certs).
 */
async function linuxSystem(env: NodeJS.ProcessEnv, warnings: string[]): Promise<StoreRead> {
  const file = linuxSystemBundle(env);
  const dirs = env.SSL_CERT_DIR !== undefined
    ? env.SSL_CERT_DIR.split(':').filter(Boolean)
    : LINUX_CERT_DIRS.slice(0, 1);
  const sources: string[] = [];
  const lookups: CertificateSource[] = [];
  if (file) {
    const got = readCertFile(file, warnings);
    if (got) { lookups.push(got); sources.push(file); } else if (env.SSL_CERT_FILE !== undefined) {
      warnings.push(`SSL_CERT_FILE names ${file}, which cannot be read: the system store is empty there`);
    }
  }
  for (const dir of dirs) {
    try { if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue; } catch { continue; }
    lookups.push(hashedDirectory(dir, warnings));
    sources.push(dir);
  }
  return { anchors: [], intermediates: [], lookups, sources };
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
    const anchors: StoreCertificate[] = [];
    const intermediates: StoreCertificate[] = [];
    for (const line of res.stdout.split(/\r?\n/)) {
      const m = /^(\S+)\s+([A-Za-z0-9+/=]+)$/.exec(line.trim());
      if (!m) continue;
      try {
        const c = peekCertificate(Buffer.from(m[2], 'base64'));
        (m[1].endsWith('Root') ? anchors : intermediates).push(c);
      } catch { /* not a certificate we can read */ }
    }
    if (res.code !== 0 && anchors.length === 0) warnings.push(`Could not list the Windows certificate stores: ${res.stderr.trim()}`);
    return { anchors, intermediates, sources: ['Cert:\\CurrentUser\\Root', 'Cert:\\LocalMachine\\Root'] };
  });
}

/** macOS: the keychains' certificates kept as anchors only where their trust settings say so (darwinAnchors.ts). */
async function darwinSystem(env: NodeJS.ProcessEnv, homeDir: string, warnings: string[]): Promise<StoreRead> {
  return cachedTool(`darwin:${homeDir}`, () => readDarwinAnchors(homeDir, (command, args, options) => run(command, args, { ...options, env }), warnings));
}

/**
 * Node ≥ 22.15 can read the OS store itself — on macOS judging each certificate's trust settings for SSL as
 * darwinAnchors.ts does — and Node 20 cannot, hence the tools above.
 */
function nodeSystemCertificates(): string[] | undefined {
  const get = (tls as unknown as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  if (typeof get !== 'function') return undefined;
  try { return get('system'); } catch { return undefined; }
}

async function systemStore(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string, warnings: string[]): Promise<StoreRead> {
  if (platform === 'win32' || platform === 'darwin') {
    const fromNode = nodeSystemCertificates();
    if (fromNode) {
      return { anchors: [], intermediates: [], lookups: [textOf(Buffer.from(fromNode.join('\n')), warnings, 'system store')], sources: ['tls.getCACertificates("system")'] };
    }
    return platform === 'win32' ? windowsSystem(env, warnings) : darwinSystem(env, homeDir, warnings);
  }
  return linuxSystem(env, warnings);
}

// ---------------------------------------------------------------------------------------------
// Node

let bundled: CertificateText | undefined;
/** The roots Node ships (Mozilla's list), searched by name like a bundle file. */
function bundledRoots(): CertificateText {
  bundled ??= new CertificateText(tls.rootCertificates.join('\n')).prepare();
  return bundled;
}

async function nodeStore(env: NodeJS.ProcessEnv, system: StoreRead, warnings: string[]): Promise<StoreRead> {
  // `--use-openssl-ca` makes Node read the OpenSSL store instead of its bundle.
  if (/(^|\s)--use-openssl-ca(\s|$)/.test(env.NODE_OPTIONS ?? '')) return { ...system, sources: ['--use-openssl-ca', ...system.sources] };
  const lookups: CertificateSource[] = [bundledRoots()];
  const sources = ['tls.rootCertificates'];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    const got = readCertFile(extra, warnings);
    if (got) { lookups.push(got); sources.push(extra); } else {
      warnings.push(`NODE_EXTRA_CA_CERTS names ${extra}, which cannot be read: Node ignores it`);
    }
  }
  return { anchors: [], intermediates: [], lookups, sources };
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

/** What identifies one state of a cert9.db file: a write changes its time or size, a replacement its inode. */
const nssFileKey = (st: Stats) => `${st.mtimeMs}:${st.size}:${st.ino}`;

async function nssDatabase(dbDir: string, ctx: Required<Pick<AnchorContext, 'env'>> & AnchorContext, warnings: string[]) {
  let st: Stats;
  try { st = await fs.stat(path.join(dbDir, 'cert9.db')); } catch { return undefined; }
  const key = nssFileKey(st);
  const hit = nssCache.get(dbDir);
  if (hit && hit.key === key) return hit.read;
  const read = nssDatabaseFromFile(dbDir, key, warnings) ?? await nssDatabaseFromCertutil(dbDir, ctx, warnings);
  if (read) nssCache.set(dbDir, { key, read });
  return read;
}

/** At most this many certificates of one database are taken (a browser's user database holds a handful). */
const MAX_NSS_CERTIFICATES = 200;
/** cert9.db is read whole; a larger one is left to certutil. */
const MAX_NSS_DB_BYTES = 64 * 1024 * 1024;

/**
 * The database read from cert9.db itself (nssCertDb.ts), or undefined when certutil must read it: while a
 * write-ahead log or a hot journal beside it holds changes the file does not show yet, when the file
 * changed while it was read (a browser writing; SQLite's locks are only certutil's to take), and when the
 * file is not one this reader understands — nothing is guessed at.
 */
function nssDatabaseFromFile(dbDir: string, key: string, warnings: string[]): NssEntry['read'] | undefined {
  const file = path.join(dbDir, 'cert9.db');
  /** No pending write beside the file, and the file is the one `key` was taken from. */
  const settled = () => {
    if ([`${file}-wal`, `${file}-journal`].some(f => (statSync(f, { throwIfNoEntry: false })?.size ?? 0) > 0)) return false;
    const st = statSync(file, { throwIfNoEntry: false });
    return st !== undefined && nssFileKey(st) === key;
  };
  if (!settled()) return undefined;
  const got = readBoundedFileSync(file, { maxBytes: MAX_NSS_DB_BYTES });
  if (!got.bytes || !settled()) return undefined;
  let certificates;
  try { certificates = readNssCertDb(got.bytes).slice(0, MAX_NSS_CERTIFICATES); } catch { return undefined; }
  const trusted: ParsedCertificate[] = [];
  const all: ParsedCertificate[] = [];
  for (const c of certificates) {
    const parsed = parseAll(c.der, warnings, `${dbDir} (${c.nickname})`);
    all.push(...parsed);
    if (c.trustedForServers) trusted.push(...parsed);
  }
  return { anchors: trusted, intermediates: all.filter(c => c.summary.isCa && !c.summary.selfSigned), sources: [dbDir], trusted };
}

async function nssDatabaseFromCertutil(dbDir: string, ctx: Required<Pick<AnchorContext, 'env'>> & AnchorContext, warnings: string[]) {
  const certutil = ctx.certutil ?? 'certutil';
  const db = `sql:${dbDir}`;
  let listing;
  try { listing = await run(certutil, ['-L', '-d', db], { env: ctx.env, timeoutMs: 10_000 }); } catch (err) {
    warnings.push(`NSS database ${dbDir} not checked: ${(err as Error).message}`);
    return undefined;
  }
  if (listing.code !== 0) { warnings.push(`certutil could not read ${dbDir}: ${listing.stderr.trim()}`); return undefined; }
  const rows = parseCertutilList(listing.stdout).slice(0, MAX_NSS_CERTIFICATES);
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
  return { anchors: trusted, intermediates: all.filter(c => c.summary.isCa && !c.summary.selfSigned), sources: [dbDir], trusted };
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
  return {
    system: new AnchorSet(system.anchors, 'system', system.intermediates, system.lookups),
    node: new AnchorSet(node.anchors, 'node', node.intermediates, node.lookups),
    // Browsers also trust the public roots built into them; Node's bundle is the same Mozilla list.
    ...(nss.length ? {
      nss: nss.map(db => ({ dir: db.dir, label: db.label, set: new AnchorSet(db.anchors, 'nss', db.intermediates, [bundledRoots()]) })),
    } : {}),
    knownIntermediates: new CertificateIndex([...system.intermediates, ...nss.flatMap(db => db.intermediates)], system.lookups, c => !c.selfSigned),
    sources: { system: system.sources, node: node.sources, ...(nss.length ? { nss: nss.map(db => db.dir) } : {}) },
    warnings,
  };
}

/**
 * Which client certificate to present to an endpoint, and loading it into what the probe takes.
 *
 * The configuration follows REST Client's `rest-client.certificates`: an object keyed by `host:port`
 * (or `host` alone, for every port of that host), each value naming files — `pfx`, or `cert` + `key`.
 * Unlike REST Client, a password never lives in settings (settings files are committed and synced):
 * it comes from `getPassword` (the extension's SecretStorage, the CLI's `--client-cert-password-env`).
 *
 * The extension, the language server and the CLI all go through `loadClientCertificate`, so a file
 * that works in one works in all three and fails with the same message.
 */
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CertificateBundle, CertificateFormatError, readCertificateFile, thumbprint, toPem } from '../certs';
import type { ClientCertificateInput } from '../probe';

/** One value of `devcertDoctor.clientCertificates`. */
export interface ClientCertificateEntry {
  /** A PKCS#12 file (.pfx/.p12) holding the certificate and its key. */
  pfx?: string;
  /** A certificate file (PEM or DER; a PEM may also hold the key, then `key` is optional). */
  cert?: string;
  /** The private key (PEM, possibly encrypted) for `cert`. */
  key?: string;
  /** Path of the HTTP request made after the handshake (authorization: 200 vs 403). */
  requestPath?: string;
  /** Also send the certificate as `X-ARR-ClientCert` (apps behind a forwarding proxy). */
  forwardHeader?: boolean;
  /** Never in settings: present only so a config that has one is refused with a clear message. */
  passphrase?: never;
  password?: never;
}

export type ClientCertificateMap = Record<string, ClientCertificateEntry | undefined>;

export type ClientCertificateErrorReason =
  | 'invalid-config' | 'password-in-settings' | 'file-not-found' | 'unreadable'
  | 'password-required' | 'wrong-password' | 'no-private-key';

/** A client certificate that cannot be used; `reason` lets a caller decide (e.g. skip quietly when a password is not known yet). */
export class ClientCertificateError extends Error {
  constructor(readonly reason: ClientCertificateErrorReason, message: string, readonly file?: string) { super(message); }
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/** `[::1]` → `::1`, lower case: keys and probe targets compare in one form. */
function normalizeHost(host: string): string {
  return host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Splits a settings key into host and optional port. `host:port`, `[v6]:port`, `host`, `[v6]` and a
 * bare IPv6 address (several colons, so its last group is not a port).
 */
export function parseClientCertificateKey(key: string): { host: string; port?: number } | undefined {
  const k = key.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(k);
  if (bracketed) return { host: normalizeHost(bracketed[1]), port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const colons = (k.match(/:/g) ?? []).length;
  if (colons === 1) {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(k);
    return m ? { host: normalizeHost(m[1]), port: Number(m[2]) } : undefined;
  }
  if (k.length === 0 || /\s/.test(k)) return undefined;
  return { host: normalizeHost(k) };
}

/**
 * The entry for an endpoint: `host:port` first, then `host` alone. A loopback host also matches the
 * other loopback spellings (a launch profile says `localhost`, a test says `127.0.0.1`: same server).
 */
export function findClientCertificateConfig(map: ClientCertificateMap | undefined, host: string, port: number):
  { key: string; entry: ClientCertificateEntry } | undefined {
  if (!map) return undefined;
  const wanted = normalizeHost(host);
  const hosts = LOOPBACK.includes(wanted) ? [wanted, ...LOOPBACK.filter(h => h !== wanted)] : [wanted];
  const parsed = Object.entries(map)
    .filter((e): e is [string, ClientCertificateEntry] => !!e[1] && typeof e[1] === 'object')
    .map(([key, entry]) => ({ key, entry, at: parseClientCertificateKey(key) }));
  for (const withPort of [true, false]) {
    for (const h of hosts) {
      const hit = parsed.find(p => p.at && p.at.host === h && (withPort ? p.at.port === port : p.at.port === undefined));
      if (hit) return { key: hit.key, entry: hit.entry };
    }
  }
  return undefined;
}

export interface LoadOptions {
  /** Relative paths resolve against this (the workspace folder; the CLI's working directory). */
  baseDir: string;
  /**
   * Asked only when the file is protected. `label` is the absolute path of the file that needs it (the
   * extension keys SecretStorage by it). Undefined → `password-required`.
   */
  getPassword(label: string): Promise<string | undefined>;
  /** For `~` (defaults to the user's home). */
  homeDir?: string;
}

/** `~`, `${workspaceFolder}` and relative paths, the way VS Code users write them in settings. */
export function resolveConfigPath(p: string, baseDir: string, homeDir: string = os.homedir()): string {
  let s = p.trim().replace(/\$\{workspaceFolder\}/g, baseDir);
  if (/^~(?=$|[\\/])/.test(s)) s = homeDir + s.slice(1);
  return path.resolve(baseDir, s);
}

/** Checked before any file is touched, so a broken entry says what is wrong with the entry. */
function validateEntry(entry: ClientCertificateEntry): void {
  const raw = entry as Record<string, unknown>;
  if ('passphrase' in raw || 'password' in raw) {
    throw new ClientCertificateError('password-in-settings',
      'a client certificate password does not belong in settings (they are committed and synced): remove it; ' +
      'the extension asks once and keeps it in secret storage, the CLI reads it from --client-cert-password-env');
  }
  for (const k of ['pfx', 'cert', 'key'] as const) {
    if (raw[k] !== undefined && (typeof raw[k] !== 'string' || (raw[k] as string).trim() === '')) {
      throw new ClientCertificateError('invalid-config', `"${k}" must be a file path`);
    }
  }
  if (entry.pfx && (entry.cert || entry.key)) {
    throw new ClientCertificateError('invalid-config', 'give either "pfx" or "cert" (+ "key"), not both');
  }
  if (!entry.pfx && !entry.cert) {
    throw new ClientCertificateError('invalid-config', entry.key ? '"key" needs "cert" beside it' : 'give "pfx" or "cert" + "key"');
  }
}

/** The reader's messages are already user-facing; its reason decides ours (ask for a password, or not). */
function classify(err: unknown, file: string): ClientCertificateError {
  if (err instanceof ClientCertificateError) return err;
  const msg = (err as Error).message;
  if (err instanceof CertificateFormatError) {
    if (err.reason === 'missing') return new ClientCertificateError('file-not-found', `client certificate file ${msg}`, file);
    if (err.reason === 'wrong-password' || err.reason === 'password-required') return new ClientCertificateError(err.reason, msg, file);
  }
  return new ClientCertificateError('unreadable', msg, file);
}

/**
 * Reads one file, asking for a password only when the file turns out to need one (an unprotected
 * PFX or key must not trigger a prompt). `passwordFor` is the file whose password is asked.
 */
async function readProtected(file: string, passwordFor: string, getPassword: LoadOptions['getPassword'],
  read: (password?: string) => CertificateBundle): Promise<CertificateBundle> {
  try {
    return read(undefined);
  } catch (err) {
    const first = classify(err, file);
    if (first.reason !== 'wrong-password' && first.reason !== 'password-required') throw first;
  }
  const password = await getPassword(passwordFor);
  if (password === undefined) {
    throw new ClientCertificateError('password-required', `${passwordFor} is protected by a password and none was given`, passwordFor);
  }
  try {
    return read(password);
  } catch (err) {
    const e = classify(err, file);
    if (e.reason === 'wrong-password' || e.reason === 'password-required') {
      throw new ClientCertificateError('wrong-password', `wrong password for ${passwordFor}`, passwordFor);
    }
    throw e;
  }
}

/**
 * Loads the configured certificate as PEM (leaf first, then any issuers it came with) and an
 * unencrypted PEM key. PFX files are converted rather than handed to Node as they are: Node 20's
 * OpenSSL 3 refuses the RC2/3DES-encrypted PFX files older Windows and `openssl pkcs12 -legacy`
 * write ("Unsupported PKCS12 PFX data"), which would look like a server problem. The key stays in
 * memory only.
 */
export async function loadClientCertificate(entry: ClientCertificateEntry, opts: LoadOptions): Promise<ClientCertificateInput> {
  validateEntry(entry);
  const resolve = (p: string) => resolveConfigPath(p, opts.baseDir, opts.homeDir);
  let bundle: CertificateBundle;
  let label: string;
  if (entry.pfx) {
    const file = label = resolve(entry.pfx);
    // An empty password is what "no password" means for most PFX writers; try it before asking.
    // (A PEM named in "pfx" is read the same way: the reader detects the format from the bytes.)
    bundle = await readProtected(file, file, opts.getPassword, pw => readCertificateFile(file, { password: pw ?? '' }));
  } else {
    const certFile = label = resolve(entry.cert!);
    const keyFile = entry.key ? resolve(entry.key) : undefined;
    bundle = await readPemPair(certFile, keyFile, opts.getPassword);
  }
  if (!bundle.key) {
    throw new ClientCertificateError('no-private-key',
      `${label} holds no private key: a client certificate needs its key (set "key", or use a PFX that includes it)`, label);
  }
  const cert = [bundle.certDer, ...bundle.chainDer].map(der => toPem(der)).join('');
  const key = bundle.key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, key, label };
}

/** A certificate file plus an optional separate key file; a password, when needed, is the key's. */
async function readPemPair(certFile: string, keyFile: string | undefined, getPassword: LoadOptions['getPassword']): Promise<CertificateBundle> {
  const cert = await readProtected(certFile, certFile, getPassword, pw => readCertificateFile(certFile, { password: pw ?? '' }));
  if (!keyFile) return cert;
// '' first, not undefined: without a passphrase OpenSSL reports "interrupted or cancelled" (it
  // wanted to prompt), with '' it says "bad decrypt", which the reader knows means a password is needed.
  const key = await readProtected(keyFile, keyFile, getPassword, pw => readCertificateFile(certFile, { keyFile, password: pw ?? '' }));
  return { ...cert, key: key.key };
}

/** What the CLI's `check` flags say: `--client-cert FILE [--client-key FILE] [--client-cert-password-env VAR]`. */
export interface ClientCertificateFlags {
  clientCert: string;
  clientKey?: string;
  /** The name of an environment variable holding the password (never the password itself: argv is visible to every user via ps). */
  passwordEnv?: string;
}

/**
 * The CLI's flags through the same loader as settings. A `.pfx`/`.p12` (or any file the reader
 * recognises as PKCS#12) goes in `pfx`; anything else is `cert` (+ `key`). Relative paths resolve
 * against `cwd`.
 */
export async function loadClientCertificateFromFlags(flags: ClientCertificateFlags,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ClientCertificateInput> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (flags.passwordEnv !== undefined && env[flags.passwordEnv] === undefined) {
    throw new ClientCertificateError('password-required', `environment variable ${flags.passwordEnv} (from --client-cert-password-env) is not set`);
  }
  const entry: ClientCertificateEntry = isPkcs12Name(flags.clientCert) && !flags.clientKey
    ? { pfx: flags.clientCert }
    : { cert: flags.clientCert, key: flags.clientKey };
  return loadClientCertificate(entry, {
    baseDir: cwd,
    getPassword: async () => (flags.passwordEnv === undefined ? undefined : env[flags.passwordEnv]),
  });
}

const isPkcs12Name = (file: string) => /\.(pfx|p12)$/i.test(file);

/** SHA-1 and SHA-256 of the leaf, upper-case hex: what thumbprint allow-lists compare against. */
export function clientCertificateThumbprints(input: ClientCertificateInput): { sha1: string; sha256: string } | undefined {
  if (!input.cert) return undefined;
  const x = new crypto.X509Certificate(input.cert);
  return { sha1: thumbprint(x.raw, 'sha1'), sha256: thumbprint(x.raw, 'sha256') };
}

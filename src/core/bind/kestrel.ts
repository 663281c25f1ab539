/**
 * Kestrel (ASP.NET Core): make `Kestrel:Certificates:Default` in appsettings.Development.json — or the
 * declaring endpoint's own `Kestrel:Endpoints:<Name>:Certificate`, which wins over Default — point at
 * the certificate — `{ "Path", "KeyPath" }` for PEM, `{ "Path" }` for PFX — editing the JSONC in place
 * with jsonc-parser so comments, order and formatting outside the edited members stay byte-for-byte.
 * Configuration is layered (appsettings.json below appsettings.Development.json, key by key): a Password,
 * Subject or Store the base file gives the same section would still apply, so it is masked with `null`
 * in the edited file (checked with real Kestrel: an inherited Password makes it read the new
 * unencrypted key as an encrypted one and stop at start-up).
 * A PFX password never goes into appsettings: it goes into the project's user secrets (secrets.json,
 * the file `dotnet user-secrets set` writes), as a file write, so it is on no command line (where any
 * local process could read it) and its undo restores exactly what was there.
 * Or, for projects on the ASP.NET Core development certificate: `dotnet dev-certs https --clean` then
 * `--trust`.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parse as parseJsonc, parseTree, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { ExecError, run } from '../io';
import type { CertificateRef } from '../certs';
import { type CommandAction, type PlanStep, readExisting, writeFileStep } from '../plan';
import { planMacDevCertsClean } from './devCertsMac';
import type { BindContext, BindPlan, BindTarget } from './types';
import { BindInputError } from './validate';

export type KestrelCertificate =
  | { kind: 'pem'; path: string; keyPath: string }
  | { kind: 'pfx'; path: string; password?: string };

/** A JSONC file that cannot be edited safely; the message names file, line and column. */
export class KestrelConfigError extends Error {
  override readonly name = 'KestrelConfigError';
}

const DEFAULT_PATH = ['Kestrel', 'Certificates', 'Default'];
// Store-selection keys conflict with Path (Kestrel refuses a certificate with both); a password in the
// file is exactly what user secrets are for.
const CONFLICTING = ['Password', 'Subject', 'Store', 'Location', 'AllowInvalid'];
export const PASSWORD_SECRET_KEY = 'Kestrel:Certificates:Default:Password';

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r?\n/);
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Parse or throw a KestrelConfigError naming the first syntax error's position. */
function parseOrThrow(text: string, file: string) {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    throw new KestrelConfigError(`${file}:${lineCol(text, e.offset)}: ${printParseErrorCode(e.error)} — fix the JSON `
      + 'first; nothing was changed');
  }
  return tree;
}

/** Indentation and line ending as the file already uses them, so inserted members look native. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)["/]/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

function assertObjectsAlong(text: string, file: string, section: string[]): void {
  if (!text.trim()) return; // an empty file becomes an object
  const tree = parseOrThrow(text, file);
  if (!tree) return;
  if (tree.type !== 'object') throw new KestrelConfigError(`${file}: the top level is ${tree.type === 'array' ? 'an array' : `a ${tree.type}`}, not an object; nothing was changed`);
  for (let i = 1; i <= section.length; i++) {
    const node = findNodeAtLocation(tree, section.slice(0, i));
    if (node && node.type !== 'object') {
      throw new KestrelConfigError(`${file}:${lineCol(text, node.offset)}: "${section.slice(0, i).join(':')}" is a ${node.type}, `
        + 'not an object; fix it by hand — nothing was changed');
    }
  }
}

/** How a path is written in the config: relative to the file's folder (Kestrel's content root) when inside it. */
export function configPathValue(target: string, configDir: string, style: 'posix' | 'win32' = path.sep === '\\' ? 'win32' : 'posix'): string {
  const p = style === 'win32' ? path.win32 : path.posix;
  const rel = p.relative(configDir, target);
  if (rel && !rel.startsWith('..') && !p.isAbsolute(rel)) return rel.split(p.sep).join('/');
  return target;
}

/** Where the certificate goes in the config, and the members a lower layer sets there that must be masked. */
export interface KestrelCertificateSection {
  /** `['Kestrel', 'Certificates', 'Default']` or `['Kestrel', 'Endpoints', NAME, 'Certificate']`. */
  path: string[];
  /** Members (Password, Subject, Store...) a lower configuration layer sets in that section: written as null. */
  mask: string[];
}

export const DEFAULT_CERTIFICATE_SECTION: KestrelCertificateSection = { path: DEFAULT_PATH, mask: [] };

/**
 * The edited text. Pure: throws KestrelConfigError on malformed JSONC or a non-object in the way.
 * Each member is set (or removed) on its own, so comments inside the section survive too.
 */
export function editKestrelDefaultCertificate(text: string, cert: KestrelCertificate, file: string, configDir = path.dirname(file),
  section: KestrelCertificateSection = DEFAULT_CERTIFICATE_SECTION): string {
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  let body = bom ? text.slice(1) : text;
  assertObjectsAlong(body, file, section.path);
  const formattingOptions = detectFormatting(body);
  const wasBlank = body.trim() === '';
  const masked = (key: string) => section.mask.some(m => m.toLowerCase() === key.toLowerCase());
  const set = (key: string, value: string | null | undefined) => {
    body = applyEdits(body, modify(body, [...section.path, key], value, { formattingOptions }));
  };
  set('Path', configPathValue(cert.path, configDir));
  set('KeyPath', cert.kind === 'pem' ? configPathValue(cert.keyPath, configDir) : masked('KeyPath') ? null : undefined);
  for (const key of CONFLICTING) set(key, masked(key) ? null : undefined);
  if (wasBlank) body += formattingOptions.eol;
  return bom + body;
}

export interface KestrelConfigRequest {
  /** Usually `<project>/appsettings.Development.json`; created when missing. */
  appsettingsFile: string;
  certificate: KestrelCertificate;
  /** The .csproj: needed to store a PFX password in its user secrets. */
  projectFile?: string;
  /** Where in the config (default Kestrel:Certificates:Default, nothing masked): see kestrelCertificateSection. */
  section?: KestrelCertificateSection;
}

function readJsonc(file: string): unknown {
  const text = readExisting(file)?.bytes.toString('utf8').replace(/^\ufeff/, '');
  if (!text?.trim()) return undefined;
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  return errors.length ? undefined : value;
}

/** A member of a JSON object the way configuration finds it: key names are case-insensitive. */
function member(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const found = Object.keys(value).find(k => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : (value as Record<string, unknown>)[found];
}

const at = (value: unknown, keys: string[]) => keys.reduce(member, value);

/**
 * Which certificate section serves `endpoint` (a `Kestrel:Endpoints:<Name>` detail, when the endpoint was
 * declared there) once appsettings.json and `appsettingsFile` (the Development layer) are merged: the
 * endpoint's own Certificate when either layer gives it one, else Default; and which members the base
 * layer sets there that the edit must mask (a Password would be applied to the new key, a Subject or
 * Store conflicts with Path).
 */
export function kestrelCertificateSection(appsettingsFile: string, endpoint?: string): KestrelCertificateSection {
  const base = readJsonc(path.join(path.dirname(appsettingsFile), 'appsettings.json'));
  const layers = path.basename(appsettingsFile).toLowerCase() === 'appsettings.json' ? [base] : [base, readJsonc(appsettingsFile)];
  const name = endpoint?.startsWith('Kestrel:Endpoints:') ? endpoint.slice('Kestrel:Endpoints:'.length) : undefined;
  const own = name ? ['Kestrel', 'Endpoints', name, 'Certificate'] : undefined;
  const sectionPath = own && layers.some(l => at(l, own) !== undefined) ? own : DEFAULT_PATH;
  const lower = layers.length > 1 ? at(base, sectionPath) : undefined;
  const mask = [...CONFLICTING, 'KeyPath'].filter(k => { const v = member(lower, k); return v !== undefined && v !== null && v !== ''; });
  return { path: sectionPath, mask };
}

function userSecretsId(csproj: string): string | undefined {
  return /<UserSecretsId>\s*([^<\s]+)\s*<\/UserSecretsId>/.exec(csproj)?.[1];
}

/** Where `dotnet user-secrets` keeps a project's secrets (documented in "Safe storage of app secrets"). */
export function userSecretsFile(id: string, ctx: Pick<BindContext, 'platform' | 'homeDir' | 'env'>): string {
  if (ctx.platform === 'win32') {
    const appData = ctx.env.APPDATA || path.win32.join(ctx.homeDir, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Microsoft', 'UserSecrets', id, 'secrets.json');
  }
  return path.posix.join(ctx.homeDir, '.microsoft', 'usersecrets', id, 'secrets.json');
}

function dotnet(ctx: Pick<BindContext, 'tools'>): string {
  return ctx.tools?.dotnet || 'dotnet';
}

function devCertsCleanAction(exe: string): CommandAction {
  return { type: 'command', command: exe, args: ['dev-certs', 'https', '--clean'] };
}

/**
 * Undoing a recorded `dotnet dev-certs https --trust`: the same tool's --clean, with the dotnet this
 * machine's settings name (never a command line read from the ledger) — on macOS the same removal as this
 * tool's own steps, by SHA-1 (devCertsMac.ts: dotnet's --clean would run sudo).
 */
export async function devCertsUndo(ctx: BindContext, id: string): Promise<BindPlan> {
  if (ctx.platform === 'darwin') return planMacDevCertsClean({ ...ctx, runner: ctx.runner ?? run });
  return {
    steps: [{
      id, title: 'Remove the ASP.NET Core development certificate DevCert Doctor had dotnet create and trust',
      action: devCertsCleanAction(dotnet(ctx)), elevated: false,
      changes: 'every ASP.NET Core HTTPS development certificate of this user is deleted (and untrusted)',
    }],
    notes: [],
  };
}

function passwordSteps(request: KestrelConfigRequest, password: string, ctx: BindContext): PlanStep[] {
  if (!request.projectFile) throw new BindInputError('A PFX password needs the project (.csproj) whose user secrets will hold it.');
  const csproj = readExisting(request.projectFile);
  if (!csproj) throw new BindInputError(`${request.projectFile} does not exist.`);
  const steps: PlanStep[] = [];
  let id = userSecretsId(csproj.bytes.toString('utf8'));
  if (!id) {
    // `init` adds <UserSecretsId> to the .csproj; giving the id makes the secrets path known now.
    id = randomUUID();
    steps.push({
      id: 'kestrel-user-secrets-init',
      title: `Enable user secrets for ${path.basename(request.projectFile)}`,
      action: { type: 'command', command: dotnet(ctx), args: ['user-secrets', 'init', '--project', request.projectFile, '--id', id] },
      elevated: false,
      changes: `${request.projectFile} gains <UserSecretsId>${id}</UserSecretsId>`,
      undo: { type: 'write-file', path: request.projectFile, contents: csproj.bytes.toString('base64'), encoding: 'base64', mode: csproj.mode },
    });
  }
  const secrets = userSecretsFile(id, ctx);
  const existing = readExisting(secrets);
  const text = existing?.bytes.toString('utf8') ?? '';
  if (text.trim()) parseOrThrow(text.replace(/^\ufeff/, ''), secrets);
  const base = text.replace(/^\ufeff/, '');
  // user-secrets stores flat "A:B:C" keys; the same shape is written here.
  let edited = applyEdits(base, modify(base, [PASSWORD_SECRET_KEY], password, { formattingOptions: detectFormatting(base) }));
  if (!base.trim()) edited += '\n';
  const step = writeFileStep({
    id: 'kestrel-pfx-password', title: `Store the PFX password in the user secrets of ${path.basename(request.projectFile)}`,
    path: secrets, contents: edited, mode: 0o600, record: { kind: 'config-edit', target: `user-secrets:${id}` }, existing: existing ?? null,
    changes: `user secret "${PASSWORD_SECRET_KEY}" in ${secrets} (the value is not shown)`,
  });
  if (step) steps.push(step);
  return steps;
}

/** Plan: the appsettings edit (write-file with exact undo), plus the password in user secrets for a PFX. */
export async function planKestrelConfig(request: KestrelConfigRequest, ctx: BindContext): Promise<BindPlan> {
  const file = request.appsettingsFile;
  const existing = readExisting(file);
  const before = existing?.bytes.toString('utf8') ?? '';
  const section = request.section ?? DEFAULT_CERTIFICATE_SECTION;
  const after = editKestrelDefaultCertificate(before, request.certificate, file, path.dirname(file), section);
  const steps: PlanStep[] = [];
  const edit = writeFileStep({
    id: 'kestrel-config', title: `Point ${section.path.join(':')} in ${path.basename(file)} at ${path.basename(request.certificate.path)}`,
    path: file, contents: after, record: { kind: 'config-edit', target: `kestrel:${file}` }, existing: existing ?? null,
    ...(existing ? { mode: existing.mode } : {}),
  });
  if (edit) steps.push(edit);
  const notes = [section.path === DEFAULT_PATH
    ? 'Kestrel:Certificates:Default is used by HTTPS endpoints that do not name their own certificate.'
    : `${section.path.slice(0, 3).join(':')} names its own certificate (it wins over Kestrel:Certificates:Default): that is the one pointed at the new certificate.`];
  if (section.mask.length) {
    notes.push(`appsettings.json also sets ${section.mask.join(', ')} there: set to null in ${path.basename(file)} so it does not apply to the new certificate.`);
  }
  if (request.certificate.kind === 'pfx' && request.certificate.password !== undefined) {
    steps.push(...passwordSteps(request, request.certificate.password, ctx));
    notes.push('The PFX password is stored in the project\'s user secrets (Development only), not in appsettings.');
  }
  if (!existing) notes.push(`${path.basename(file)} does not exist yet: it is created.`);
  return { steps, notes };
}

// ---------------------------------------------------------------------------------------------------
// The ASP.NET Core development certificate.

/**
 * The line `dotnet dev-certs https --trust` tells Linux users to run (SDK 10.0.401): OpenSSL clients read the
 * trusted copy only when SSL_CERT_DIR lists that folder beside the system one — `$SSL_CERT_DIR` when it is
 * set (message 114), else OpenSSL's own folder (message 110: an empty element would drop the system folder).
 */
export function devCertsSslCertDirLine(env: NodeJS.ProcessEnv, opensslCertsDir = '/usr/lib/ssl/certs'): string {
  return `export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${env.SSL_CERT_DIR ? '$SSL_CERT_DIR' : opensslCertsDir}"`;
}

/**
 * `dotnet dev-certs https --check --trust` exit codes (fixed by the tool: "existing tooling might depend on
 * them"): 0 full trust, 6 no valid certificate, 7 found but not (fully) trusted — partial trust also exits 7
 * (seen with SDK 10.0.401 on Linux); 4 ("trusted by some clients but not by others") is what `--trust` exits with.
 */
export type DevCertsState = 'trusted' | 'partial' | 'untrusted' | 'missing' | 'error';

export function interpretDevCertsCheck(code: number | null): DevCertsState {
  switch (code) {
    case 0: return 'trusted';
    case 4: return 'partial'; // ErrorTrustingCertificate: trusted by some clients only
    case 7: return 'untrusted'; // ErrorCertificateNotTrusted
    case 6: return 'missing'; // ErrorNoValidCertificateFound
    default: return 'error';
  }
}

/** `--check-trust-machine-readable` (.NET 10+): TrustLevel Full / Partial / None per certificate; undefined when absent or unreadable. */
export function interpretDevCertsMachineReadable(stdout: string): DevCertsState | undefined {
  let doc: unknown;
  try { doc = JSON.parse(stdout); } catch { return undefined; }
  if (!Array.isArray(doc)) return undefined;
  if (doc.length === 0) return 'missing';
  const levels = doc.map(c => String((c as { TrustLevel?: unknown }).TrustLevel ?? ''));
  if (levels.includes('Full')) return 'trusted';
  if (levels.includes('Partial')) return 'partial';
  return levels.every(l => l === 'None') ? 'untrusted' : undefined;
}

/** The machine-readable answer where this SDK has it (it tells partial from none), else the exit code of --check --trust. */
export async function checkDevCerts(ctx: Pick<BindContext, 'tools' | 'runner'> = {}): Promise<DevCertsState> {
  const runner = ctx.runner ?? run;
  const readable = await runner(dotnet(ctx), ['dev-certs', 'https', '--check-trust-machine-readable'], { timeoutMs: 60_000 }).catch(() => undefined);
  const state = readable?.code === 0 ? interpretDevCertsMachineReadable(readable.stdout) : undefined;
  if (state) return state;
  const r = await runner(dotnet(ctx), ['dev-certs', 'https', '--check', '--trust'], { timeoutMs: 60_000 });
  return interpretDevCertsCheck(r.code);
}

/** Is `dotnet` runnable? (The dev-certs path is offered only then.) */
export async function dotnetAvailable(ctx: Pick<BindContext, 'tools' | 'runner'> = {}): Promise<{ ok: boolean; reason?: string }> {
  try {
    const r = await (ctx.runner ?? run)(dotnet(ctx), ['--version'], { timeoutMs: 15_000 });
    return r.code === 0 ? { ok: true } : { ok: false, reason: `${dotnet(ctx)} --version exited ${r.code}` };
  } catch (err) {
    return { ok: false, reason: err instanceof ExecError ? err.message : String(err) };
  }
}

/**
 * `--clean` then `--trust`. `checkAvailable: false` plans without running dotnet: the caller checked
 * already, or renders the plan for another platform, where this machine's dotnet says nothing. `served`:
 * the development certificates the endpoints serve (what a macOS plan rendered elsewhere shows removing).
 */
export async function planKestrelDevCerts(ctx: BindContext, options: { checkAvailable?: boolean; served?: CertificateRef[] } = {}): Promise<BindPlan> {
  if (options.checkAvailable ?? true) {
    const available = await dotnetAvailable(ctx);
    if (!available.ok) throw new BindInputError(`The .NET SDK is needed for dotnet dev-certs: ${available.reason}.`);
  }
  const exe = dotnet(ctx);
  const prompt = ctx.platform === 'win32' ? ' — Windows asks you to confirm'
    : ctx.platform === 'darwin' ? ' — macOS asks for your login password' : '';
  const darwin = ctx.platform === 'darwin';
  // On macOS dotnet's --clean would run sudo out of sight: the removal is this plan's own steps there.
  const clean: BindPlan = darwin ? await planMacDevCertsClean({ ...ctx, runner: ctx.runner ?? run }, options.served) : {
    steps: [{
      id: 'dev-certs-clean',
      title: `Remove the existing ASP.NET Core development certificates${prompt}`,
      action: { type: 'command', command: exe, args: ['dev-certs', 'https', '--clean'], waitsForUser: true },
      elevated: false,
      // No undo: --clean deletes them; the next step makes a new one.
      changes: 'every ASP.NET Core HTTPS development certificate of this user is deleted (and untrusted)',
    }],
    notes: [],
  };
  const steps: PlanStep[] = [...clean.steps, {
    id: 'dev-certs-trust',
    title: `Create a new ASP.NET Core development certificate and trust it${prompt}`,
    // On Linux --trust exits 4 ("trusted by some clients but not by others") whenever SSL_CERT_DIR does not
    // yet list ~/.aspnet/dev-certs/trust — the usual case: the certificate is made and trusted where dotnet
    // can, and the note below says the rest (seen with SDK 10.0.401 in a sandbox HOME).
    action: { type: 'command', command: exe, args: ['dev-certs', 'https', '--trust'], waitsForUser: true, ...(ctx.platform === 'linux' ? { okExitCodes: [4] } : {}) },
    elevated: false,
    changes: 'a new ASP.NET Core development certificate in the user store, trusted',
    // macOS: no undo inside the plan — the certificate --trust makes is not known before it runs, and dotnet's
    // --clean would sudo; the ledger records it, and `untrust` removes it by SHA-1 once it exists.
    ...(darwin ? {} : { undo: devCertsCleanAction(exe) }),
    record: { kind: 'trust', target: 'dotnet-dev-certs' },
  }];
  const notes: string[] = [...clean.notes];
  if (ctx.platform === 'linux') {
    notes.push('On Linux `dotnet dev-certs https --trust` trusts only for some consumers: .NET 9+ SDKs put the certificate in '
      + '~/.aspnet/dev-certs/trust (OpenSSL reads it only with SSL_CERT_DIR set to include it) and in the NSS databases '
      + 'of Chromium/Firefox it finds; older SDKs trust nothing on Linux. The system store and Node are not covered.',
    `Then, for OpenSSL clients (curl, .NET): ${devCertsSslCertDirLine(ctx.env)}`);
  }
  return { steps, notes };
}

export const kestrelConfigTarget: BindTarget<KestrelConfigRequest> = {
  id: 'kestrel-config',
  label: 'Kestrel: Kestrel:Certificates:Default in appsettings.Development.json',
  plan: (request, ctx) => planKestrelConfig(request, ctx),
};

export const kestrelDevCertsTarget: BindTarget<Record<string, never>> = {
  id: 'kestrel-dev-certs',
  label: 'ASP.NET Core development certificate (dotnet dev-certs https --clean, --trust; on macOS the removal by SHA-1 as its own steps)',
  plan: (_request, ctx) => planKestrelDevCerts(ctx),
};

/**
 * Kestrel (ASP.NET Core): make `Kestrel:Certificates:Default` in appsettings.Development.json point at
 * the certificate — `{ "Path", "KeyPath" }` for PEM, `{ "Path" }` for PFX — editing the JSONC in place
 * with jsonc-parser so comments, order and formatting outside the edited members stay byte-for-byte.
 * A PFX password never goes into appsettings: it goes into the project's user secrets (secrets.json,
 * the file `dotnet user-secrets set` writes), as a file write, so it is on no command line (where any
 * local process could read it) and its undo restores exactly what was there.
 * Or, for projects on the ASP.NET Core development certificate: `dotnet dev-certs https --clean` then
 * `--trust`.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parseTree, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { ExecError, run } from '../io';
import { type CommandAction, type PlanStep, readExisting, writeFileStep } from '../plan';
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

function assertObjectsAlong(text: string, file: string): void {
  if (!text.trim()) return; // an empty file becomes an object
  const tree = parseOrThrow(text, file);
  if (!tree) return;
  if (tree.type !== 'object') throw new KestrelConfigError(`${file}: the top level is ${tree.type === 'array' ? 'an array' : `a ${tree.type}`}, not an object; nothing was changed`);
  for (let i = 1; i <= DEFAULT_PATH.length; i++) {
    const node = findNodeAtLocation(tree, DEFAULT_PATH.slice(0, i));
    if (node && node.type !== 'object') {
      throw new KestrelConfigError(`${file}:${lineCol(text, node.offset)}: "${DEFAULT_PATH.slice(0, i).join(':')}" is a ${node.type}, `
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

/**
 * The edited text. Pure: throws KestrelConfigError on malformed JSONC or a non-object in the way.
 * Each member is set (or removed) on its own, so comments inside `Default` survive too.
 */
export function editKestrelDefaultCertificate(text: string, cert: KestrelCertificate, file: string, configDir = path.dirname(file)): string {
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  let body = bom ? text.slice(1) : text;
  assertObjectsAlong(body, file);
  const formattingOptions = detectFormatting(body);
  const wasBlank = body.trim() === '';
  const set = (key: string, value: string | undefined) => {
    body = applyEdits(body, modify(body, [...DEFAULT_PATH, key], value, { formattingOptions }));
  };
  set('Path', configPathValue(cert.path, configDir));
  set('KeyPath', cert.kind === 'pem' ? configPathValue(cert.keyPath, configDir) : undefined);
  for (const key of CONFLICTING) set(key, undefined);
  if (wasBlank) body += formattingOptions.eol;
  return bom + body;
}

export interface KestrelConfigRequest {
  /** Usually `<project>/appsettings.Development.json`; created when missing. */
  appsettingsFile: string;
  certificate: KestrelCertificate;
  /** The .csproj: needed to store a PFX password in its user secrets. */
  projectFile?: string;
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
 * machine's settings name (never a command line read from the ledger).
 */
export function devCertsUndoStep(ctx: Pick<BindContext, 'tools'>, id: string): PlanStep {
  return {
    id, title: 'Remove the ASP.NET Core development certificate DevCert Doctor had dotnet create and trust',
    action: devCertsCleanAction(dotnet(ctx)), elevated: false,
    changes: 'every ASP.NET Core HTTPS development certificate of this user is deleted (and untrusted)',
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
  const after = editKestrelDefaultCertificate(before, request.certificate, file);
  const steps: PlanStep[] = [];
  const edit = writeFileStep({
    id: 'kestrel-config', title: `Point Kestrel:Certificates:Default in ${path.basename(file)} at ${path.basename(request.certificate.path)}`,
    path: file, contents: after, record: { kind: 'config-edit', target: `kestrel:${file}` }, existing: existing ?? null,
    ...(existing ? { mode: existing.mode } : {}),
  });
  if (edit) steps.push(edit);
  const notes = ['Kestrel:Certificates:Default is used by HTTPS endpoints that do not name their own certificate.'];
  if (request.certificate.kind === 'pfx' && request.certificate.password !== undefined) {
    steps.push(...passwordSteps(request, request.certificate.password, ctx));
    notes.push('The PFX password is stored in the project\'s user secrets (Development only), not in appsettings.');
  }
  if (!existing) notes.push(`${path.basename(file)} does not exist yet: it is created.`);
  return { steps, notes };
}

// ---------------------------------------------------------------------------------------------------
// The ASP.NET Core development certificate.

/** `dotnet dev-certs https --check --trust` exit codes (fixed by the tool: "existing tooling might depend on them"). */
export type DevCertsState = 'trusted' | 'untrusted' | 'missing' | 'error';

export function interpretDevCertsCheck(code: number | null): DevCertsState {
  switch (code) {
    case 0: return 'trusted';
    case 7: return 'untrusted'; // ErrorCertificateNotTrusted
    case 6: return 'missing'; // ErrorNoValidCertificateFound
    default: return 'error';
  }
}

export async function checkDevCerts(ctx: Pick<BindContext, 'tools' | 'runner'> = {}): Promise<DevCertsState> {
  const r = await (ctx.runner ?? run)(dotnet(ctx), ['dev-certs', 'https', '--check', '--trust'], { timeoutMs: 60_000 });
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
 * already, or renders the plan for another platform, where this machine's dotnet says nothing.
 */
export async function planKestrelDevCerts(ctx: BindContext, options: { checkAvailable?: boolean } = {}): Promise<BindPlan> {
  if (options.checkAvailable ?? true) {
    const available = await dotnetAvailable(ctx);
    if (!available.ok) throw new BindInputError(`The .NET SDK is needed for dotnet dev-certs: ${available.reason}.`);
  }
  const exe = dotnet(ctx);
  const prompt = ctx.platform === 'win32' ? ' — Windows asks you to confirm'
    : ctx.platform === 'darwin' ? ' — macOS asks for your login password' : '';
  const steps: PlanStep[] = [{
    id: 'dev-certs-clean',
    title: `Remove the existing ASP.NET Core development certificates${prompt}`,
    action: { type: 'command', command: exe, args: ['dev-certs', 'https', '--clean'] },
    elevated: false,
    // No undo: --clean deletes them; the next step makes a new one.
    changes: 'every ASP.NET Core HTTPS development certificate of this user is deleted (and untrusted)',
  }, {
    id: 'dev-certs-trust',
    title: `Create a new ASP.NET Core development certificate and trust it${prompt}`,
    action: { type: 'command', command: exe, args: ['dev-certs', 'https', '--trust'] },
    elevated: false,
    changes: 'a new ASP.NET Core development certificate in the user store, trusted',
    undo: devCertsCleanAction(exe),
    record: { kind: 'trust', target: 'dotnet-dev-certs' },
  }];
  const notes: string[] = [];
  if (ctx.platform === 'linux') {
    notes.push('On Linux `dotnet dev-certs https --trust` trusts only for some consumers: .NET 9+ SDKs put the certificate in '
      + '~/.aspnet/dev-certs/trust (OpenSSL reads it only with SSL_CERT_DIR set to include it) and in the NSS databases '
      + 'of Chromium/Firefox it finds; older SDKs trust nothing on Linux. The system store and Node are not covered.');
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
  label: 'ASP.NET Core development certificate (dotnet dev-certs https --clean, --trust)',
  plan: (_request, ctx) => planKestrelDevCerts(ctx),
};

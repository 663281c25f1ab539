/**
 * Windows certificate stores, through PowerShell's Cert: drive (argument arrays; the script text uses
 * single-quoted literals only, so no value is ever expanded):
 *   - CurrentUser\Root ("windows-root"): what makes browsers and .NET on this account trust the
 *     certificate. No elevation, but Windows shows its own security warning ("You are about to install
 *     a certificate from a certification authority...") that the user must answer with Yes.
 *   - LocalMachine\My ("windows-my"): where http.sys (IIS Express) looks up the certificate it binds,
 *     with its private key. Machine-wide, so elevated; imported from a PFX.
 * Queries print JSON (see windowsCertJson.ts) so nothing depends on the display language.
 */
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { type CertificateRef, IIS_EXPRESS_FRIENDLY_NAME } from '../certs';
import { configDir, psQuote, run } from '../io';
import { type CommandAction, type PlanStep, writeFileStep, trustRecord } from '../plan';
import type { TrustContext, TrustStore } from './store';
import { parseWindowsCertJson, type WindowsCertEntry } from './windowsCertJson';

type Runner = typeof run;

export const POWERSHELL = 'powershell.exe';

export type WindowsStoreLocation = 'CurrentUser\\Root' | 'LocalMachine\\My' | 'LocalMachine\\Root';

/** What the Windows stores can use beyond the certificate itself. */
export interface WindowsCertificateRef extends CertificateRef {
  /** Shown in certmgr; "IIS Express Development Certificate" for the iisexpress profile. */
  friendlyName?: string;
  /** Needed for LocalMachine\My (http.sys needs the private key). */
  pfx?: { base64: string; password?: string };
}

/** A certificate for the iisexpress profile: the friendly name IIS Express and Visual Studio look for. */
export function asIisExpressCertificate<T extends CertificateRef>(cert: T): T & { friendlyName: string } {
  return { ...cert, friendlyName: IIS_EXPRESS_FRIENDLY_NAME };
}

export function powershell(script: string): CommandAction {
  return { type: 'command', command: POWERSHELL, args: ['-NoProfile', '-NonInteractive', '-Command', script] };
}

function thumb(cert: CertificateRef): string {
  if (!/^[0-9A-Fa-f]{40}$/.test(cert.sha1)) throw new Error(`"${cert.sha1}" is not a SHA-1 thumbprint (40 hex digits)`);
  return cert.sha1.toUpperCase();
}

const storePath = (location: WindowsStoreLocation) => `Cert:\\${location}`;
const itemPath = (location: WindowsStoreLocation, thumbprint: string) => `${storePath(location)}\\${thumbprint}`;

// Terminating errors make powershell.exe -Command exit 1, so a failed import fails its step.
const STOP = "$ErrorActionPreference = 'Stop'";
// Subjects may hold non-ASCII; without this the console code page mangles them.
const UTF8_OUT = '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8';

const SELECT = ' | Select-Object Thumbprint,Subject,NotAfter,FriendlyName,HasPrivateKey,@{n=\'RawData\';e={[Convert]::ToBase64String($_.RawData)}}'
  + ' | ConvertTo-Json -Compress';

/** The read-only query: certificates in a store, optionally only one thumbprint, as compact JSON. */
export function queryStoreAction(location: WindowsStoreLocation, thumbprint?: string): CommandAction {
  const filter = thumbprint ? ` | Where-Object Thumbprint -eq ${psQuote(thumbprint)}` : '';
  return powershell(`${UTF8_OUT}; Get-ChildItem -Path ${psQuote(storePath(location))}${filter}${SELECT}`);
}

/** The read-only query by friendly name (how Visual Studio and IIS Express find their certificate). */
export function queryFriendlyNameAction(location: WindowsStoreLocation, friendlyName: string): CommandAction {
  return powershell(`${UTF8_OUT}; Get-ChildItem -Path ${psQuote(storePath(location))} | Where-Object FriendlyName -eq ${psQuote(friendlyName)}${SELECT}`);
}

/**
 * Run the query. `runner` defaults to exec.ts `run`; tests pass captured output because PowerShell's
 * Cert: drive does not exist on the Linux test machine (this tests parsing of the real output format).
 */
export async function queryWindowsStore(location: WindowsStoreLocation, thumbprint: string | undefined,
  runner: Runner = run): Promise<WindowsCertEntry[]> {
  return runStoreQuery(location, queryStoreAction(location, thumbprint), runner);
}

async function runStoreQuery(location: WindowsStoreLocation, { command, args }: CommandAction, runner: Runner): Promise<WindowsCertEntry[]> {
  const r = await runner(command, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${POWERSHELL} could not read ${storePath(location)} (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return parseWindowsCertJson(r.stdout);
}

/**
 * Adds a certificate through .NET's X509Store with its FriendlyName set BEFORE it is added (as dotnet's
 * CertificateManager does): the store copies the property with it, so no second command can fail after
 * the certificate is already trusted and leave it trusted but unrecorded. `load` yields `$c`.
 */
function addToStore(location: WindowsStoreLocation, load: string, friendlyName: string | undefined): string {
  const [where, store] = location.split('\\');
  return `${load}; ${friendlyName ? `$c.FriendlyName = ${psQuote(friendlyName)}; ` : ''}`
    + `$s = New-Object System.Security.Cryptography.X509Certificates.X509Store(${psQuote(store)}, ${psQuote(where)}); `
    + "$s.Open('ReadWrite'); try { $s.Add($c) } finally { $s.Close() }";
}

const loadCer = (cerFile: string) =>
  `$c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(,[IO.File]::ReadAllBytes(${psQuote(cerFile)}))`;

export function importRootAction(cerFile: string, thumbprint: string, friendlyName?: string, location: 'CurrentUser\\Root' | 'LocalMachine\\Root' = 'CurrentUser\\Root'): CommandAction {
  void thumbprint; // the file is the certificate; the thumbprint names it in the plan
  const action = powershell(`${STOP}; ${addToStore(location, loadCer(cerFile), friendlyName)}`);
  // CurrentUser\\Root shows Windows' confirmation dialog and waits for it.
  return location === 'CurrentUser\\Root' ? { ...action, waitsForUser: true } : action;
}

/**
 * The password is read from a 0600 file the plan writes (never a command-line argument or an env value).
 * The key is stored for the machine and kept (MachineKeySet, PersistKeySet), as http.sys needs it. The
 * same script deletes the transport copies once the key is in the store: doing it in a separate,
 * unprivileged step would split the plan's elevated steps into two prompts.
 */
export function importPfxAction(pfxFile: string, thumbprint: string, passwordFile?: string, friendlyName?: string): CommandAction {
  void thumbprint;
  const password = passwordFile
    ? `$p = Get-Content -LiteralPath ${psQuote(passwordFile)} -Raw | ConvertTo-SecureString -AsPlainText -Force; ` : "$p = ''; ";
  const copies = [pfxFile, ...(passwordFile ? [passwordFile] : [])].map(psQuote).join(', ');
  const load = `${password}$c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(${psQuote(pfxFile)}, $p, 'MachineKeySet,PersistKeySet')`;
  return powershell(`${STOP}; ${addToStore('LocalMachine\\My', load, friendlyName)}; Remove-Item -LiteralPath ${copies} -Force`);
}

export function removeAction(location: WindowsStoreLocation, thumbprint: string): CommandAction {
  // -DeleteKey also removes the private key that came with a PFX (LocalMachine\My).
  const deleteKey = location === 'LocalMachine\\My' ? ' -DeleteKey' : '';
  const action = powershell(`${STOP}; Remove-Item -Path ${psQuote(itemPath(location, thumbprint))}${deleteKey}`);
  return location === 'CurrentUser\\Root' ? { ...action, waitsForUser: true } : action;
}

/** Where copies of certificates handed to Windows live: %APPDATA%\devcert-doctor\trusted. */
export function windowsTrustedDir(ctx: Pick<TrustContext, 'env' | 'homeDir'>): string {
  return path.win32.join(configDir(ctx.env, 'win32', ctx.homeDir), 'trusted');
}

function fileStem(cert: CertificateRef): string {
  return `${cert.nickname.replace(/[^A-Za-z0-9._-]+/g, '_')}-${thumb(cert).slice(0, 8)}`;
}

/**
 * A transport file for a Windows command. The path is a Windows path planned from any machine, so the
 * target is never read here (`existing: null`): its undo removes it.
 */
function writeStep(id: string, file: string, contents: string, encoding: 'utf8' | 'base64', mode: number, what: string): PlanStep {
  return writeFileStep({
    id, title: `Write ${what} to ${file}`, path: file, mode, existing: null, changes: `file ${file}`,
    contents: encoding === 'base64' ? Buffer.from(contents, 'base64') : contents,
  })!;
}

function cerStep(cert: CertificateRef, ctx: TrustContext, id: string): { step: PlanStep; file: string } {
  const file = path.win32.join(windowsTrustedDir(ctx), `${fileStem(cert)}.cer`);
  const der = new X509Certificate(cert.pem).raw.toString('base64');
  return { file, step: writeStep(id, file, der, 'base64', 0o644, `the certificate (DER .cer) for Windows`) };
}

function unavailable(ctx: TrustContext): { ok: boolean; reason?: string } {
  return ctx.platform === 'win32' ? { ok: true } : { ok: false, reason: 'Windows certificate stores exist only on Windows' };
}

/** CurrentUser\Root: trust for this Windows account. */
export function createWindowsRootStore(runner: Runner = run): TrustStore {
  const present = async (cert: CertificateRef) =>
    (await queryWindowsStore('CurrentUser\\Root', thumb(cert), runner)).some(e => e.thumbprint === thumb(cert));
  return {
    id: 'windows-root',
    label: 'Windows: Trusted Root Certification Authorities of the current user (CurrentUser\\Root)',
    available: async ctx => unavailable(ctx),
    check: async cert => present(cert),
    async add(cert: WindowsCertificateRef, ctx) {
      if (await present(cert)) return [];
      const { step, file } = cerStep(cert, ctx, 'windows-root-file');
      const t = thumb(cert);
      return [{ ...step, beforeElevated: true }, {
        id: 'trust-windows-root',
        beforeElevated: true,
        title: `Trust ${cert.subject} for your Windows account — Windows shows a security warning: answer Yes`,
        action: importRootAction(file, t, cert.friendlyName),
        elevated: false,
        changes: `CurrentUser\\Root gains ${cert.subject} (${t})${cert.friendlyName ? `, friendly name "${cert.friendlyName}"` : ''}; `
          + 'Windows asks for confirmation in its own dialog',
        record: { ...trustRecord('windows-root', cert), thumbprint: t },
        undo: removeAction('CurrentUser\\Root', t),
      }];
    },
    async remove(cert: WindowsCertificateRef, ctx) {
      if (!(await present(cert))) return [];
      // The .cer is written first so that a rollback can put the certificate back.
      const { step, file } = cerStep(cert, ctx, 'windows-root-file');
      const t = thumb(cert);
      return [step, {
        id: 'untrust-windows-root',
        title: `Remove ${cert.subject} from your account's trusted roots — Windows asks you to confirm`,
        action: removeAction('CurrentUser\\Root', t),
        elevated: false,
        changes: `CurrentUser\\Root loses ${cert.subject} (${t})`,
        undo: importRootAction(file, t, cert.friendlyName),
      }, {
        // Last, so the undo above still finds the file during a rollback.
        id: 'windows-root-file-cleanup', title: `Delete ${file}`, action: { type: 'remove-file', path: file },
        elevated: false, changes: `file ${file} removed`,
      }];
    },
  };
}

/** LocalMachine\My: the certificate with its key, for http.sys bindings. */
export function createWindowsMyStore(runner: Runner = run): TrustStore {
  const entry = async (cert: CertificateRef) =>
    (await queryWindowsStore('LocalMachine\\My', thumb(cert), runner)).find(e => e.thumbprint === thumb(cert));
  return {
    id: 'windows-my',
    label: 'Windows: Personal store of the computer (LocalMachine\\My), used by http.sys / IIS Express',
    available: async ctx => unavailable(ctx),
    // Without its private key the certificate is there but http.sys cannot serve it.
    check: async cert => (await entry(cert))?.hasPrivateKey === true,
    async add(cert: WindowsCertificateRef, ctx) {
      if ((await entry(cert))?.hasPrivateKey) return [];
      if (!cert.pfx) throw new Error('LocalMachine\\My needs the certificate with its private key: generate or export it as PFX first');
      const t = thumb(cert);
      const pfxFile = path.win32.join(windowsTrustedDir(ctx), `${fileStem(cert)}.pfx`);
      const passFile = cert.pfx.password !== undefined ? `${pfxFile}.pass` : undefined;
      const steps: PlanStep[] = [writeStep('windows-my-pfx', pfxFile, cert.pfx.base64, 'base64', 0o600, 'the certificate and key (PFX)')];
      if (passFile) steps.push(writeStep('windows-my-pfx-password', passFile, cert.pfx.password!, 'utf8', 0o600, 'the PFX password'));
      steps.push({
        id: 'install-windows-my',
        title: `Install ${cert.subject} with its private key in the computer's Personal store (for http.sys)`,
        action: importPfxAction(pfxFile, t, passFile, cert.friendlyName),
        elevated: true,
        changes: `LocalMachine\\My gains ${cert.subject} (${t}) and its private key; the PFX copies on disk are deleted`,
        record: { ...trustRecord('windows-my', cert), thumbprint: t },
        undo: removeAction('LocalMachine\\My', t),
      });
      return steps;
    },
    async remove(cert) {
      if (!(await entry(cert))) return [];
      const t = thumb(cert);
      return [{
        id: 'uninstall-windows-my',
        title: `Remove ${cert.subject} and its private key from the computer's Personal store`,
        action: removeAction('LocalMachine\\My', t),
        elevated: true,
        // No undo: the private key is gone with it; regenerate to get a certificate back.
        changes: `LocalMachine\\My loses ${cert.subject} (${t}) and its private key (not recoverable)`,
      }];
    },
  };
}

export const windowsRootStore = createWindowsRootStore();
export const windowsMyStore = createWindowsMyStore();

/** Renames a certificate in a store (the Cert: drive writes the property through to the store). */
function renameAction(location: WindowsStoreLocation, thumbprint: string, friendlyName: string): CommandAction {
  return powershell(`${STOP}; (Get-Item -LiteralPath ${psQuote(itemPath(location, thumbprint))}).FriendlyName = ${psQuote(friendlyName)}`);
}

/**
 * The other "IIS Express Development Certificate"s (the friendly name Visual Studio and IIS Express pick
 * by) in the three stores they live in: LocalMachine\My (with its key, for http.sys), LocalMachine\Root
 * (where IIS Express setup trusts it) and CurrentUser\Root (where Visual Studio trusts it). Left beside
 * a new certificate of the same name, they are what the tools may pick. By thumbprint:
 *   - an expired one is removed. A Root copy's undo puts the same certificate back (its DER is written
 *     first, once per certificate); the LocalMachine\My copy goes with its private key, which cannot come
 *     back — it is expired, nothing can serve it any more;
 *   - one still valid in LocalMachine\My is a duplicate, not garbage: its key cannot be exported to put
 *     it back, and other ports may still be bound to it. It keeps its key and bindings and loses the name
 *     ("… (replaced YYYY-MM-DD)"); undo gives the name back. Its Root copies stay trusted, for those ports.
 * CurrentUser\Root's removal is not elevated (Windows asks to confirm in its own dialog) and runs before
 * the plan's elevated block, like the Root import.
 */
export async function planReplaceOldIisExpressCertificates(ctx: TrustContext, now: Date, keep: string | undefined,
  runner: Runner = run): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  const copies = new Map<string, string>();
  for (const location of ['LocalMachine\\My', 'LocalMachine\\Root', 'CurrentUser\\Root'] as const) {
    const found = await runStoreQuery(location, queryFriendlyNameAction(location, IIS_EXPRESS_FRIENDLY_NAME), runner);
    for (const e of found) {
      if (!/^[0-9A-F]{40}$/.test(e.thumbprint) || e.thumbprint === keep?.toUpperCase()) continue;
      const short = e.thumbprint.slice(0, 8);
      const where = location.replace('\\', '-').toLowerCase();
      if (!e.notAfter || e.notAfter > now) {
        if (location !== 'LocalMachine\\My') continue;
        const retired = `${IIS_EXPRESS_FRIENDLY_NAME} (replaced ${now.toISOString().slice(0, 10)})`;
        steps.push({
          id: `rename-duplicate-${short}-${where}`,
          title: `Rename the other "${IIS_EXPRESS_FRIENDLY_NAME}" ${e.thumbprint} in LocalMachine\\My to "${retired}" (still valid: its key and bindings stay)`,
          action: renameAction(location, e.thumbprint, retired),
          elevated: true,
          changes: `LocalMachine\\My: ${e.subject || 'certificate'} (${e.thumbprint}) is named "${retired}"`,
          undo: renameAction(location, e.thumbprint, e.friendlyName || IIS_EXPRESS_FRIENDLY_NAME),
        });
        continue;
      }
      const elevated = location !== 'CurrentUser\\Root';
      const title = `Remove the expired "${IIS_EXPRESS_FRIENDLY_NAME}" ${e.thumbprint} (expired ${e.notAfter.toISOString().slice(0, 10)}) from ${location}`;
      let undo: CommandAction | undefined;
      if (location !== 'LocalMachine\\My' && e.rawData) {
        let file = copies.get(e.thumbprint);
        if (!file) {
          file = path.win32.join(windowsTrustedDir(ctx), `expired-iisexpress-${short}.cer`);
          copies.set(e.thumbprint, file);
          steps.push({ ...writeStep(`keep-expired-${short}`, file, e.rawData, 'base64', 0o644, 'a copy of the expired certificate (to put it back on undo)'), beforeElevated: true });
        }
        undo = importRootAction(file, e.thumbprint, IIS_EXPRESS_FRIENDLY_NAME, location);
      }
      steps.push({
        id: `remove-expired-${short}-${where}`,
        title: location === 'CurrentUser\\Root' ? `${title} — Windows asks you to confirm` : title,
        action: removeAction(location, e.thumbprint),
        elevated,
        ...(elevated ? {} : { beforeElevated: true }),
        changes: `${location} loses the expired ${e.subject || 'certificate'} (${e.thumbprint})${location === 'LocalMachine\\My' ? ' and its private key (not recoverable; it is expired)' : ''}`,
        ...(undo ? { undo } : {}),
      });
    }
  }
  return steps;
}

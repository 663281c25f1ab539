/**
 * http.sys SSL bindings for IIS Express (and anything else http.sys serves): which certificate answers
 * on `0.0.0.0:PORT`. Two ways to repair, both elevated (http.sys configuration is machine-wide):
 *   - rebind: `netsh http delete sslcert` then `netsh http add sslcert ... certhash= appid=`, with the
 *     binding that was there recorded so it can be put back;
 *   - through IIS Express (`--strategy iisexpress`): `IisExpressAdminCmd.exe setupSslUrl
 *     -url:https://localhost:PORT/ -CertHash:<SHA-1>` with a certificate the plan made (never
 *     -UseSelfSigned, which reuses the certificate there even when it has expired).
 * The certificate must already be in LocalMachine\My with its private key (see trust/windows.ts):
 * http.sys looks the hash up there and fails the handshake otherwise.
 */
import { run } from '../io';
import type { CommandAction, PlanStep } from '../plan';
import { findBinding, parseNetshShowSslcert, type NetshSslBinding } from './netshParse';
import type { BindContext, BindPlan, BindTarget, Runner } from './types';
import { BindInputError, IIS_EXPRESS_APP_ID, iisExpressPortWarning, iisExpressSslPorts, validateAppId, validatePort, validateThumbprint } from './validate';

export const DEFAULT_IIS_EXPRESS_ADMIN_CMD = 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe';

/** The binding that was in place before, as stored in the ledger's `previous` (JSON). */
export interface PreviousHttpSysBinding { certHash: string; appId: string }

/** `0.0.0.0:PORT`: IIS Express binds every IPv4 address. */
export function ipPortFor(port: number): string {
  return `0.0.0.0:${validatePort(port)}`;
}

export function httpSysTarget(ipport: string): string {
  return `httpsys:${ipport}`;
}

function netsh(args: string[], okExitCodes?: number[]): CommandAction {
  return { type: 'command', command: 'netsh', args, ...(okExitCodes ? { okExitCodes } : {}) };
}

export function netshShowSslcert(ipport?: string): CommandAction {
  return netsh(['http', 'show', 'sslcert', ...(ipport ? [`ipport=${ipport}`] : [])]);
}

export function netshDeleteSslcert(ipport: string): CommandAction {
  return netsh(['http', 'delete', 'sslcert', `ipport=${ipport}`]);
}

export function netshAddSslcert(ipport: string, certHash: string, appId: string): CommandAction {
  return netsh(['http', 'add', 'sslcert', `ipport=${ipport}`, `certhash=${validateThumbprint(certHash)}`,
    `appid=${validateAppId(appId)}`]);
}

/** One command that puts an old binding back over whatever is bound now (the ledger's single undo). */
export function netshUpdateSslcert(ipport: string, certHash: string, appId: string): CommandAction {
  return netsh(['http', 'update', 'sslcert', `ipport=${ipport}`, `certhash=${validateThumbprint(certHash)}`,
    `appid=${validateAppId(appId)}`]);
}

/**
 * Every current SSL binding, from one `netsh http show sslcert` (one process instead of one per port
 * of the 100-port range). A failing netsh is an error here: listing all bindings has no "not found".
 */
export async function readHttpSysBindings(runner: Runner = run): Promise<NetshSslBinding[]> {
  const { command, args } = netshShowSslcert();
  const r = await runner(command, args, { timeoutMs: 30_000 });
  const bindings = parseNetshShowSslcert(r.stdout);
  if (r.code !== 0 && bindings.length === 0) {
    throw new Error(`netsh http show sslcert failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  }
  return bindings;
}

/**
 * The binding on one ip:port, or undefined. For a single endpoint netsh exits non-zero with a localized
 * "cannot find the file" when there is none, so absence is read from the missing hash, not the text.
 */
export async function readHttpSysBinding(ipport: string, runner: Runner = run): Promise<NetshSslBinding | undefined> {
  const { command, args } = netshShowSslcert(ipport);
  const r = await runner(command, args, { timeoutMs: 15_000 });
  return findBinding(parseNetshShowSslcert(r.stdout), ipport);
}

export interface HttpSysBindRequest {
  /** HTTPS ports from applicationhost.config, or 'iisexpress-range' for all of 44300–44399. */
  ports: readonly number[] | 'iisexpress-range';
  /** SHA-1 of the certificate to bind (must be in LocalMachine\My with its key). */
  thumbprint: string;
  /** Defaults to IIS Express's application id. */
  appId?: string;
}

function resolvePorts(ports: HttpSysBindRequest['ports']): number[] {
  const list = ports === 'iisexpress-range' ? iisExpressSslPorts() : [...ports];
  if (list.length === 0) throw new BindInputError('No HTTPS port to bind: give at least one port.');
  return [...new Set(list.map(validatePort))];
}

function portNotes(ports: number[]): string[] {
  return ports.map(iisExpressPortWarning).filter((n): n is string => n !== undefined);
}

/** Steps that move one port's binding aside (recorded, so rollback and `clean` can put it back). */
function deleteExistingStep(ipport: string, port: number, old: PreviousHttpSysBinding): PlanStep {
  return {
    id: `unbind-${port}`,
    title: `Remove the current http.sys SSL binding on ${ipport} (certificate ${old.certHash})`,
    action: netshDeleteSslcert(ipport),
    elevated: true,
    changes: `http.sys SSL binding ${ipport} (was certhash=${old.certHash} appid=${old.appId})`,
    undo: netshAddSslcert(ipport, old.certHash, old.appId),
  };
}

function previousOf(old: NetshSslBinding | undefined): PreviousHttpSysBinding | undefined {
  return old?.certHash ? { certHash: old.certHash, appId: old.appId ?? IIS_EXPRESS_APP_ID } : undefined;
}

/**
 * Undoing a recorded binding (`clean`), rebuilt from the ledger's facts — the ip:port and the binding it
 * replaced, each validated as a port, a thumbprint and an application id — never from a stored command:
 * put the old binding back, or remove ours. Throws BindInputError for an entry that is not such a fact.
 */
export function httpSysUndoStep(entry: { target: string; previous?: string }, id: string): PlanStep {
  const m = /^httpsys:((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})$/.exec(entry.target);
  if (!m || m[1].split('.').some(n => Number(n) > 255)) throw new BindInputError(`not an http.sys binding: ${JSON.stringify(entry.target)}`);
  const ipport = `${m[1]}:${validatePort(Number(m[2]))}`;
  let previous: PreviousHttpSysBinding | undefined;
  if (entry.previous !== undefined) {
    let parsed: { certHash?: unknown; appId?: unknown };
    try { parsed = JSON.parse(entry.previous); } catch { throw new BindInputError(`the previous binding of ${ipport} is not readable`); }
    previous = { certHash: validateThumbprint(String(parsed?.certHash ?? '')), appId: validateAppId(String(parsed?.appId ?? '')) };
  }
  return {
    id, title: previous ? `Put back the http.sys SSL binding on ${ipport} (certificate ${previous.certHash})` : `Remove DevCert Doctor's http.sys SSL binding on ${ipport}`,
    action: previous ? netshUpdateSslcert(ipport, previous.certHash, previous.appId) : netshDeleteSslcert(ipport),
    elevated: true,
    changes: previous ? `http.sys SSL binding ${ipport} back to certhash=${previous.certHash} appid=${previous.appId}` : `http.sys SSL binding ${ipport} removed`,
  };
}

/**
 * Plan: for each port, if it is already bound to `thumbprint` with the same app id nothing happens;
 * otherwise the old binding is deleted (undo: add it back) and the new one added (undo: delete it).
 * The add step's ledger record carries the old binding, and a single-command undo for `clean`
 * (`update` back to the old binding, or `delete` when there was none).
 */
export async function planHttpSysBindings(request: HttpSysBindRequest, ctx: Pick<BindContext, 'runner'> = {}): Promise<BindPlan> {
  const thumbprint = validateThumbprint(request.thumbprint);
  const appId = validateAppId(request.appId ?? IIS_EXPRESS_APP_ID);
  const ports = resolvePorts(request.ports);
  const current = await readHttpSysBindings(ctx.runner ?? run);
  const steps: PlanStep[] = [];
  const notes = portNotes(ports);
  const unchanged: number[] = [];
  for (const port of ports) {
    const ipport = ipPortFor(port);
    const old = findBinding(current, ipport);
    if (old?.certHash === thumbprint && (old.appId ?? '') === appId) { unchanged.push(port); continue; }
    const previous = previousOf(old);
    if (previous) steps.push(deleteExistingStep(ipport, port, previous));
    steps.push({
      id: `bind-${port}`,
      title: `Bind certificate ${thumbprint} to ${ipport} in http.sys (IIS Express)`,
      action: netshAddSslcert(ipport, thumbprint, appId),
      elevated: true,
      changes: `http.sys SSL binding ${ipport} → certhash=${thumbprint} appid=${appId}`,
      undo: netshDeleteSslcert(ipport),
      record: {
        kind: 'binding',
        target: httpSysTarget(ipport),
        thumbprint,
        ...(previous ? { previous: JSON.stringify(previous) } : {}),
      },
    });
  }
  if (unchanged.length) notes.push(`Already bound to ${thumbprint}: ${unchanged.join(', ')} (left as they are).`);
  return { steps, notes };
}

export function iisExpressAdminCmdPath(ctx: Pick<BindContext, 'tools'>): string {
  return ctx.tools?.iisExpressAdminCmd || DEFAULT_IIS_EXPRESS_ADMIN_CMD;
}

/**
 * `--strategy iisexpress` with a certificate made in the same plan (already in LocalMachine\\My with its
 * key, and trusted in CurrentUser\\Root before the elevated steps): IisExpressAdminCmd binds it by hash,
 * `setupSslUrl -url:https://localhost:PORT/ -CertHash:<SHA-1>`. Unlike -UseSelfSigned it never reuses the
 * certificate already there (expired or not), and the plan knows what it binds, so one run trusts it.
 */
export async function planIisExpressSetupSslUrl(request: { ports: readonly number[]; thumbprint: string }, ctx: Pick<BindContext, 'runner' | 'tools'> = {}): Promise<BindPlan> {
  const thumbprint = validateThumbprint(request.thumbprint);
  const ports = resolvePorts(request.ports);
  const exe = iisExpressAdminCmdPath(ctx);
  const current = await readHttpSysBindings(ctx.runner ?? run);
  const steps: PlanStep[] = [];
  for (const port of ports) {
    const ipport = ipPortFor(port);
    const url = `-url:https://localhost:${port}/`;
    const previous = previousOf(findBinding(current, ipport));
    if (previous) steps.push(deleteExistingStep(ipport, port, previous));
    steps.push({
      id: `iisexpress-ssl-${port}`,
      title: `Let IIS Express bind certificate ${thumbprint} to https://localhost:${port}/`,
      action: { type: 'command', command: exe, args: ['setupSslUrl', url, `-CertHash:${thumbprint}`] },
      elevated: true,
      changes: `http.sys SSL binding ${ipport} → certhash=${thumbprint} (through IisExpressAdminCmd)`,
      undo: { type: 'command', command: exe, args: ['deleteSslUrl', url] },
      record: { kind: 'binding', target: httpSysTarget(ipport), thumbprint, ...(previous ? { previous: JSON.stringify(previous) } : {}) },
    });
  }
  const notes = portNotes(ports);
  if (!ctx.tools?.iisExpressAdminCmd) {
    notes.push(`Using ${DEFAULT_IIS_EXPRESS_ADMIN_CMD}; older installs have it under "C:\\Program Files (x86)\\IIS Express" `
      + '(the machine setting devcertDoctor.iisExpressPath names another place).');
  }
  return { steps, notes };
}

/**
 * What `IisExpressAdminCmd.exe` reported. The exit code decides; the text (English on English systems:
 * "Command 'setupsslUrl' completed." / "... failed." plus a reason line) is only passed on.
 */
export function interpretIisExpressAdminCmd(result: { code: number | null; stdout: string; stderr: string }): { ok: boolean; message: string } {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  const ok = result.code === 0;
  return { ok, message: text || (ok ? 'completed' : `failed with exit code ${result.code}`) };
}

export const httpSysBindTarget: BindTarget<HttpSysBindRequest> = {
  id: 'httpsys',
  label: 'http.sys SSL bindings (netsh http sslcert)',
  plan: (request, ctx) => planHttpSysBindings(request, ctx),
};

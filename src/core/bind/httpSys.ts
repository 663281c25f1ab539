/**
 * http.sys SSL bindings for IIS Express (and anything else http.sys serves): which certificate answers
 * on `0.0.0.0:PORT`. Two ways to repair, both elevated (http.sys configuration is machine-wide):
 *   - rebind: `netsh http delete sslcert` then `netsh http add sslcert ... certhash= appid= <settings>`,
 *     with the binding that was there recorded — its store name and client-certificate and TLS settings
 *     included (sslcertSettings.ts) — so it can be put back exactly, and kept on the new binding;
 *   - through IIS Express (`--strategy iisexpress`): `IisExpressAdminCmd.exe setupSslUrl
 *     -url:https://localhost:PORT/ -CertHash:<SHA-1>` with a certificate the plan made (never
 *     -UseSelfSigned, which reuses the certificate there even when it has expired).
 * The certificate must already be in LocalMachine\My with its private key (see trust/windows.ts):
 * http.sys looks the hash up there and fails the handshake otherwise.
 */
import { run } from '../io';
import type { CommandAction, PlanStep } from '../plan';
import { iisExpressAdminCmdAction, iisExpressAdminCmdPaths } from './iisExpressAdminCmd';
import { findBinding, parseNetshShowSslcert, type NetshSslBinding } from './netshParse';
import { nonDefaultSslcertArgs, sslcertArgs, type SslcertSettings, validateSslcertSettings } from './sslcertSettings';
import type { BindContext, BindPlan, BindTarget, Runner } from './types';
import { BindInputError, IIS_EXPRESS_APP_ID, iisExpressPortWarning, iisExpressSslPorts, validateAppId, validatePort, validateThumbprint } from './validate';

/** One http.sys SSL binding as netsh makes it; as the ledger's `previous` (JSON), the binding that was replaced. */
export interface HttpSysBinding {
  certHash: string;
  appId: string;
  /** Everything else it had (store name, client-certificate checks, TLS switches); absent in entries of older versions. */
  settings?: SslcertSettings;
}

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

const bindingArgs = (ipport: string, b: HttpSysBinding) =>
  [`ipport=${ipport}`, `certhash=${validateThumbprint(b.certHash)}`, `appid=${validateAppId(b.appId)}`, ...sslcertArgs(b.settings ?? {})];

export function netshAddSslcert(ipport: string, binding: HttpSysBinding): CommandAction {
  return netsh(['http', 'add', 'sslcert', ...bindingArgs(ipport, binding)]);
}

/** One command that puts an old binding back over whatever is bound now (the ledger's single undo). */
export function netshUpdateSslcert(ipport: string, binding: HttpSysBinding): CommandAction {
  return netsh(['http', 'update', 'sslcert', ...bindingArgs(ipport, binding)]);
}

/** `certhash=… appid=… <settings>`: a binding in the words of the plan's "changes" lines. */
const describeBinding = (b: HttpSysBinding) => [`certhash=${b.certHash}`, `appid=${b.appId}`, ...sslcertArgs(b.settings ?? {})].join(' ');

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
  /** Defaults to the application id of the binding there, else IIS Express's. */
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

/** The step that moves one port's binding aside; its undo adds it back exactly as it was. */
function deleteExistingStep(ipport: string, port: number, old: HttpSysBinding): PlanStep {
  return {
    id: `unbind-${port}`,
    title: `Remove the current http.sys SSL binding on ${ipport} (certificate ${old.certHash})`,
    action: netshDeleteSslcert(ipport),
    elevated: true,
    changes: `http.sys SSL binding ${ipport} (was ${describeBinding(old)})`,
    undo: netshAddSslcert(ipport, old),
  };
}

/** What was bound on the port, as the ledger records it (with every setting netsh showed). */
function previousOf(old: NetshSslBinding | undefined): HttpSysBinding | undefined {
  return old?.certHash ? { certHash: old.certHash, appId: old.appId ?? IIS_EXPRESS_APP_ID, settings: old.settings } : undefined;
}

/** What a user must know about a binding that cannot be put back in full: the lines netsh showed that could not be read. */
function unreadNote(ipport: string, old: NetshSslBinding | undefined): string[] {
  if (!old?.unread.length) return [];
  return [`${ipport}: netsh showed ${old.unread.length === 1 ? 'a setting' : 'settings'} DevCert Doctor cannot read (${old.unread.map(l => `"${l}"`).join(', ')}); `
    + 'undo puts the binding back with everything else it had — set that again with netsh http update sslcert if it matters.'];
}

/**
 * Undoing a recorded binding (`clean`), rebuilt from the ledger's facts — the ip:port and the binding it
 * replaced, each validated as a port, a thumbprint, an application id and netsh parameters — never from a
 * stored command: put the old binding back with every setting it had, or remove ours. Throws
 * BindInputError for an entry that is not such a fact.
 */
export function httpSysUndoStep(entry: { target: string; previous?: string }, id: string): PlanStep {
  const m = /^httpsys:((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})$/.exec(entry.target);
  if (!m || m[1].split('.').some(n => Number(n) > 255)) throw new BindInputError(`not an http.sys binding: ${JSON.stringify(entry.target)}`);
  const ipport = `${m[1]}:${validatePort(Number(m[2]))}`;
  let previous: HttpSysBinding | undefined;
  if (entry.previous !== undefined) {
    let parsed: { certHash?: unknown; appId?: unknown; settings?: unknown };
    try { parsed = JSON.parse(entry.previous); } catch { throw new BindInputError(`the previous binding of ${ipport} is not readable`); }
    previous = {
      certHash: validateThumbprint(String(parsed?.certHash ?? '')), appId: validateAppId(String(parsed?.appId ?? '')),
      settings: validateSslcertSettings(parsed?.settings),
    };
  }
  return {
    id, title: previous ? `Put back the http.sys SSL binding on ${ipport} (certificate ${previous.certHash})` : `Remove DevCert Doctor's http.sys SSL binding on ${ipport}`,
    action: previous ? netshUpdateSslcert(ipport, previous) : netshDeleteSslcert(ipport),
    elevated: true,
    changes: previous ? `http.sys SSL binding ${ipport} back to ${describeBinding(previous)}` : `http.sys SSL binding ${ipport} removed`,
  };
}

/**
 * Plan: for each port, if it is already bound to `thumbprint` nothing happens; otherwise the old binding
 * is deleted (undo: add it back as it was) and the new one added (undo: delete it) — under the old
 * binding's application id and with its settings (client-certificate checks, TLS switches: the port
 * stays configured as it was, only the certificate changes), from LocalMachine\My where the plan put it.
 * The add step's ledger record carries the old binding, and a single-command undo for `clean`
 * (`update` back to the old binding, or `delete` when there was none).
 */
export async function planHttpSysBindings(request: HttpSysBindRequest, ctx: Pick<BindContext, 'runner'> = {}): Promise<BindPlan> {
  const thumbprint = validateThumbprint(request.thumbprint);
  const ports = resolvePorts(request.ports);
  const current = await readHttpSysBindings(ctx.runner ?? run);
  const steps: PlanStep[] = [];
  const notes = portNotes(ports);
  const unchanged: number[] = [];
  for (const port of ports) {
    const ipport = ipPortFor(port);
    const old = findBinding(current, ipport);
    const previous = previousOf(old);
    const appId = validateAppId(request.appId ?? previous?.appId ?? IIS_EXPRESS_APP_ID);
    if (previous?.certHash === thumbprint && previous.appId === appId) { unchanged.push(port); continue; }
    if (previous) steps.push(deleteExistingStep(ipport, port, previous));
    notes.push(...unreadNote(ipport, old));
    const ours: HttpSysBinding = { certHash: thumbprint, appId, settings: { ...previous?.settings, certstorename: 'MY' } };
    steps.push({
      id: `bind-${port}`,
      title: `Bind certificate ${thumbprint} to ${ipport} in http.sys (IIS Express)`,
      action: netshAddSslcert(ipport, ours),
      elevated: true,
      changes: `http.sys SSL binding ${ipport} → ${describeBinding(ours)}`,
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

/**
 * `--strategy iisexpress` with a certificate made in the same plan (already in LocalMachine\\My with its
 * key, and trusted in CurrentUser\\Root before the elevated steps): IisExpressAdminCmd binds it by hash,
 * `setupSslUrl -url:https://localhost:PORT/ -CertHash:<SHA-1>`. Unlike -UseSelfSigned it never reuses the
 * certificate already there (expired or not), and the plan knows what it binds, so one run trusts it.
 * IisExpressAdminCmd binds with netsh's defaults: settings the old binding had beyond them are named in a
 * note (undo puts them back with the old binding).
 */
export async function planIisExpressSetupSslUrl(request: { ports: readonly number[]; thumbprint: string }, ctx: Pick<BindContext, 'runner' | 'tools'> = {}): Promise<BindPlan> {
  const thumbprint = validateThumbprint(request.thumbprint);
  const ports = resolvePorts(request.ports);
  const current = await readHttpSysBindings(ctx.runner ?? run);
  const steps: PlanStep[] = [];
  const notes = portNotes(ports);
  for (const port of ports) {
    const ipport = ipPortFor(port);
    const url = `-url:https://localhost:${port}/`;
    const old = findBinding(current, ipport);
    const previous = previousOf(old);
    if (previous) {
      steps.push(deleteExistingStep(ipport, port, previous));
      const lost = nonDefaultSslcertArgs(previous.settings ?? {});
      if (lost.length) notes.push(`${ipport}: IisExpressAdminCmd binds with netsh's defaults, so ${lost.join(' ')} of the binding there now is not kept (undo puts the old binding back with it).`);
    }
    notes.push(...unreadNote(ipport, old));
    steps.push({
      id: `iisexpress-ssl-${port}`,
      title: `Let IIS Express bind certificate ${thumbprint} to https://localhost:${port}/`,
      action: iisExpressAdminCmdAction(['setupSslUrl', url, `-CertHash:${thumbprint}`], ctx),
      elevated: true,
      changes: `http.sys SSL binding ${ipport} → certhash=${thumbprint} (through IisExpressAdminCmd)`,
      undo: iisExpressAdminCmdAction(['deleteSslUrl', url], ctx),
      record: { kind: 'binding', target: httpSysTarget(ipport), thumbprint, ...(previous ? { previous: JSON.stringify(previous) } : {}) },
    });
  }
  if (!ctx.tools?.iisExpressAdminCmd) {
    const [first, second] = iisExpressAdminCmdPaths(ctx);
    notes.push(`IisExpressAdminCmd.exe is looked for when the steps run: ${first}, else ${second} (the machine setting devcertDoctor.iisExpressPath names another place).`);
  }
  return { steps, notes };
}

export const httpSysBindTarget: BindTarget<HttpSysBindRequest> = {
  id: 'httpsys',
  label: 'http.sys SSL bindings (netsh http sslcert)',
  plan: (request, ctx) => planHttpSysBindings(request, ctx),
};

/**
 * The palette commands (category "DevCert"). Each is a few lines that pick an endpoint and hand over to
 * the flow that does the work (repairFlow, certificateView, exportCertificate, createClientCertificate).
 * Commands return their result, so tests and other extensions can use them programmatically.
 */
import * as vscode from 'vscode';
import { FIX_IDS, type EndpointVerdict, type FixId } from '../../core/check';
import { describeError } from '../output';
import type { Services } from '../services';
import { SECTION, requireWorkspaceTrust } from '../settings';
import { SHOW_ENDPOINTS, pickEndpoint, problemSentence, showEndpointsMenu } from '../status';
import { isListening, realProblems } from '../verdicts';
import type { CertificateView } from './certificateView';
import { createClientCertificate, type CreateClientCertificateArgs } from './createClientCertificate';
import { exportCertificate } from './exportCertificate';
import { confirmAndRun, runRepair, type RepairOutcome } from './repairFlow';

/** What a quick fix (language server) or a notification passes to `devcertDoctor.repair`. */
export interface RunFixArgs { fix: FixId; url: string; port: number; folder?: string; file?: string }

export function registerCommands(s: Services, view: CertificateView): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, async (...args: any[]) => {
    s.log.info(`command ${id}${args.length && args[0] !== undefined ? ` ${safeJson(args[0])}` : ''}`);
    try { return await fn(...args); } catch (err) {
      void s.notifier.show('error', vscode.l10n.t('DevCert Doctor: {0}', describeError(s.log, id, err)));
      return undefined;
    }
  });
  return [
    reg('devcertDoctor.checkNow', () => checkNow(s)),
    reg('devcertDoctor.repair', (args?: RunFixArgs) => repair(s, args)),
    reg('devcertDoctor.regenerate', (args?: { url?: string }) => fixCommand(s, 'regenerate', args?.url)),
    reg('devcertDoctor.trust', (args?: { url?: string }) => fixCommand(s, 'trust', args?.url)),
    reg('devcertDoctor.bind', (args?: { url?: string; port?: number }) => bind(s, args)),
    reg('devcertDoctor.untrust', () => untrust(s)),
    reg('devcertDoctor.showCertificate', (args?: { url?: string }) => showCertificate(s, view, args?.url)),
    reg('devcertDoctor.export', (args?: { url?: string; target?: string }) => exportCommand(s, args)),
    reg('devcertDoctor.createClientCertificate', (args?: CreateClientCertificateArgs) => createClientCertificate(s, args)),
    reg('devcertDoctor.showLog', () => s.log.show()),
    reg(SHOW_ENDPOINTS, () => showEndpointsMenu(s.store)),
  ];
}

function safeJson(v: unknown): string {
  try { return JSON.stringify(v, (k, x) => /password|passphrase/i.test(k) ? '***' : x); } catch { return String(v); }
}

/** Checks everything and says what it found (the user asked, so there is always an answer). */
async function checkNow(s: Services): Promise<EndpointVerdict[]> {
  const verdicts = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('DevCert: checking HTTPS endpoints…') },
    () => s.checker.checkWorkspace('command', true));
  const bad = verdicts.filter(v => realProblems(v).length > 0);
  const listening = verdicts.filter(isListening);
  // Said, not asked: the command returns its verdicts at once; a button press is handled when it comes.
  if (verdicts.length === 0) {
    const open = vscode.l10n.t('Add an endpoint');
    void s.notifier.show('info', vscode.l10n.t('No HTTPS localhost endpoints are declared in this workspace.'), {}, open).then(a => {
      if (a === open) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.endpoints`);
    });
  } else if (bad.length) {
    const details = vscode.l10n.t('Show endpoints and fixes');
    const msg = bad.length === 1
      ? `${bad[0].url} — ${realProblems(bad[0]).map(problemSentence).join(' ')}`
      : vscode.l10n.t('{0} HTTPS endpoints have certificate problems: {1}', bad.length, bad.map(v => v.url).join(', '));
    // One short line; the long explanation is in the hover and the details, the remote note in the tooltip.
    void s.notifier.show('warning', msg, {}, details).then(a => {
      if (a === details) void vscode.commands.executeCommand(SHOW_ENDPOINTS);
    });
  } else if (listening.length === 0) {
    void s.notifier.show('info', verdicts.length === 1 ? vscode.l10n.t('Nothing is listening on the declared HTTPS endpoint yet.')
      : vscode.l10n.t('Nothing is listening on the {0} declared HTTPS endpoints yet.', verdicts.length));
  } else {
    void s.notifier.show('info', listening.length === 1 ? vscode.l10n.t('The listening HTTPS endpoint serves a trusted certificate.')
      : vscode.l10n.t('All {0} listening HTTPS endpoints serve trusted certificates.', listening.length));
  }
  return verdicts;
}

/** The store's verdicts, after a check when nothing has been checked yet. */
async function known(s: Services): Promise<EndpointVerdict[]> {
  const all = s.store.all();
  return all.length ? all : s.checker.checkWorkspace('command', true);
}

async function repair(s: Services, args?: RunFixArgs): Promise<RepairOutcome | undefined> {
  if (args?.fix && FIX_IDS.includes(args.fix)) return applyFix(s, args.fix, args.url, args.port);
  if (!(await requireWorkspaceTrust(s.notifier))) return 'restricted';
  const bad = (await known(s)).filter(v => realProblems(v).length > 0);
  if (bad.length === 0) {
    void s.notifier.show('info', vscode.l10n.t('Nothing to repair: no endpoint has a certificate problem.'));
    return 'nothing-to-do';
  }
  const v = await pickEndpoint(bad, vscode.l10n.t('Repair which endpoint?'));
  if (!v) return undefined;
  return runRepair(s, { verdicts: [v], tools: toolsOf() });
}

/** One fix for one endpoint: from a notification button, the status bar menu or a quick fix. */
export async function applyFix(s: Services, fix: FixId, url: string | undefined, port?: number): Promise<RepairOutcome | undefined> {
  if (fix === 'configure-client-certificate') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.clientCertificates`);
    return undefined;
  }
  if (fix === 'start-server') {
    void s.notifier.show('info', vscode.l10n.t('Start the server for {0} (for example with F5); it is checked as soon as it listens.', url ?? ''));
    return undefined;
  }
  if (fix === 'bind') return bind(s, { url, port });
  return fixCommand(s, fix, url);
}

async function fixCommand(s: Services, fix: FixId, url?: string): Promise<RepairOutcome | undefined> {
  if (!(await requireWorkspaceTrust(s.notifier))) return 'restricted';
  const all = await known(s);
  let v = url ? all.find(x => x.url === url) ?? s.store.get(url) ?? await probeUrl(s, url) : undefined;
  if (!url) {
    const relevant = all.filter(x => realProblems(x).some(p => p.fixes.includes(fix)));
    v = await pickEndpoint(relevant.length ? relevant : all.filter(x => x.certificate), vscode.l10n.t('For which endpoint?'));
  }
  return runRepair(s, { verdicts: v ? [v] : [], fixes: [fix], tools: toolsOf() });
}

async function bind(s: Services, args?: { url?: string; port?: number }): Promise<RepairOutcome | undefined> {
  if (!(await requireWorkspaceTrust(s.notifier))) return 'restricted';
  let v = args?.url ? s.store.get(args.url) ?? await probeUrl(s, args.url) : undefined;
  let port = args?.port || v?.port;
  if (!port) {
    const all = s.store.all();
    const other = vscode.l10n.t('Another port…');
    const picked = await vscode.window.showQuickPick([...all.map(x => ({ label: x.url, v: x as EndpointVerdict | undefined })), { label: other, v: undefined }],
      { placeHolder: vscode.l10n.t('Bind the development certificate to which port?') });
    if (!picked) return undefined;
    v = picked.v;
    port = v?.port ?? Number(await vscode.window.showInputBox({
      prompt: vscode.l10n.t('Port number (IIS Express uses 44300–44399)'),
      validateInput: x => /^\d{1,5}$/.test(x) && +x > 0 && +x < 65536 ? undefined : vscode.l10n.t('A port number between 1 and 65535.'),
    }));
    if (!port) return undefined;
  }
  return runRepair(s, { verdicts: v ? [v] : [], fixes: ['bind'], port, tools: toolsOf() });
}

async function untrust(s: Services): Promise<RepairOutcome | undefined> {
  if (!(await requireWorkspaceTrust(s.notifier))) return 'restricted';
  const plan = await s.engine.planUntrust(toolsOf());
  return confirmAndRun(s, plan, s.store.all().filter(isListening), vscode.l10n.t('Remove what DevCert Doctor added'), { removal: true });
}

async function showCertificate(s: Services, view: CertificateView, url?: string): Promise<string | undefined> {
  if (!url) {
    const withCert = (await known(s)).filter(v => v.certificate);
    if (withCert.length === 0) {
      void s.notifier.show('info', vscode.l10n.t('No endpoint has served a certificate yet. Is the server running?'));
      return undefined;
    }
    url = (await pickEndpoint(withCert, vscode.l10n.t('Show the certificate of which endpoint?')))?.url;
    if (!url) return undefined;
  }
  const doc = await view.show(url);
  return doc.uri.toString();
}

async function exportCommand(s: Services, args?: { url?: string; target?: string }): Promise<string | undefined> {
  const withCert = (await known(s)).filter(v => v.certificate);
  const v = args?.url ? s.store.get(args.url) : await pickEndpoint(withCert, vscode.l10n.t('Export the certificate of which endpoint?'));
  if (!v) {
    if (withCert.length === 0) void s.notifier.show('info', vscode.l10n.t('No endpoint has served a certificate yet. Is the server running?'));
    return undefined;
  }
  const uri = await exportCertificate(s, v, args?.target ? vscode.Uri.file(args.target) : undefined);
  return uri?.fsPath;
}

/** A verdict for a URL nothing has checked yet (a quick fix from a file the workspace check did not cover). */
async function probeUrl(s: Services, url: string): Promise<EndpointVerdict | undefined> {
  try {
    return (await s.checker.probe([url]))[0];
  } catch (err) {
    // Not a literal https URL on this machine: the server refuses it, and there is nothing to repair.
    s.log.warn(`probe ${url}: ${(err as Error).message}`);
    return undefined;
  }
}

function toolsOf() {
  const c = vscode.workspace.getConfiguration(SECTION);
  const get = (k: string) => c.get<string>(k) || undefined;
  return { iisExpressPath: get('iisExpressPath'), dotnetPath: get('dotnetPath'), certutilPath: get('certutilPath') };
}

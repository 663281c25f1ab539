/**
 * Activation registers and returns: no file reads, no probes, no processes. The first check runs on the
 * next tick, after VS Code has finished activating us, and its cost shows in the log, not in activation.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from './api';
import { CERTIFICATE_SCHEME, CertificateView } from './certificateView';
import { Checker } from './checker';
import { ClientCertificates } from './clientCertificates';
import { registerCommands } from './commands';
import { DebugGate } from './debugGate';
import { createEngine } from './engine';
import { createLog } from './log';
import { Notifier } from './notifier';
import type { Services } from './services';
import { StatusBar } from './statusBar';
import { LanguageServerHost } from './languageServer';
import { registerRefreshTriggers } from './triggers';
import { VerdictStore } from './verdictStore';

export function activate(context: vscode.ExtensionContext): DevCertDoctorApi {
  const t0 = performance.now();
  const log = createLog();
  const store = new VerdictStore();
  const notifier = new Notifier(log);
  const clientCerts = new ClientCertificates(context.secrets, log);
  const engine = createEngine();
  const checker = new Checker(engine, store, clientCerts, log);
  const s: Services = { context, engine, store, checker, notifier, clientCerts, log };
  const statusBar = new StatusBar(store);
  const view = new CertificateView(store);
  const gate = new DebugGate(s);
  const server = new LanguageServerHost(context, store, clientCerts, log, host => checker.useServer({ checkNow: () => host.checkNow() }));

  const updateContext = () => {
    const all = store.all();
    void vscode.commands.executeCommand('setContext', 'devcertDoctor.hasEndpoints', all.length > 0);
    void vscode.commands.executeCommand('setContext', 'devcertDoctor.hasCertificate', all.some(v => v.certificate));
    void vscode.commands.executeCommand('setContext', 'devcertDoctor.hasProblems', store.summary().state === 'problems');
  };

  context.subscriptions.push(
    log, store, notifier, statusBar, view, gate, server,
    store.onDidChange(updateContext),
    vscode.workspace.registerTextDocumentContentProvider(CERTIFICATE_SCHEME, view),
    // '*' so every debug type passes through the gate; Initial trigger is the default and covers F5.
    vscode.debug.registerDebugConfigurationProvider('*', gate),
    ...registerCommands(s, view),
    ...registerRefreshTriggers(checker, log),
  );

  const activationMs = performance.now() - t0;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${vscode.env.remoteName ? `remote: ${vscode.env.remoteName}` : 'local'}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);

  // The first check and the language server, after activation has returned.
  const first = setTimeout(() => {
    void checker.checkWorkspace('startup').catch(err => log.warn(`startup check: ${err.message}`));
    void server.startWhenNeeded().catch(err => log.warn(`language server: ${err.message}`));
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(first) });

  const testMode = context.extensionMode !== vscode.ExtensionMode.Production;
  return {
    activationMs,
    lastGateOutcome: () => gate.lastOutcome(),
    statusBarState: () => statusBar.state(),
    verdicts: () => store.all(),
    notifications: () => notifier.history(),
    clearNotifications: () => notifier.clear(),
    whenIdle: async () => { while (store.checking) await new Promise(r => setTimeout(r, 20)); },
    ...(testMode ? { setResponder: r => notifier.setResponder(r) } : {}),
  };
}

export function deactivate(): void { /* everything is in context.subscriptions */ }

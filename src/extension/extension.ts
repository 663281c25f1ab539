/**
 * Activation registers and returns: no file reads, no probes, no processes. The language server (the
 * window's one source of verdicts) starts on the next tick when the workspace declares endpoints, or
 * on first need, and its cost shows in the log, not in activation.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from './api';
import { CERTIFICATE_SCHEME, CertificateView, registerCommands } from './commands';
import { createEngine } from './engine';
import { DebugGate } from './gate';
import { Notifier, createLog } from './output';
import type { Services } from './services';
import { ClientCertificates } from './settings';
import { StatusBar } from './status';
import { Checker, LanguageServerHost, VerdictStore, registerRefreshTriggers } from './verdicts';

export function activate(context: vscode.ExtensionContext): DevCertDoctorApi {
  const t0 = performance.now();
  const log = createLog();
  const store = new VerdictStore();
  const notifier = new Notifier(log);
  const clientCerts = new ClientCertificates(context.secrets, log);
  const server = new LanguageServerHost(context, store, clientCerts, log);
  const checker = new Checker(server, store, log);
  const s: Services = { context, engine: createEngine(line => log.info(line)), store, checker, notifier, clientCerts, log };
  const statusBar = new StatusBar(store);
  const view = new CertificateView(store);
  const gate = new DebugGate(s);

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
    ...registerRefreshTriggers(checker, server, log),
  );

  const activationMs = performance.now() - t0;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${vscode.env.remoteName ? `remote: ${vscode.env.remoteName}` : 'local'}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);

  // The language server (it checks everything on start), after activation has returned.
  const first = setTimeout(() => void server.startWhenNeeded().catch(err => log.warn(`language server: ${err.message}`)), 0);
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

/**
 * What makes the window look again, besides the server's own file watching and slow poll: the window
 * regaining focus (a server may have been started or stopped in a terminal meanwhile), a debug session
 * starting or stopping, and — while the language server
 * is not running yet — a declaring file appearing or the settings naming endpoints, which start it.
 * Throttled so focus flips cost one check.
 */
import * as vscode from 'vscode';
import type { Log } from '../output';
import type { Checker } from './checker';
import { DISCOVERY_GLOB, type LanguageServerHost } from './languageServer';

const FOCUS_MIN_INTERVAL_MS = 10_000;

export function registerRefreshTriggers(checker: Checker, server: LanguageServerHost, log: Log): vscode.Disposable[] {
  let lastFocusCheck = 0;
  const watcher = vscode.workspace.createFileSystemWatcher(DISCOVERY_GLOB, false, true, true);
  return [
    watcher,
    watcher.onDidCreate(uri => { if (!server.running) void server.start(`created ${vscode.workspace.asRelativePath(uri)}`); }),
    vscode.workspace.onDidChangeConfiguration(e => {
      // A running server reads its settings itself (workspace/configuration) and re-checks.
      if (!server.running && e.affectsConfiguration('devcertDoctor.endpoints')) void server.start('settings declare endpoints');
    }),
    vscode.window.onDidChangeWindowState(state => {
      if (!state.focused || !server.running || Date.now() - lastFocusCheck < FOCUS_MIN_INTERVAL_MS) return;
      lastFocusCheck = Date.now();
      void checker.checkWorkspace('window focused').catch(err => log.warn(`check: ${err.message}`));
    }),
    // A debug session starting or stopping starts or stops servers: listening endpoints are looked at
    // again and silent ones from the shortest pause, so the views follow within seconds.
    vscode.debug.onDidStartDebugSession(session => { if (server.running) server.lookAgain(`debug session "${session.name}" started`); }),
    vscode.debug.onDidTerminateDebugSession(session => { if (server.running) server.lookAgain(`debug session "${session.name}" stopped`); }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: repairs enabled')),
  ];
}

/**
 * When the status bar re-checks on its own: a declaring file changed, settings changed, or the window
 * regained focus (a server may have been started or stopped in a terminal meanwhile). Throttled so a
 * burst of saves or focus flips costs one check.
 */
import * as vscode from 'vscode';
import type { Checker } from './checker';
import type { Log } from './log';
import { affectsUs } from './settings';

/** Every file discovery reads (the server's DISCOVERY_GLOBS in one brace pattern). */
export const DISCOVERY_GLOB = '**/{.vscode/launch.json,launchSettings.json,applicationhost.config,appsettings*.json,.env,.env.*,angular.json,vite.config.*,webpack.config.*}';

const FILE_DEBOUNCE_MS = 1000;
const FOCUS_MIN_INTERVAL_MS = 10_000;

export function registerRefreshTriggers(checker: Checker, log: Log): vscode.Disposable[] {
  let fileTimer: NodeJS.Timeout | undefined;
  let lastFocusCheck = 0;
  const onFile = (uri: vscode.Uri) => {
    checker.invalidate();
    if (fileTimer) clearTimeout(fileTimer);
    fileTimer = setTimeout(() => {
      fileTimer = undefined;
      void checker.checkWorkspace(`file changed: ${vscode.workspace.asRelativePath(uri)}`).catch(e => log.warn(`check: ${e.message}`));
    }, FILE_DEBOUNCE_MS);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(DISCOVERY_GLOB);
  return [
    watcher,
    watcher.onDidCreate(onFile), watcher.onDidChange(onFile), watcher.onDidDelete(onFile),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (affectsUs(e)) { checker.invalidate(); void checker.checkWorkspace('settings changed').catch(err => log.warn(`check: ${err.message}`)); }
    }),
    vscode.window.onDidChangeWindowState(state => {
      if (!state.focused || Date.now() - lastFocusCheck < FOCUS_MIN_INTERVAL_MS) return;
      lastFocusCheck = Date.now();
      void checker.checkWorkspace('window focused').catch(err => log.warn(`check: ${err.message}`));
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: repairs enabled')),
    { dispose: () => { if (fileTimer) clearTimeout(fileTimer); } },
  ];
}

/** What the commands, the gate and the status bar share; built once in activate(). */
import type * as vscode from 'vscode';
import type { Checker } from './checker';
import type { ClientCertificates } from './clientCertificates';
import type { Engine } from './engine';
import type { Log } from './log';
import type { Notifier } from './notifier';
import type { VerdictStore } from './verdictStore';

export interface Services {
  context: vscode.ExtensionContext;
  engine: Engine;
  store: VerdictStore;
  checker: Checker;
  notifier: Notifier;
  clientCerts: ClientCertificates;
  log: Log;
}

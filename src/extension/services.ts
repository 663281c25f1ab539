/**
 * What the commands and the gate share, built once in activate(): the composition root's product. The
 * files at the top of src/extension wire the rooms together; no room imports them except for this type.
 */
import type * as vscode from 'vscode';
import type { Engine } from './engine';
import type { Log, Notifier } from './output';
import type { ClientCertificates } from './settings';
import type { Checker, VerdictStore } from './verdicts';

export interface Services {
  context: vscode.ExtensionContext;
  engine: Engine;
  store: VerdictStore;
  checker: Checker;
  notifier: Notifier;
  clientCerts: ClientCertificates;
  log: Log;
}

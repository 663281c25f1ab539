/**
 * The one LogOutputChannel. Every probe, gate decision, command and process run is written here, so a
 * user who asks "what did it do?" finds the answer in "DevCert Doctor" under Output.
 */
import * as vscode from 'vscode';
import { setExecLogger } from '../../core/io';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  const log = vscode.window.createOutputChannel('DevCert Doctor', { log: true });
  // Processes run by the engine (openssl, certutil, netsh, sudo...) are logged with their exact arguments.
  setExecLogger(line => log.info(line));
  return log;
}

/** Logs a failure with its stack at debug level, and returns a one-line message fit for a notification. */
export function describeError(log: Log, context: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${context}: ${message}`);
  if (err instanceof Error && err.stack) log.debug(err.stack);
  return message;
}

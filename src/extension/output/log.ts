/**
 * The one LogOutputChannel. Every probe, gate decision, command and process run is written here, so a
 * user who asks "what did it do?" finds the answer in "DevCert Doctor" under Output.
 */
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  // Processes the engine runs (openssl, certutil, netsh, sudo...) are logged here too: see createEngine.
  return vscode.window.createOutputChannel('DevCert Doctor', { log: true });
}

/** Logs a failure with its stack at debug level, and returns a one-line message fit for a notification. */
export function describeError(log: Log, context: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${context}: ${message}`);
  if (err instanceof Error && err.stack) log.debug(err.stack);
  return message;
}

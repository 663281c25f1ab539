/** Shared by the host suite: the extension's API, the sandbox CA, TLS servers, settings and debug sessions. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import type { NotificationRecord } from '../../../src/extension/output/notifier';
import * as tls from 'tls';
import { makeCert, type CertFiles } from '../../helpers/openssl';
import { startTlsServer, type RunningServer } from '../../helpers/servers';

export const EXTENSION_ID = 'devcert-doctor.devcert-doctor';
export const DEBUG_TYPE = 'devcert-test';

let answers: (r: NotificationRecord) => string | undefined = () => undefined;

/** The extension's API; notifications are recorded and answered by `answerWith` (default: dismissed). */
export async function api(): Promise<DevCertDoctorApi> {
  const ext = vscode.extensions.getExtension<DevCertDoctorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  const a = await ext.activate();
  a.setResponder?.(r => answers(r));
  return a;
}

/** How the next notifications are answered (the item to "click"; undefined dismisses / cancels a modal). */
export function answerWith(fn: (r: NotificationRecord) => string | undefined): void { answers = fn; }

export function notificationsAbout(a: DevCertDoctorApi, text: string): NotificationRecord[] {
  return a.notifications().filter(n => n.message.includes(text) || (n.detail ?? '').includes(text));
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs with a folder open');
  return f;
}

/** Where the runner's sandbox keeps the test CA (trusted by the sandbox's system, Node and NSS stores). */
export function sandboxCa(): CertFiles {
  const dir = process.env.DEVCERT_HOST_TEST_SANDBOX;
  assert.ok(dir, 'DEVCERT_HOST_TEST_SANDBOX is set by the runner');
  const cert = path.join(dir, 'ca/ca.pem');
  const key = path.join(dir, 'ca/ca.key');
  return { cert, key, certPem: fs.readFileSync(cert, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') };
}

let certDir: string | undefined;
function certsDir(): string {
  if (!certDir) certDir = fs.mkdtempSync(path.join(process.env.DEVCERT_HOST_TEST_SANDBOX ?? '/tmp', 'certs-'));
  return certDir;
}

export function trustedLeaf(name: string): CertFiles { return makeCert(certsDir(), name, { issuer: sandboxCa() }); }
export function selfSignedLeaf(name: string): CertFiles { return makeCert(certsDir(), name); }
/** Issued by the trusted sandbox CA, valid from 40 days ago for 10 days: expired, and only that. */
export function expiredTrustedLeaf(name: string): CertFiles { return makeCert(certsDir(), name, { issuer: sandboxCa(), notBeforeDays: -40, days: 10 }); }

export async function serve(cert: CertFiles): Promise<RunningServer & { url: string }> {
  const s = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
  return { ...s, url: `https://localhost:${s.port}` };
}

/** A TLS server on a given port (a server "starting" where the gate saw nothing listening). */
export async function serveOn(port: number, cert: CertFiles): Promise<RunningServer> {
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, s => { s.on('error', () => {}); s.end(); });
  server.on('tlsClientError', () => {});
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  return { port, close: () => new Promise<void>(res => server.close(() => res())) };
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('devcertDoctor').update(key, value, vscode.ConfigurationTarget.Workspace);
}

export async function resetSettings(): Promise<void> {
  for (const k of ['endpoints', 'preLaunch', 'timeoutMs', 'clientCertificates', 'diagnostics.enable']) await setSetting(k, undefined);
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/** The `devcert-test` type and its inline adapter come from test/extension/fixtures/test-debugger. */
export function registerTestDebugger(): void { /* declared and served by the fixture extension */ }

/** Starts a session of the test debug type; resolves with whether it started, and stops it again. */
export async function launch(config: Partial<vscode.DebugConfiguration> & { name: string }, keepRunningMs = 0): Promise<boolean> {
  registerTestDebugger();
  const started = new Promise<vscode.DebugSession>(res => {
    const sub = vscode.debug.onDidStartDebugSession(s => { if (s.name === config.name) { sub.dispose(); res(s); } });
  });
  const ok = await vscode.debug.startDebugging(workspaceFolder(), { type: DEBUG_TYPE, request: 'launch', ...config });
  if (ok) {
    const session = await started;
    if (keepRunningMs) await new Promise(r => setTimeout(r, keepRunningMs));
    await vscode.debug.stopDebugging(session);
  }
  return ok;
}

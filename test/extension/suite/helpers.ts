/** Shared by the host suite: the extension's API, the sandbox CA, TLS servers, settings and debug sessions. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DevCertDoctorApi } from '../../../src/extension/api';
import { makeCert, type CertFiles } from '../../helpers/openssl';
import { startTlsServer, type RunningServer } from '../../helpers/servers';

export const EXTENSION_ID = 'devcert-doctor.devcert-doctor';
export const DEBUG_TYPE = 'devcert-test';

export async function api(): Promise<DevCertDoctorApi> {
  const ext = vscode.extensions.getExtension<DevCertDoctorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  return ext.activate();
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

export async function serve(cert: CertFiles): Promise<RunningServer & { url: string }> {
  const s = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
  return { ...s, url: `https://localhost:${s.port}` };
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

/** A do-nothing debug adapter speaking just enough DAP for a session to start and stop. */
class InlineAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private seq = 1;
  handleMessage(message: vscode.DebugProtocolMessage): void {
    const m = message as { type: string; seq: number; command: string };
    if (m.type !== 'request') return;
    const respond = (body?: unknown) => this.emitter.fire({ type: 'response', seq: this.seq++, request_seq: m.seq, success: true, command: m.command, body } as vscode.DebugProtocolMessage);
    switch (m.command) {
      case 'initialize': respond({ supportsConfigurationDoneRequest: true }); this.emitter.fire({ type: 'event', seq: this.seq++, event: 'initialized' } as vscode.DebugProtocolMessage); break;
      case 'threads': respond({ threads: [] }); break;
      case 'disconnect': case 'terminate':
        respond(); this.emitter.fire({ type: 'event', seq: this.seq++, event: 'terminated' } as vscode.DebugProtocolMessage); break;
      default: respond();
    }
  }
  dispose(): void { this.emitter.dispose(); }
}

let adapterRegistered = false;
export function registerTestDebugger(): void {
  if (adapterRegistered) return;
  adapterRegistered = true;
  vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
    createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new InlineAdapter()),
  });
}

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

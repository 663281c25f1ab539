// Starts code-server (VS Code's server + web workbench, from .vscode-host/) on a free loopback port and
// headless Chromium to open it. Shared by the extension-host suite and the UI test.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const hostDir = path.join(root, '.vscode-host');
export const node24 = path.join(hostDir, 'node24/node_modules/node/bin/node');
const entry = path.join(hostDir, 'cs/node_modules/code-server/out/node/entry.js');

export function clock() {
  const t0 = Date.now();
  return (...a) => console.log(`[host +${((Date.now() - t0) / 1e3).toFixed(1)}s]`, ...a);
}

/** User settings that keep the workbench quiet and deterministic. */
export function writeUserSettings(userDir, extra = {}) {
  mkdirSync(path.join(userDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify({
    'chat.disableAIFeatures': true, 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false, 'update.mode': 'none', ...extra,
  }, null, 2));
}

/** Runs code-server once to install a VSIX into `extensionsDir`. */
export function installExtension(vsix, { tmp, extensionsDir, env }) {
  return new Promise((resolve, reject) => {
    const p = spawn(node24, [entry, '--user-data-dir', path.join(tmp, 'user'), '--extensions-dir', extensionsDir,
      '--install-extension', vsix, '--force'], { env: { ...process.env, ...env, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', d => out += d); p.stderr.on('data', d => out += d);
    p.on('exit', code => code === 0 ? resolve(out) : reject(new Error(`install-extension exited ${code}\n${out}`)));
  });
}

/**
 * Starts the server. `env` is what the remote extension host inherits (the sandbox's HOME,
 * SSL_CERT_FILE, ...). Resolves once it listens.
 */
export async function startCodeServer({ tmp, extensionsDir, env = {}, timeoutMs = 60_000, testDriver = true }) {
  const server = spawn(node24, [entry,
    '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--config', path.join(tmp, 'config.yaml'),
    '--user-data-dir', path.join(tmp, 'user'), '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened',
    '--disable-getting-started-override',
    // The built workbench honours ?payload= (extensionDevelopmentPath, extensionTestsPath) only with this.
    ...(testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ], { env: { ...process.env, ...env, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let out = '';
  server.stdout.on('data', d => out += d); server.stderr.on('data', d => out += d);
  const port = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => { clearInterval(iv); reject(new Error(`code-server did not start in ${timeoutMs} ms\n${out}`)); }, timeoutMs);
    const iv = setInterval(() => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearInterval(iv); clearTimeout(deadline); resolve(Number(m[1])); }
      if (server.exitCode !== null) { clearInterval(iv); clearTimeout(deadline); reject(new Error(`code-server exited ${server.exitCode}\n${out}`)); }
    }, 100);
  });
  return {
    port, server,
    output: () => out,
    remote: p => `vscode-remote://127.0.0.1:${port}${p}`,
    stop: () => new Promise(res => {
      if (server.exitCode !== null) return res();
      const t = setTimeout(() => { server.kill('SIGKILL'); }, 5000);
      server.once('exit', () => { clearTimeout(t); res(); });
      server.kill('SIGTERM');
    }),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Workbench log lines that are noise for our purposes (web workbench chatter). */
export const NOISE = /^(\[(AgentHost|ChatModelSelection|AccountPolicyGate|reconnection|Service Worker)|Resolv|Creating a socket|Updating additional|getaddrinfo ENOTFOUND)/;

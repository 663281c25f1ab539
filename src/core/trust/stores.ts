/**
 * The trust stores that apply to a platform, in the order a plan adds to them: the system store first
 * (elevated where needed: one prompt), then the per-user ones.
 */
import { type ExecResult, type Platform, run } from '../io';
import { createDarwinKeychainStore, darwinKeychainStore } from './darwin';
import { linuxSystemStore } from './linuxSystem';
import { nodeStore } from './node';
import { nssStore } from './nss';
import type { TrustStore, TrustStoreId } from './store';
import { createWindowsMyStore, createWindowsRootStore, windowsMyStore, windowsRootStore } from './windows';

/**
 * When rendering another platform's plan (`--dry-run --platform`), that platform's tools do not exist
 * here: answer their queries as an empty store would (nothing trusted yet), so the plan shows every
 * step it would run on a machine where nothing is in place.
 */
async function foreignRunner(command: string, args: readonly string[]): Promise<ExecResult> {
  const empty = { command, args: [...args], stdout: '', durationMs: 0, timedOut: false };
  if (command === 'security') return { ...empty, code: 1, stderr: 'No Trust Settings were found.' };
  return { ...empty, code: 0, stderr: '' };
}

/** How read-only queries of a platform's tools run (netsh show, PowerShell Cert:, security): here, or as an empty machine would answer when rendering another platform's plan. */
export function queryRunnerFor(platform: Platform): typeof run {
  return platform !== process.platform ? foreignRunner as typeof run : run;
}

export function trustStoresFor(platform: Platform): TrustStore[] {
  const foreign = platform !== process.platform;
  if (platform === 'linux') return [linuxSystemStore, nssStore, nodeStore];
  // Firefox on macOS keeps its own NSS profiles; Chrome and Safari use the keychain.
  if (platform === 'darwin') return [foreign ? createDarwinKeychainStore(foreignRunner) : darwinKeychainStore, nssStore, nodeStore];
  // Chromium, Edge and (with enterprise roots, its default) Firefox use CurrentUser\Root on Windows.
  return [foreign ? createWindowsRootStore(foreignRunner) : windowsRootStore, nodeStore];
}

/** Every store by id, including ones a repair uses for other purposes (LocalMachine\My for http.sys). */
export function trustStoreById(platform: Platform, id: TrustStoreId): TrustStore | undefined {
  const my = platform !== process.platform ? createWindowsMyStore(foreignRunner) : windowsMyStore;
  return [...trustStoresFor(platform), my].find(s => s.id === id);
}

/**
 * The trust stores that apply to a platform, in the order a plan adds to them: the system store first
 * (elevated where needed: one prompt), then the per-user ones.
 */
import type { Platform } from '../plan';
import { darwinKeychainStore } from './darwin';
import { linuxSystemStore } from './linuxSystem';
import { nodeStore } from './node';
import { nssStore } from './nss';
import type { TrustStore, TrustStoreId } from './store';
import { windowsMyStore, windowsRootStore } from './windows';

export function trustStoresFor(platform: Platform): TrustStore[] {
  if (platform === 'linux') return [linuxSystemStore, nssStore, nodeStore];
  // Firefox on macOS keeps its own NSS profiles; Chrome and Safari use the keychain.
  if (platform === 'darwin') return [darwinKeychainStore, nssStore, nodeStore];
  // Chromium, Edge and (with enterprise roots, its default) Firefox use CurrentUser\Root on Windows.
  return [windowsRootStore, nodeStore];
}

/** Every store by id, including ones a repair uses for other purposes (LocalMachine\My for http.sys). */
export function trustStoreById(platform: Platform, id: TrustStoreId): TrustStore | undefined {
  return [...trustStoresFor(platform), windowsMyStore].find(s => s.id === id);
}

export { linuxSystemStore, nssStore, nodeStore };

/**
 * Room `trust` — one file per trust store (system, NSS, Node, keychain, Windows stores), each with
 * the same verbs: check, add, remove as plan steps, never actions; plus the anchors each client trusts.
 * Imports `io`, `certs`, `plan` only; never `probe`, `check` or `repair`.
 */
export { queryRunnerFor, trustStoreById, trustStoresFor } from './stores';
export { linuxSystemStore, prepareLinuxSandbox, sandboxPaths } from './linuxSystem';
export { nssStore } from './nss';
export { nodeStore } from './node';
export { prepareTrustSandbox, SandboxError, trustSandboxPaths } from './sandbox';
export type { TrustSandbox } from './sandbox';
export { createWindowsMyStore, planReplaceOldIisExpressCertificates, powershell } from './windows';
export type { CertificateRef, TrustContext, TrustStore, TrustStoreId } from './store';
export { anchorContextFor, loadTrustAnchors } from './anchors';
export type { ConsumerAnchors } from './anchors';
export type { WindowsCertificateRef } from './windows';
export { DOTNET_TRUST_FOLDER, dotnetTrustFolderLine } from './dotnetTrustFolder';
export { darwinProbes, darwinRemovalSteps, loginKeychain, SYSTEM_KEYCHAIN } from './darwin';
export type { DarwinRemoval } from './darwin';
export { APPLE_BASIC_X509_POLICY_OID, APPLE_SSL_POLICY_OID } from './darwinTrustSettings';
export type { UsageConstraint } from './darwinTrustSettings';

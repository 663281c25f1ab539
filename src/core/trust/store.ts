/**
 * The shape every trust store shares (mkcert's three verbs): check, add, remove. One file per store
 * implements it; `add`/`remove` return plan steps (shown before they run), never act directly.
 */
import type { CertificateRef } from '../certs';
import type { Platform } from '../io';
import type { LedgerEntry, PlanStep } from '../plan';

export type { CertificateRef };


/** Where the stores live. Tests and the demo point these into a sandbox; real runs use the defaults. */
export interface TrustContext {
  platform: Platform;
  /** Home directory whose NSS databases / keychains are meant (sandbox HOME in tests). */
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /**
   * Linux system store override: when set, add/remove write here and run update-ca-certificates with
   * its directory options pointed into this tree, without elevation (sandbox / demo).
   */
  linuxSandboxRoot?: string;
  /**
   * Which Linux layout to plan for. Detected from the file system when absent; set it to render another
   * distribution's plan (`--dry-run --platform linux` on any machine).
   */
  linuxDistro?: 'debian' | 'fedora' | 'arch';
  /** Executables the user configured (machine-scoped settings). */
  tools?: { certutil?: string; dotnet?: string; iisExpressAdminCmd?: string };
}

export type TrustStoreId = 'linux-system' | 'nss' | 'node' | 'darwin-keychain' | 'windows-root' | 'windows-my';

export interface TrustStore {
  id: TrustStoreId;
  /** e.g. "Linux system store (update-ca-certificates)", "Chromium NSS database ~/.pki/nssdb". */
  label: string;
  /** Does this store exist / apply on this machine? (e.g. no NSS db, certutil missing → false with a reason). */
  available(ctx: TrustContext): Promise<{ ok: boolean; reason?: string }>;
  /** Is the certificate present and trusted here? Read-only. */
  check(cert: CertificateRef, ctx: TrustContext): Promise<boolean>;
  /** Steps that add it; empty when it is already there (running twice changes nothing). */
  add(cert: CertificateRef, ctx: TrustContext): Promise<PlanStep[]>;
  /**
   * Steps that remove it; empty when it is not there. `recorded`: the ledger entry being undone, when a
   * clean asks — its target says what this tool added there (the macOS keychain: the certificate and its
   * trust settings, or the trust settings only).
   */
  remove(cert: CertificateRef, ctx: TrustContext, recorded?: Pick<LedgerEntry, 'target'>): Promise<PlanStep[]>;
}

/**
 * The check's defaults, defined once. A module of their own (no imports) so the extension and the
 * protocol can read them at activation without loading the probe; core/check.ts re-exports them for
 * everything else. package.json's `devcertDoctor.timeoutMs` / `expiringSoonDays` defaults must say the
 * same (test/unit/settings-defaults.test.ts holds them together).
 */

/** Per-endpoint handshake timeout: CLI `--timeout`, the setting `devcertDoctor.timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 3000;

/** Below this many days left, `expiring-soon`: CLI `--expiring-days`, the setting `devcertDoctor.expiringSoonDays`. */
export const DEFAULT_EXPIRING_SOON_DAYS = 14;

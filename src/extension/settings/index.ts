/**
 * Room `settings` — what the user configured: `devcertDoctor.*` settings, client certificates (their
 * passwords in SecretStorage, never in settings) and Restricted Mode. Imports `output` and core's doors.
 */
export { SECTION, affectsUs, readSettings, type PreLaunchMode, type Settings } from './settings';
export { ClientCertificates } from './clientCertificates';
export { requireWorkspaceTrust } from './workspaceTrust';

/**
 * Room `commands` — the palette commands and the repair flow: plan shown in a modal, consent, progress,
 * re-probe and the report; certificate details, export, client certificates. Imports every lower room.
 */
export { applyFix, registerCommands, type RunFixArgs } from './commands';
export { CERTIFICATE_SCHEME, CertificateView, certificateUri, renderCertificateMarkdown } from './certificateView';
export { confirmAndRun, runRepair, type RepairOutcome } from './repairFlow';

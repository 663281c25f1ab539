/**
 * How a verdict reads as a diagnostic: its severity, and one short sentence per problem (core's
 * `problemHeadline`: who refuses it and why); the long messages from core/check/messages.ts are the hover's.
 * Messages quote subjects, URLs and paths: they leave here through `displayText`, one line each.
 */
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { problemHeadline, type FixId, type Problem, type ProblemCode } from '../core/check';
import { displayText } from '../core/io';

/**
 * Severity by problem code, decided here (LSP has four levels, the engine has three):
 * - Error: the connection fails or the certificate is refused by the clients that matter (browsers,
 *   HttpClient, Node) — trust, expiry, name, chain, client certificates, not TLS at all.
 * - Warning: it works today but will not for long, or not for every client (expiring soon, weak
 *   signature/key, untrusted by Node or by the browsers only), or the check itself could not finish.
 * - Hint: nothing listens. That is the normal state of a server that is not running, not a defect in the
 *   file; a Hint keeps it out of the Problems panel and still explains itself on hover.
 */
const SEVERITY: Record<ProblemCode, DiagnosticSeverity> = {
  'self-signed': DiagnosticSeverity.Error,
  'unknown-issuer': DiagnosticSeverity.Error,
  'incomplete-chain': DiagnosticSeverity.Error,
  'expired': DiagnosticSeverity.Error,
  'not-yet-valid': DiagnosticSeverity.Error,
  'name-mismatch': DiagnosticSeverity.Error,
  'client-cert-required': DiagnosticSeverity.Error,
  'client-cert-rejected': DiagnosticSeverity.Error,
  'not-tls': DiagnosticSeverity.Error,
  'legacy-protocol': DiagnosticSeverity.Error,
  'weak-key-exchange': DiagnosticSeverity.Error,
  'malformed-certificate': DiagnosticSeverity.Error,
  'oversized-chain': DiagnosticSeverity.Error,
  'platform-rules': DiagnosticSeverity.Error,
  'expiring-soon': DiagnosticSeverity.Warning,
  'weak-signature': DiagnosticSeverity.Warning,
  'weak-key': DiagnosticSeverity.Warning,
  'untrusted-by-node': DiagnosticSeverity.Warning,
  'untrusted-by-browsers': DiagnosticSeverity.Warning,
  'reset': DiagnosticSeverity.Warning,
  'timeout': DiagnosticSeverity.Warning,
  'not-listening': DiagnosticSeverity.Hint,
};

export function severityOf(p: Problem): DiagnosticSeverity {
  return SEVERITY[p.code] ?? (p.severity === 'error' ? DiagnosticSeverity.Error
    : p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information);
}

/** Problems that are about the certificate itself (so they also belong on the line that configures it). */
export const CERTIFICATE_PROBLEMS: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'self-signed', 'unknown-issuer', 'incomplete-chain', 'expired', 'not-yet-valid', 'expiring-soon',
  'name-mismatch', 'weak-signature', 'weak-key', 'untrusted-by-node', 'untrusted-by-browsers', 'platform-rules',
]);

export function remoteNote(remoteName: string): string {
  return `This window is remote (${remoteName}): the check ran where the server runs; your browser runs on your local machine, whose trust store was not checked.`;
}

export interface MessageContext { url: string; port: number; remoteName?: string }

/**
 * One short sentence: the endpoint, who refuses it and why ("https://localhost:7043 — Browsers and Node
 * refuse it: self-signed, not trusted."). The long explanation (each client's error, what to do) and the
 * remote-window note are in the hover and the details, once.
 */
export function diagnosticMessage(p: Problem, ctx: MessageContext): string {
  const text = p.code === 'not-listening'
    ? `${ctx.url} — nothing is listening yet. Start the server; it is checked again on its own.`
    // In a remote window the browsers that open the page are on another machine: not named here.
    : `${ctx.url} — ${problemHeadline(ctx.remoteName ? { ...p, affects: p.affects?.filter(c => c !== 'browsers') } : p)}`;
  return displayText(text);
}

/** The same problem, on the line that configures the certificate rather than the URL. */
export function certificateMessage(p: Problem, ctx: MessageContext & { path?: string }): string {
  const what = ctx.path ? `The certificate configured here (${ctx.path})` : 'The certificate configured here';
  return displayText(`${what} is served on ${ctx.url}: ${diagnosticMessage(p, ctx)}`);
}

/** Code action titles per fix (what will happen, not how). */
export function fixTitle(fix: FixId, rawUrl: string, port: number): string {
  const url = displayText(rawUrl); // a title is one line of text in the light bulb menu
  switch (fix) {
    case 'trust': return `Trust the certificate served on ${url}…`;
    case 'regenerate': return `Regenerate the development certificate for ${url}…`;
    case 'bind': return `Bind a trusted certificate to port ${port}…`;
    case 'configure-client-certificate': return `Configure a client certificate for ${url}…`;
    case 'start-server': return `Start the server for ${url}`;
  }
}

/** The state of an endpoint in one or two words, for the status bar and the tooltip's State column. */
import * as vscode from 'vscode';
import { problemHeadline, type Problem, type ProblemCode } from '../../core/check';

export function problemWord(code: ProblemCode): string {
  switch (code) {
    case 'self-signed': case 'unknown-issuer': case 'untrusted-by-node': case 'untrusted-by-browsers': case 'incomplete-chain':
      return vscode.l10n.t('untrusted');
    case 'expired': return vscode.l10n.t('expired');
    case 'not-yet-valid': return vscode.l10n.t('not valid yet');
    case 'expiring-soon': return vscode.l10n.t('expiring soon');
    case 'name-mismatch': return vscode.l10n.t('wrong name');
    case 'weak-signature': case 'weak-key': return vscode.l10n.t('weak certificate');
    case 'malformed-certificate': case 'oversized-chain': return vscode.l10n.t('unreadable certificate');
    case 'platform-rules': return vscode.l10n.t('refused by macOS');
    case 'legacy-protocol': case 'weak-key-exchange': return vscode.l10n.t('outdated TLS');
    case 'client-cert-required': case 'client-cert-rejected': return vscode.l10n.t('client certificate');
    case 'not-tls': return vscode.l10n.t('not HTTPS');
    case 'reset': case 'timeout': return vscode.l10n.t('no handshake');
    case 'not-listening': return vscode.l10n.t('not listening');
  }
}

/** The distinct words of one endpoint's problems ("untrusted" once for self-signed + untrusted-by-node). */
export function problemWords(codes: ProblemCode[]): string[] {
  return [...new Set(codes.map(problemWord))];
}

/**
 * Core's one short sentence per problem, as this window may say it: in a remote window the browser that
 * opens the page is on another machine, whose trust store was not checked, so it is not named.
 */
export function problemSentence(p: Problem): string {
  return problemHeadline(vscode.env.remoteName ? { ...p, affects: p.affects?.filter(c => c !== 'browsers') } : p);
}

/**
 * The one place for problem codes, fix ids and the words a user reads. Codes are a public contract
 * (CLI JSON, diagnostics, README): never rename one.
 */
export const PROBLEM_CODES = [
  'self-signed', 'unknown-issuer', 'incomplete-chain', 'expired', 'not-yet-valid', 'expiring-soon',
  'name-mismatch', 'weak-signature', 'weak-key', 'client-cert-required', 'client-cert-rejected',
  'not-listening', 'not-tls', 'reset', 'timeout', 'untrusted-by-node', 'untrusted-by-browsers',
] as const;
export type ProblemCode = typeof PROBLEM_CODES[number];

export const FIX_IDS = ['regenerate', 'bind', 'trust', 'configure-client-certificate', 'start-server'] as const;
export type FixId = typeof FIX_IDS[number];

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** What the user will see and why, in their words. */
  message: string;
  fixes: FixId[];
}

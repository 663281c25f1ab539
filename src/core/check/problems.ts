import type { ClientId } from './clientPolicy';

/**
 * The one place for problem codes, fix ids and the words a user reads. Codes are a public contract
 * (CLI JSON, diagnostics, README): never rename one.
 */
export const PROBLEM_CODES = [
  'self-signed', 'unknown-issuer', 'incomplete-chain', 'expired', 'not-yet-valid', 'expiring-soon',
  'name-mismatch', 'weak-signature', 'weak-key', 'client-cert-required', 'client-cert-rejected',
  'not-listening', 'not-tls', 'reset', 'timeout', 'untrusted-by-node', 'untrusted-by-browsers',
  'legacy-protocol', 'weak-key-exchange', 'malformed-certificate', 'oversized-chain', 'platform-rules',
] as const;
export type ProblemCode = typeof PROBLEM_CODES[number];

/** Fix ids, in the order they are offered (see orderedFixes). */
export const FIX_IDS = ['trust', 'regenerate', 'bind', 'configure-client-certificate', 'start-server'] as const;
export type FixId = typeof FIX_IDS[number];

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** What the user will see and why, in their words. */
  message: string;
  fixes: FixId[];
  /** The clients that fail because of it (set by judge): 'system' (OpenSSL/curl, the OS), 'node', 'browsers'. */
  affects?: ClientId[];
}

/**
 * Problems of the certificate itself: trusting it fixes none of them; a new certificate, bound where it
 * is served, does. (A served leaf that is a CA counts too: judge.ts passes that in.)
 */
export const UNSOUND_CERTIFICATE_CODES: readonly ProblemCode[] = ['expired', 'not-yet-valid', 'name-mismatch', 'weak-signature', 'weak-key', 'malformed-certificate', 'oversized-chain', 'platform-rules'];

const unsound = (problems: readonly Pick<Problem, 'code'>[]) => problems.some(p => UNSOUND_CERTIFICATE_CODES.includes(p.code));

/**
 * The one place fixes are ordered: the fixes for one endpoint's problems, in the order that solves them.
 * Trust first only when the certificate itself is sound; for an unsound one trust is not offered at all
 * (regenerate, then bind, lead). Quick fixes, hovers, the status pick list, notification buttons, the
 * gate and the CLI all take their order from here.
 */
export function orderedFixes(problems: readonly Pick<Problem, 'code' | 'fixes'>[]): FixId[] {
  const listed = new Set(problems.flatMap(p => p.fixes));
  const noTrust = unsound(problems);
  return FIX_IDS.filter(f => listed.has(f) && !(noTrust && f === 'trust'));
}

/**
 * Each problem's own fixes made consistent with orderedFixes, once, where the verdict is judged: for an
 * unsound certificate (or `caLeaf`, a served leaf that is a CA) a problem that named trust names
 * regenerate instead; every list is in FIX_IDS order.
 */
export function settleFixes(problems: Problem[], caLeaf = false): void {
  const noTrust = caLeaf || unsound(problems);
  for (const p of problems) {
    const fixes = new Set(p.fixes);
    if (noTrust && fixes.delete('trust')) fixes.add('regenerate');
    p.fixes = FIX_IDS.filter(f => fixes.has(f));
  }
}

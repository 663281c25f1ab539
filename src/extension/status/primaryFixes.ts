/** Which fixes a notification offers as buttons (no vscode here, so it is tested as it is). */
import { FIX_IDS, orderedFixes, type FixId, type Problem } from '../../core/check';

/**
 * Fixes worth offering as notification buttons for these endpoints (each one's problems): repairs only,
 * in core's order (orderedFixes: an expired certificate is never offered "Trust"), at most `max`.
 */
export function primaryFixes(endpoints: Problem[][], max = 2): FixId[] {
  const offered = new Set(endpoints.flatMap(problems => orderedFixes(problems)));
  return FIX_IDS.filter(f => f !== 'start-server' && offered.has(f)).slice(0, max);
}

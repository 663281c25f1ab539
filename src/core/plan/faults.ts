/**
 * Fault injection for the fault tests: DEVCERT_DOCTOR_FAULT=<what>:<when>:<step> makes a plan run kill
 * itself (`kill`: SIGKILL, as kill -9 does) or interrupt itself (`sigint`, `sigterm`: as Ctrl-C or a
 * process manager does) `before` or `after` step <step> (0-based) — so every step index of a real plan
 * can be cut exactly there. Unset, this costs one string comparison per step.
 */
const SPEC = /^(kill|sigint|sigterm):(before|after):(\d+)$/;

export async function faultPoint(when: 'before' | 'after', index: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const m = env.DEVCERT_DOCTOR_FAULT ? SPEC.exec(env.DEVCERT_DOCTOR_FAULT) : null;
  if (!m || m[2] !== when || Number(m[3]) !== index) return;
  if (m[1] === 'kill') process.kill(process.pid, 'SIGKILL');
  process.kill(process.pid, m[1] === 'sigint' ? 'SIGINT' : 'SIGTERM');
  // Signal handlers run on a later turn of the event loop: let them.
  await new Promise(r => setTimeout(r, 50));
}

/** Runs the CLI from source in a child process, as a user would, with a private config dir. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface CliResult { code: number | null; stdout: string; stderr: string }

const ROOT = path.resolve(__dirname, '..', '..');

export function cli(args: string[], env: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, ['-r', 'esbuild-register', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

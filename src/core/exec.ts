/**
 * The one way this project runs a process: an argument array (never a shell string), a timeout,
 * captured output, and a log line for every run. Elevated runs go through `runElevated` (see below).
 */
import { spawn } from 'node:child_process';

export interface ExecOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
}

export interface ExecResult {
  command: string;
  args: string[];
  /** Exit code; null when killed (timeout) or when it never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** A process could not be run at all (missing tool, bad cwd). Its message is fit for users. */
export class ExecError extends Error {
  constructor(message: string, readonly command: string, readonly cause_?: unknown) { super(message); }
}

type ExecLogger = (line: string) => void;
let logger: ExecLogger = () => {};
/** The extension points this at its LogOutputChannel; the CLI at stderr with --verbose. */
export function setExecLogger(l: ExecLogger): void { logger = l; }

const DEFAULT_TIMEOUT_MS = 60_000;

export function run(command: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  logger(`exec: ${formatCommand(command, args)}`);
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, args as string[], {
        cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true,
      });
    } catch (err) {
      reject(new ExecError(`Could not run ${command}: ${(err as Error).message}`, command, err));
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => errOut.push(d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const message = err.code === 'ENOENT'
        ? `${command} is not installed or not on PATH`
        : `Could not run ${command}: ${err.message}`;
      reject(new ExecError(message, command, err));
    });
    child.on('close', (code: number | null) => {
      clearTimeout(timer);
      const result: ExecResult = {
        command, args: [...args], code, timedOut,
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8'),
        durationMs: Date.now() - started,
      };
      logger(`exec: ${command} exited ${timedOut ? `after timeout (${timeoutMs} ms)` : code} in ${result.durationMs} ms`);
      resolve(result);
    });
    child.stdin.on('error', () => { /* the child may exit before reading its input */ });
    child.stdin.end(opts.input ?? undefined);
  });
}

/** Is `command` runnable? (`which` without a shell.) */
export async function isInstalled(command: string, versionArgs: readonly string[] = ['--version']): Promise<boolean> {
  try { await run(command, versionArgs, { timeoutMs: 5_000 }); return true; } catch { return false; }
}

/** Quote for display (POSIX shell rules), so a printed plan can be pasted into a terminal as it is. */
export function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteArg).join(' ');
}

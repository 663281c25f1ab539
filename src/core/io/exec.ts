/**
 * The one way this project runs a process: an argument array (never a shell string), a timeout,
 * captured output, and a log line for every run. Elevated runs go through `runElevated` (see below).
 */
// Required on the first run, not at load: child_process costs a few milliseconds of start-up, and a
// check that runs no tool (the CLI's common case) never needs it.
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

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
      child = childProcess().spawn(command, args as string[], {
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

// ---------------------------------------------------------------------------------------------------
// Elevation. Every elevated step of a plan runs in ONE script behind ONE prompt (@vscode/sudo-prompt:
// pkexec/kdesudo on Linux, the macOS authorization dialog, UAC on Windows). The script is built here
// from argument arrays, each argument quoted for the script's language, so no value is ever
// interpreted by a shell. It records each operation's exit code in a status file in a private temp
// folder; that is how the caller knows which operations completed when one fails half-way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';

/** One operation inside an elevated script. */
export type ElevatedOp =
  | { kind: 'exec'; command: string; args: string[]; env?: Record<string, string>; okExitCodes?: number[] }
  /**
   * Write a file only root can write, with a mode. Its bytes (base64) travel inside the script: nothing
   * the elevated process reads comes from a folder the user (or a program running as the user) can
   * change between the prompt and the write.
   */
  | { kind: 'write'; to: string; contents: string; mode?: number }
  | { kind: 'remove'; path: string };

/** A group of operations that stands or falls together (one plan step). */
export interface ElevatedUnit { id: string; ops: ElevatedOp[] }

export interface ElevatedUnitResult { id: string; code: number; stdout: string; stderr: string }

export interface ElevatedBatchResult {
  /** Units that ran, in order; the last one failed when `failed` is set. */
  results: ElevatedUnitResult[];
  failed?: ElevatedUnitResult;
}

/**
 * How the elevated script is started: given the one command line that runs the script, prompt the user
 * and run it as root/administrator. Injectable so tests can simulate the user pressing "Cancel" (a real
 * prompt cannot be clicked in CI, and tests must never gain root on the test machine).
 */
export type ElevationRunner = (commandLine: string, options: { name: string }) => Promise<{ stdout: string; stderr: string }>;

/** The message sudo-prompt uses when the user dismisses the prompt. */
export const SUDO_PROMPT_CANCELLED = 'User did not grant permission.';
const SUDO_PROMPT_NO_AGENT = 'No polkit authentication agent found.';

export class ElevationCancelledError extends Error {
  constructor(message = 'Elevation was cancelled; nothing was changed') { super(message); }
}

/** The real runner: @vscode/sudo-prompt (loaded lazily: the extension only needs it when elevating). */
export const sudoPromptRunner: ElevationRunner = (commandLine, options) => new Promise((resolve, reject) => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sudo = require('@vscode/sudo-prompt') as typeof import('@vscode/sudo-prompt');
  sudo.exec(commandLine, { name: options.name }, (err, stdout, stderr) => {
    if (err) { Object.assign(err, { stdout: String(stdout ?? ''), stderr: String(stderr ?? '') }); reject(err); return; }
    resolve({ stdout: String(stdout ?? ''), stderr: String(stderr ?? '') });
  });
});

/** POSIX sh quoting for script text (always quoted: the script is for machines, the plan for people). */
export function shQuote(arg: string): string { return `'${arg.replace(/'/g, `'\\''`)}'`; }

/** PowerShell single-quoted literal: no expansion inside; a quote is written twice. */
export function psQuote(arg: string): string { return `'${arg.replace(/['\u2018\u2019\u201A\u201B]/g, m => m + m)}'`; }

function okCodes(op: ElevatedOp): number[] { return op.kind === 'exec' ? [0, ...(op.okExitCodes ?? [])] : [0]; }

/** The marker of one unit's result on the elevated script's standard output. */
const RESULT = 'DEVCERT-DOCTOR-RESULT';

/**
 * The POSIX script: runs units in order, stops at the first failure, and prints each unit's status and
 * output (base64) on standard output — it needs no working files at all. A file is written through a
 * temporary name made by mktemp in its own folder and renamed over the target (never through a link).
 */
export function buildPosixScript(units: ElevatedUnit[]): string {
  const lines = ['#!/bin/sh', '# Written by devcert-doctor: the elevated steps of one plan.', 'umask 022'];
  units.forEach((unit, i) => {
    lines.push(`# step ${i}: ${unit.id.replace(/[^\x20-\x7e]/g, '?')}`, 'rc=0', 'out=""');
    for (const op of unit.ops) {
      let cmd: string;
      if (op.kind === 'exec') {
        const env = Object.entries(op.env ?? {}).map(([k, v]) => `${assertEnvName(k)}=${shQuote(v)}`);
        cmd = [...(env.length ? ['env', ...env] : []), shQuote(op.command), ...op.args.map(shQuote)].join(' ');
      } else if (op.kind === 'write') {
        const dir = shQuote(nodePath.posix.dirname(op.to));
        const mode = (op.mode ?? 0o644).toString(8);
        if (!/^[A-Za-z0-9+/=]*$/.test(op.contents)) throw new Error('write contents must be base64');
        cmd = `mkdir -p ${dir} && t=$(mktemp ${shQuote(nodePath.posix.join(nodePath.posix.dirname(op.to), '.devcert-doctor.XXXXXX'))}) && ` +
          `printf '%s' '${op.contents}' | base64 --decode > "$t" && chmod ${mode} "$t" && mv -f "$t" ${shQuote(op.to)} || { rm -f "$t"; false; }`;
      } else {
        cmd = `rm -f ${shQuote(op.path)}`;
      }
      const ok = okCodes(op).map(c => `[ $rc -eq ${c} ]`).join(' || ');
      lines.push(`if [ $rc -eq 0 ]; then o=$( { ${cmd}; } 2>&1 ); rc=$?; out="$out$o"; if ${ok}; then rc=0; fi; fi`);
    }
    lines.push(`printf '${RESULT} ${i} %s %s\n' "$rc" "$(printf '%s' "$out" | base64 | tr -d '\n')"`, `[ $rc -eq 0 ] || exit 1`);
  });
  lines.push('exit 0', '');
  return lines.join('\n');
}

/** The units' results from what the POSIX script printed (other lines — the prompt's own — are ignored). */
export function parsePosixResults(stdout: string, units: ElevatedUnit[]): ElevatedUnitResult[] {
  const results: ElevatedUnitResult[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = new RegExp(`^${RESULT} (\\d+) (\\d+) ?([A-Za-z0-9+/=]*)$`).exec(line.trim());
    if (!m || !units[Number(m[1])]) continue;
    results.push({ id: units[Number(m[1])].id, code: Number(m[2]), stdout: Buffer.from(m[3], 'base64').toString('utf8'), stderr: '' });
  }
  return results;
}

/** The longest command line the POSIX prompt is given (one argument to `bash -c`; Linux allows 128 KiB). */
const MAX_POSIX_COMMAND = 100_000;

/** The Windows script (PowerShell): same protocol as the POSIX one. */
export function buildPowerShellScript(units: ElevatedUnit[], resultDir: string): string {
  const lines = ['# Written by devcert-doctor: the elevated steps of one plan.', `$R = ${psQuote(resultDir)}`,
    "$ErrorActionPreference = 'Stop'"];
  units.forEach((unit, i) => {
    lines.push(`# step ${i}: ${unit.id.replace(/[\r\n]/g, ' ')}`, '$rc = 0');
    for (const op of unit.ops) {
      const out = `(Join-Path $R '${i}.out')`;
      const err = `(Join-Path $R '${i}.err')`;
      let body: string;
      if (op.kind === 'exec') {
        const setEnv = Object.entries(op.env ?? {}).map(([k, v]) => `$env:${assertEnvName(k)} = ${psQuote(v)}; `).join('');
        const call = `& ${[op.command, ...op.args].map(psQuote).join(' ')} 1>>${out} 2>>${err}`;
        const ok = `@(${okCodes(op).join(',')})`;
        body = `${setEnv}${call}; if (${ok} -notcontains $LASTEXITCODE) { $rc = $LASTEXITCODE }`;
      } else if (op.kind === 'write') {
        body = `New-Item -ItemType Directory -Force -Path (Split-Path -Parent ${psQuote(op.to)}) | Out-Null; ` +
          `[IO.File]::WriteAllBytes(${psQuote(op.to)}, [Convert]::FromBase64String(${psQuote(op.contents)}))`;
      } else {
        body = `if (Test-Path -LiteralPath ${psQuote(op.path)}) { Remove-Item -LiteralPath ${psQuote(op.path)} -Force }`;
      }
      lines.push(`if ($rc -eq 0) { try { ${body} } catch { $_ | Out-String | Add-Content -Path ${err}; $rc = 1 } }`);
    }
    lines.push(`Add-Content -Path (Join-Path $R 'status') -Value "${i} $rc"`, 'if ($rc -ne 0) { exit 1 }');
  });
  lines.push('exit 0', '');
  return lines.join('\r\n');
}

function assertEnvName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
  return name;
}

export interface RunElevatedOptions {
  runner?: ElevationRunner;
  platform?: NodeJS.Platform;
  /** Shown in the prompt ("DevCert Doctor wants to make changes"); letters, digits and spaces only. */
  name?: string;
}

/**
 * Run `units` as root/administrator behind one prompt. Resolves with each unit's outcome (stopping at
 * the first failure); rejects with ElevationCancelledError when the user declined, ExecError when no
 * prompt is possible.
 */
export async function runElevated(units: ElevatedUnit[], opts: RunElevatedOptions = {}): Promise<ElevatedBatchResult> {
  if (units.length === 0) return { results: [] };
  const platform = opts.platform ?? process.platform;
  const runner = opts.runner ?? sudoPromptRunner;
  if (platform === 'win32') return runElevatedWindows(units, runner, opts);
  // The whole script travels in the command line (base64: no quoting, nothing on disk to swap).
  const commandLine = `echo ${Buffer.from(buildPosixScript(units), 'utf8').toString('base64')} | base64 --decode | /bin/sh`;
  if (commandLine.length > MAX_POSIX_COMMAND) {
    throw new ExecError(`the ${units.length} elevated step(s) are too large to pass to the administrator prompt (${commandLine.length} bytes)`, 'elevate');
  }
  logger(`exec (elevated, ${units.length} step(s)): ${units.map(u => u.id).join(', ')}`);
  let stdout = '';
  let runError: Error | undefined;
  try {
    stdout = (await runner(commandLine, { name: opts.name ?? 'DevCert Doctor' })).stdout;
  } catch (err) {
    runError = err as Error;
    stdout = String((err as { stdout?: unknown }).stdout ?? '');
  }
  const results = parsePosixResults(stdout, units);
  if (runError && results.length === 0) throw elevationError(runError);
  const failed = results.find(r => r.code !== 0);
  return failed ? { results, failed } : { results };
}

/** Nothing ran: the prompt was declined or could not be shown. */
function elevationError(runError: Error): Error {
  if (runError.message === SUDO_PROMPT_CANCELLED) return new ElevationCancelledError();
  if (runError.message === SUDO_PROMPT_NO_AGENT || /Unable to find pkexec or kdesudo/.test(runError.message)) {
    return new ExecError('cannot ask for administrator rights here (no pkexec/polkit agent or kdesudo); ' +
      'run the printed plan with sudo in a terminal instead', 'elevate', runError);
  }
  return new ExecError(`the elevated script did not run: ${runError.message}`, 'elevate', runError);
}

/**
 * Windows: the script and its status files are in a temporary folder (the elevated PowerShell reads the
 * script from it); file contents travel inside the script. (Issue 15 revisits the Windows script.)
 */
async function runElevatedWindows(units: ElevatedUnit[], runner: ElevationRunner, opts: RunElevatedOptions): Promise<ElevatedBatchResult> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'devcert-doctor-elevated-'));
  try {
    const script = nodePath.join(dir, 'steps.ps1');
    fs.writeFileSync(script, buildPowerShellScript(units, dir), { mode: 0o600 });
    // sudo-prompt passes this line through a shell with only double quotes escaped, so the path must be plain.
    if (!/^[A-Za-z0-9_.:\\/ -]+$/.test(script)) {
      throw new ExecError(`the temporary folder ${dir} has characters that cannot be passed to the elevation prompt safely`, 'elevate');
    }
    const commandLine = `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "${script}"`;
    logger(`exec (elevated, ${units.length} step(s)): ${commandLine}`);
    let runError: Error | undefined;
    try {
      await runner(commandLine, { name: opts.name ?? 'DevCert Doctor' });
    } catch (err) {
      runError = err as Error;
    }
    const statusFile = nodePath.join(dir, 'status');
    const status = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8').trim() : '';
    if (runError && !status) throw elevationError(runError);
    const read = (f: string) => { try { return fs.readFileSync(nodePath.join(dir, f), 'utf8'); } catch { return ''; } };
    const results: ElevatedUnitResult[] = [];
    for (const line of status.split(/\r?\n/).filter(Boolean)) {
      const [idx, code] = line.trim().split(/\s+/).map(Number);
      results.push({ id: units[idx].id, code, stdout: read(`${idx}.out`), stderr: read(`${idx}.err`) });
    }
    const failed = results.find(r => r.code !== 0);
    return failed ? { results, failed } : { results };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

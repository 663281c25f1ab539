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
    // Infinity: a command that waits for a person's answer is never killed (setTimeout would fire at once).
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs) : undefined;
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

/**
 * A Windows command line in PowerShell syntax — what VS Code's default terminal on Windows runs, where
 * cmd.exe's forms break: `appid={…}` (a script block), a quoted program path (a string, not a call:
 * `&` calls it), `$…` (expanded). An argument is left bare only when it holds no character PowerShell
 * treats specially (and, for one starting with `-`, when it is a plain switch name, since 5.1 splits
 * `-a.b`-like tokens); otherwise it is a single-quoted literal, where nothing is expanded.
 */
export function formatPowerShellCommand(command: string, args: readonly string[], env: Record<string, string> = {}): string {
  const bare = (a: string) => /^[A-Za-z0-9_.:\\/=+-]+$/.test(a) && (!a.startsWith('-') || /^--?[A-Za-z][A-Za-z0-9-]*$/.test(a));
  const q = (a: string) => bare(a) ? a : psQuote(a);
  const program = q(command);
  const sets = Object.entries(env).map(([k, v]) => `$env:${k} = ${psQuote(v)}; `).join('');
  return `${sets}${program === command ? '' : '& '}${[program, ...args.map(q)].join(' ')}`;
}

// ---------------------------------------------------------------------------------------------------
// Elevation. Every elevated step of a plan runs in ONE script behind ONE prompt (@vscode/sudo-prompt:
// pkexec/kdesudo on Linux, the macOS authorization dialog, UAC on Windows). The script is built here
// from argument arrays, each argument quoted for the script's language, so no value is ever
// interpreted by a shell. It prints each unit's exit code and output on standard output; that is how
// the caller knows which operations completed when one fails half-way.
import { createHash } from 'node:crypto';
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

/**
 * The Windows script (Windows PowerShell 5.1): same protocol as the POSIX one — each unit's status and
 * output go to standard output as `DEVCERT-DOCTOR-RESULT <i> <code> <base64 of UTF-8>` lines (ASCII, so
 * neither the console code page nor PowerShell's UTF-16 redirections can garble them), and no working
 * files. Why it is shaped this way (each point breaks a real 5.1 run otherwise):
 *   - no global `$ErrorActionPreference = 'Stop'`: under 5.1 a native command's first stderr line,
 *     merged with `2>&1`, would then become a terminating error and a step that succeeded would read as
 *     failed. A native command is judged by `$LASTEXITCODE` alone; its stderr is only passed on;
 *   - a PowerShell step (`powershell.exe -Command <text>`, as trust/windows.ts builds them) runs inline in
 *     a child scope (`& { <text> }`) with 'Stop' there only: no nested process, none of 5.1's quoting
 *     of native arguments, and a cmdlet's error fails exactly its step;
 *   - the first line it prints names the Group Policy execution policies, so a failure under an
 *     AllSigned/Restricted policy can be explained (see `explainExecutionPolicy`).
 * It calls `exit` only on its last line, so it runs the same from -EncodedCommand or a ScriptBlock.
 */
export function buildPowerShellScript(units: ElevatedUnit[]): string {
  const lines = ['# Written by devcert-doctor: the elevated steps of one plan.',
    "$ProgressPreference = 'SilentlyContinue'",
    "$ErrorActionPreference = 'Continue'",
    `function Write-DcdResult([int]$i, $rc, [string]$text) { '${RESULT} {0} {1} {2}' -f $i, [int]$rc, [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($text)) }`,
    `'${POLICY} {0} {1}' -f (Get-ExecutionPolicy -Scope MachinePolicy), (Get-ExecutionPolicy -Scope UserPolicy)`,
    '$failed = $false'];
  units.forEach((unit, i) => {
    lines.push(`# step ${i}: ${unit.id.replace(/[^\x20-\x7e]/g, '?')}`, 'if (-not $failed) {', '  $rc = 0; $out = New-Object System.Text.StringBuilder');
    for (const op of unit.ops) {
      let body: string;
      const inline = op.kind === 'exec' ? inlinePowerShell(op) : undefined;
      if (inline !== undefined) {
        body = `$o = & { $ErrorActionPreference = 'Stop'; ${inline} } 2>&1 | ForEach-Object { "$_" }; [void]$out.AppendLine(($o -join "\`n"))`;
      } else if (op.kind === 'exec') {
        const setEnv = Object.entries(op.env ?? {}).map(([k, v]) => `$env:${assertEnvName(k)} = ${psQuote(v)}; `).join('');
        const ok = `@(${okCodes(op).join(',')})`;
        body = `${setEnv}$o = & ${[op.command, ...op.args].map(psQuote).join(' ')} 2>&1 | ForEach-Object { "$_" }; $c = $LASTEXITCODE; ` +
          `[void]$out.AppendLine(($o -join "\`n")); if (${ok} -notcontains $c) { $rc = $c }`;
      } else if (op.kind === 'write') {
        if (!/^[A-Za-z0-9+/=]*$/.test(op.contents)) throw new Error('write contents must be base64');
        body = `New-Item -ItemType Directory -Force -Path (Split-Path -Parent ${psQuote(op.to)}) -ErrorAction Stop | Out-Null; ` +
          `[IO.File]::WriteAllBytes(${psQuote(op.to)}, [Convert]::FromBase64String('${op.contents}'))`;
      } else {
        body = `if (Test-Path -LiteralPath ${psQuote(op.path)}) { Remove-Item -LiteralPath ${psQuote(op.path)} -Force -ErrorAction Stop }`;
      }
      lines.push(`  if ($rc -eq 0) { try { ${body} } catch { [void]$out.AppendLine("$_"); $rc = 1 } }`);
    }
    lines.push(`  Write-DcdResult ${i} $rc $out.ToString()`, '  if ($rc -ne 0) { $failed = $true }', '}');
  });
  lines.push('if ($failed) { exit 1 } else { exit 0 }', '');
  return lines.join('\r\n');
}

/** The script text of a `powershell.exe ... -Command <text>` operation, run inline; undefined for anything else. */
function inlinePowerShell(op: Extract<ElevatedOp, { kind: 'exec' }>): string | undefined {
  if (!/^powershell(\.exe)?$/i.test(op.command) || op.env || op.okExitCodes?.length) return undefined;
  const i = op.args.indexOf('-Command');
  if (i < 0 || i !== op.args.length - 2 || !op.args.slice(0, i).every(a => a === '-NoProfile' || a === '-NonInteractive')) return undefined;
  return op.args[i + 1];
}

/** The marker of the execution-policy line the Windows script prints first. */
const POLICY = 'DEVCERT-DOCTOR-POLICY';

/**
 * The Group Policy execution policies the script reported (`MachinePolicy`, `UserPolicy`), when it ran.
 * -ExecutionPolicy Bypass cannot override them. The script itself never runs as a .ps1 file (it is an
 * encoded command or a script block), so it still runs; what such a policy can stop is a module script
 * or format file a cmdlet loads.
 */
export function parsePowerShellPolicy(stdout: string): { machine: string; user: string } | undefined {
  const m = new RegExp(`^${POLICY} (\\w+) (\\w+)\\s*$`, 'm').exec(stdout);
  return m ? { machine: m[1], user: m[2] } : undefined;
}

/** Words for a failed elevated unit when Group Policy enforces AllSigned or Restricted; undefined otherwise. */
export function explainExecutionPolicy(policy: { machine: string; user: string } | undefined): string | undefined {
  const strict = [policy?.machine, policy?.user].find(p => p === 'AllSigned' || p === 'Restricted');
  if (!strict) return undefined;
  return `Group Policy sets the PowerShell execution policy to ${strict} on this computer ` +
    `(${policy!.machine === strict ? 'MachinePolicy' : 'UserPolicy'}); "-ExecutionPolicy Bypass" cannot override it, ` +
    'so PowerShell may refuse to load the modules a step needs. Ask your administrator, or run the printed plan\'s ' +
    'commands in an administrator PowerShell yourself.';
}

/** cmd.exe (which @vscode/sudo-prompt runs the command line through on Windows) accepts 8191 characters. */
const MAX_WINDOWS_COMMAND = 8_000;

const POWERSHELL_ELEVATED = 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ';

/** `-EncodedCommand` takes the script as base64 of its UTF-16LE text. */
export function encodePowerShellCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/**
 * The command line the Windows prompt runs. The script travels whole as an -EncodedCommand when it fits
 * (no file, no quoting, any characters); otherwise (a PFX inside makes it large) it is written to
 * `scriptFile` as UTF-8 with a BOM and a small encoded loader reads those bytes once, checks their
 * SHA-256 against the hash fixed in the command line — so a file swapped between the prompt and the run
 * is refused — and runs them as a script block: no -File, so neither the path's shape (a short
 * `JOHNDO~1` name, non-ASCII letters) nor the .ps1 execution policy matter.
 */
export function windowsElevatedCommandLine(script: string, scriptFile: () => string): { commandLine: string; fileBytes?: Buffer } {
  const direct = POWERSHELL_ELEVATED + encodePowerShellCommand(script);
  if (direct.length <= MAX_WINDOWS_COMMAND) return { commandLine: direct };
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(script, 'utf8')]);
  const hash = createHash('sha256').update(bytes).digest('hex').toUpperCase();
  const loader = [
    `$b = [IO.File]::ReadAllBytes(${psQuote(scriptFile())})`,
    "$h = [BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($b)).Replace('-', '')",
    `if ($h -ne '${hash}') { '${RESULT}-TAMPERED'; exit 3 }`,
    '& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString($b, 3, $b.Length - 3)))',
  ].join('; ');
  return { commandLine: POWERSHELL_ELEVATED + encodePowerShellCommand(loader), fileBytes: bytes };
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
  const { stdout, runError } = await prompted(runner, commandLine, units, opts);
  const results = parsePosixResults(stdout, units);
  if (runError && results.length === 0) throw elevationError(runError);
  const failed = results.find(r => r.code !== 0);
  return failed ? { results, failed } : { results };
}

/** Run the command line behind the prompt; what it printed (also when it failed) and the failure. */
async function prompted(runner: ElevationRunner, commandLine: string, units: ElevatedUnit[], opts: RunElevatedOptions): Promise<{ stdout: string; runError?: Error }> {
  logger(`exec (elevated, ${units.length} step(s)): ${units.map(u => u.id).join(', ')}`);
  try {
    return { stdout: (await runner(commandLine, { name: opts.name ?? 'DevCert Doctor' })).stdout };
  } catch (err) {
    return { stdout: String((err as { stdout?: unknown }).stdout ?? ''), runError: err as Error };
  }
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
 * Windows: results come back on standard output like the POSIX script's (sudo-prompt collects it);
 * a temporary folder holds the script only when it is too large for the command line.
 */
async function runElevatedWindows(units: ElevatedUnit[], runner: ElevationRunner, opts: RunElevatedOptions): Promise<ElevatedBatchResult> {
  let dir: string | undefined;
  try {
    const { commandLine, fileBytes } = windowsElevatedCommandLine(buildPowerShellScript(units), () => {
      dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'devcert-doctor-elevated-'));
      return nodePath.join(dir, 'steps.ps1');
    });
    if (fileBytes) fs.writeFileSync(nodePath.join(dir!, 'steps.ps1'), fileBytes, { mode: 0o600 });
    if (commandLine.length > MAX_WINDOWS_COMMAND) throw new ExecError('the elevated script\'s loader does not fit the command line', 'elevate');
    const { stdout, runError } = await prompted(runner, commandLine, units, opts);
    if (stdout.includes(`${RESULT}-TAMPERED`)) {
      throw new ExecError('the elevated script was changed on disk before it ran; nothing was run', 'elevate');
    }
    const results = parsePosixResults(stdout, units);
    if (runError && results.length === 0) throw elevationError(runError);
    const failed = results.find(r => r.code !== 0);
    if (!failed) return { results };
    const why = explainExecutionPolicy(parsePowerShellPolicy(stdout));
    if (why) failed.stderr = [failed.stderr, why].filter(Boolean).join('\n');
    return { results, failed };
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * IisExpressAdminCmd.exe, IIS Express's own tool for its SSL ports (`setupSslUrl`, `deleteSslUrl`;
 * elevated): where it is and what it reported. The installer puts it in "C:\Program Files\IIS Express";
 * older 32-bit installs on 64-bit Windows have it only in "C:\Program Files (x86)\IIS Express" (the seed
 * article's `cd C:\Program Files (x86)\IIS Express`). A plan may be made where that cannot be looked at
 * (another platform, before the install), so the step itself takes the first of the two that exists when
 * it runs; the machine setting devcertDoctor.iisExpressPath names the one place to use instead.
 */
import { psQuote } from '../io';
import type { CommandAction } from '../plan';
import { powershell } from '../trust';
import type { BindContext } from './types';

/** Where IIS Express installs it, in the order they are tried. */
export const IIS_EXPRESS_ADMIN_CMD_PATHS = [
  'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe',
  'C:\\Program Files (x86)\\IIS Express\\IisExpressAdminCmd.exe',
] as const;

/** The places a run looks for it: the configured one alone, else the install folders in order. */
export function iisExpressAdminCmdPaths(ctx: Pick<BindContext, 'tools'>): string[] {
  return ctx.tools?.iisExpressAdminCmd ? [ctx.tools.iisExpressAdminCmd] : [...IIS_EXPRESS_ADMIN_CMD_PATHS];
}

/**
 * `IisExpressAdminCmd.exe <args>` as a plan action. With a configured path, that program. Otherwise a
 * PowerShell step (run inline by the elevated script) that finds the program when it runs and judges it
 * by its exit code: under Windows PowerShell 5.1 a native program's stderr line would be a terminating
 * error with ErrorActionPreference 'Stop', so it runs under 'Continue' and `$LASTEXITCODE` decides.
 */
export function iisExpressAdminCmdAction(args: string[], ctx: Pick<BindContext, 'tools'>): CommandAction {
  if (ctx.tools?.iisExpressAdminCmd) return { type: 'command', command: ctx.tools.iisExpressAdminCmd, args };
  const missing = `IisExpressAdminCmd.exe is in neither ${IIS_EXPRESS_ADMIN_CMD_PATHS.map(p => p.replace(/\\[^\\]+$/, '')).join(' nor ')}: `
    + 'install IIS Express, or name it in the machine setting devcertDoctor.iisExpressPath';
  return powershell([
    `$exe = @(${IIS_EXPRESS_ADMIN_CMD_PATHS.map(psQuote).join(', ')}) | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1`,
    `if (-not $exe) { throw ${psQuote(missing)} }`,
    "$ErrorActionPreference = 'Continue'",
    // No double quote anywhere: pasted into Windows PowerShell 5.1 this text is an argument of powershell.exe, and 5.1 passes embedded quotes unescaped.
    `& $exe ${args.map(psQuote).join(' ')} 2>&1 | ForEach-Object { [string]$_ }`,
    `if ($LASTEXITCODE -ne 0) { throw (${psQuote(`IisExpressAdminCmd.exe ${args[0]} failed (exit {0})`)} -f $LASTEXITCODE) }`,
  ].join('; '));
}

/**
 * What `IisExpressAdminCmd.exe` reported. The exit code decides; the text (English on English systems:
 * "Command 'setupsslUrl' completed." / "... failed." plus a reason line) is only passed on.
 */
export function interpretIisExpressAdminCmd(result: { code: number | null; stdout: string; stderr: string }): { ok: boolean; message: string } {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  const ok = result.code === 0;
  return { ok, message: text || (ok ? 'completed' : `failed with exit code ${result.code}`) };
}

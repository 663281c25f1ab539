/**
 * What every plan-making command shares: the trust context from the options (`--sandbox` points every
 * store into a folder, for trying the tool safely), printing the plan, asking before it runs, running it
 * with progress on stderr, and the exit code.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './args';
import { executePlan, Ledger, LockBusyError, planScript, renderPlan, type RepairPlan } from '../core/plan';
import { configDir, displayLines, displayText, placeholderHome, type Platform } from '../core/io';
import { prepareTrustSandbox, type TrustContext, trustSandboxPaths } from '../core/trust';

export const PLATFORMS: Platform[] = ['linux', 'darwin', 'win32'];

export const PLAN_OPTIONS = {
  'dry-run': { type: 'boolean' as const },
  script: { type: 'boolean' as const },
  yes: { type: 'boolean' as const },
  platform: { type: 'string' as const },
  sandbox: { type: 'string' as const },
};

export const PLAN_HELP = `  --dry-run             print the plan exactly as it would run, change nothing
  --script              with --dry-run: print it as a script to paste into a shell instead (sh with
                        sudo where needed; PowerShell for win32) — the editor's "Copy commands"
  --yes                 run without asking
  --platform P          with --dry-run: render the plan for linux, darwin or win32, with that
                        platform's own paths for a placeholder account (nothing here is read for it)
  --sandbox DIR         use trust stores inside DIR (DIR/home for NSS, DIR/system for the Linux
                        system store via update-ca-certificates' directory options); no elevation.
                        A new or empty DIR is prepared first (not with --dry-run)`;

export function platformOption(value: unknown, dryRun: boolean): Platform {
  if (value === undefined) return process.platform as Platform;
  if (!PLATFORMS.includes(value as Platform)) throw new UsageError(`--platform must be one of ${PLATFORMS.join(', ')}`);
  if (value !== process.platform && !dryRun) throw new UsageError('--platform other than this machine\'s needs --dry-run');
  return value as Platform;
}

/**
 * The stores a plan changes. Another platform's plan is rendered for a placeholder account there
 * (`C:\\Users\\<you>`, `/Users/<you>`): its environment is made up from that home, never copied from this
 * machine's. A `--sandbox` DIR that is new or empty is prepared first (except on a dry run: it changes nothing).
 */
export async function trustContext(options: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<TrustContext> {
  const dryRun = !!options['dry-run'];
  if (options.script && !dryRun) throw new UsageError('--script needs --dry-run');
  const platform = platformOption(options.platform, dryRun);
  const sandbox = typeof options.sandbox === 'string' ? path.resolve(options.sandbox) : undefined;
  if (platform !== process.platform) {
    if (sandbox) throw new UsageError('--sandbox works only for this machine\'s platform');
    const homeDir = placeholderHome(platform);
    const foreignEnv: NodeJS.ProcessEnv = platform === 'win32'
      ? { APPDATA: `${homeDir}\\AppData\\Roaming`, USERPROFILE: homeDir } : { HOME: homeDir, SHELL: platform === 'darwin' ? '/bin/zsh' : '/bin/bash' };
    return { platform, env: foreignEnv, homeDir };
  }
  if (!sandbox) return { platform, env, homeDir: os.homedir() };
  const paths = dryRun ? trustSandboxPaths(sandbox) : await prepareTrustSandbox(sandbox);
  return { platform, env, homeDir: paths.home, linuxSandboxRoot: paths.system };
}

/** Said above a plan rendered for another platform, so nobody takes its paths for this machine's. */
export function foreignPlatformNote(platform: Platform): string {
  return `Rendered for ${platform}: paths are that platform's defaults for a placeholder account (home ${placeholderHome(platform)}, ` +
    `this tool's folder ${configDir({}, platform)}); nothing on this machine was read for them.\n\n`;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  // Loaded here, when a prompt is shown: a command that never asks does not pay for readline.
  const readline = require('node:readline') as typeof import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>(res => rl.question(question, res));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Print, confirm, run. Returns the exit code: 0 done (or nothing to do), 1 failed or declined. */
export async function presentAndRun(plan: RepairPlan, options: Record<string, unknown>, out = process.stdout, err = process.stderr): Promise<number> {
  if (options.script) { out.write(planScript(plan)); return 0; }
  if (plan.platform !== process.platform) out.write(foreignPlatformNote(plan.platform));
  out.write(renderPlan(plan));
  if (options['dry-run']) return 0;
  const changing = plan.steps.filter(s => s.action.type !== 'manual');
  if (changing.length === 0) {
    out.write('\nNothing to change.\n');
    return 0;
  }
  if (!options.yes && !(await confirm(`\nRun these ${changing.length} step(s)? [y/N] `))) {
    err.write(process.stdin.isTTY ? 'Not run.\n' : 'Not run: pass --yes to run without a terminal to confirm in.\n');
    return 1;
  }
  // Ctrl-C or SIGTERM while a plan runs: finish the step that is running, undo what was done, stop.
  // A second signal is told that the undo is still running (leaving half-way would be worse).
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!abort.signal.aborted) err.write(`\n${signal}: stopping after the current step and undoing what this run changed…\n`);
    else err.write(`\n${signal}: still undoing; it ends on its own in a moment.\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', onSignal);
  let outcome;
  try {
    outcome = await runLocked(plan, options, abort.signal, err);
  } catch (e) {
    if (e instanceof LockBusyError) { err.write(`${displayText(e.message)}\n`); return 1; }
    throw e;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('SIGHUP', onSignal);
  }
  out.write(`\n${displayText(outcome.summary)}\n`);
  for (const m of outcome.manual) out.write(`\nStill to do:\n${displayLines(m)}\n`);
  // 130: stopped by a signal, as shells report it.
  return outcome.ok ? 0 : outcome.interrupted ? 130 : 1;
}

function runLocked(plan: RepairPlan, options: Record<string, unknown>, signal: AbortSignal, err: NodeJS.WritableStream) {
  return executePlan(plan, {
    ledger: Ledger.default(),
    elevate: options.sandbox ? false : undefined,
    signal,
    lock: { what: `devcert-doctor ${plan.title}` },
    onProgress: p => {
      const n = p.index !== undefined ? `${p.index + 1}. ` : '';
      // Messages quote step titles, paths and what a failed command printed.
      const message = displayText(p.message);
      if (p.phase === 'done') err.write(`  ✓ ${n}${message}\n`);
      else if (p.phase === 'failed') err.write(`  ✗ ${n}${displayText(p.step?.title ?? '')}: ${message}\n`);
      else if (p.phase === 'elevating') err.write(`  … ${message}\n`);
      else if (p.phase === 'undone') err.write(`  ↶ ${message}\n`);
      else if (p.phase === 'undo-failed') err.write(`  ! ${message}\n`);
    },
  });
}

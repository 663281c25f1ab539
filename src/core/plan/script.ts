/**
 * A plan as a script someone can paste into a shell and run: what "Copy commands" in the editor puts on
 * the clipboard and what `repair --dry-run --script` prints (one function, so both say the same). POSIX
 * sh on Linux and macOS (`sudo` where a step needs elevation, file writes as quoted heredocs), PowerShell
 * on Windows (run it as Administrator when a step needs it). Every comment line is escaped on its own
 * (a title or path cannot add a command); file contents go in a quoted heredoc, or as base64 when they
 * hold anything a terminal could act on.
 */
import * as nodePath from 'node:path';
import { displayLines, displayText, formatPowerShellCommand, psQuote, quoteArg } from '../io';
import type { CommandAction, PlanAction, PlanStep, RepairPlan } from './types';

export function planScript(plan: RepairPlan): string {
  return (plan.platform === 'win32' ? powerShellScript(plan) : posixScript(plan)).join('\n') + '\n';
}

const comment = (text: string) => displayLines(text).split('\n').map(l => `# ${l}`);

function bytesOf(a: { contents: string; encoding?: 'utf8' | 'base64' }): Buffer {
  return Buffer.from(a.contents, a.encoding === 'base64' ? 'base64' : 'utf8');
}

/** Text a heredoc can carry as it is: UTF-8 lines ending in a newline, nothing a terminal would act on. */
function heredocSafe(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (!text.endsWith('\n') || !Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text)) return undefined;
  return text;
}

function heredocDelimiter(text: string): string {
  let d = 'DEVCERT_EOF';
  while (text.split('\n').includes(d)) d += '_';
  return d;
}

function stepHeading(plan: RepairPlan, step: PlanStep): string[] {
  return ['', ...comment(`${plan.steps.indexOf(step) + 1}. ${step.title}${step.elevated && step.action.type !== 'manual' ? (plan.platform === 'win32' ? ' (needs Administrator)' : ' (sudo)') : ''}`)];
}

// ------------------------------------------------------------------------------------------------
// POSIX sh

function posixScript(plan: RepairPlan): string[] {
  const out = ['#!/bin/sh', ...comment(`${plan.title} — made by DevCert Doctor. Read it before you run it.`), 'set -eu'];
  for (const step of plan.steps) {
    out.push(...stepHeading(plan, step), ...posixAction(step.action, step.elevated));
  }
  for (const n of plan.notes) out.push('', ...comment(n));
  return out;
}

function posixCommand(a: CommandAction, sudo: string): string {
  const env = Object.entries(a.env ?? {}).map(([k, v]) => quoteArg(`${k}=${v}`));
  const line = `${sudo}${env.length ? `env ${env.join(' ')} ` : ''}${[a.command, ...a.args].map(quoteArg).join(' ')}`;
  const ok = a.okExitCodes ?? [];
  // set -e stops at a failure; exit codes the plan counts as success do not stop it.
  return ok.length ? `${line} || { rc=$?; case $rc in ${ok.join('|')}) ;; *) exit $rc ;; esac; }` : line;
}

function posixAction(a: PlanAction, elevated: boolean): string[] {
  const sudo = elevated ? 'sudo ' : '';
  switch (a.type) {
    case 'command': return [posixCommand(a, sudo)];
    case 'write-file': {
      const bytes = bytesOf(a);
      const text = heredocSafe(bytes);
      const dir = `${sudo}mkdir -p ${quoteArg(nodePath.posix.dirname(a.path))}`;
      const target = quoteArg(a.path);
      const mode = a.mode !== undefined ? a.mode.toString(8).padStart(4, '0') : undefined;
      // install -m sets the mode as the file is created: a private key is never readable by others, even briefly.
      const sink = mode ? `${sudo}install -m ${mode} /dev/stdin ${target}` : `${sudo}tee ${target} >/dev/null`;
      if (text !== undefined) {
        const d = heredocDelimiter(text);
        return [dir, `${sink} <<'${d}'`, ...text.slice(0, -1).split('\n'), d];
      }
      const b64 = bytes.toString('base64').match(/.{1,76}/g) ?? [''];
      return [dir, `base64 -d <<'DEVCERT_EOF' | ${sink}`, ...b64, 'DEVCERT_EOF'];
    }
    case 'remove-file': return [`${sudo}rm -f ${quoteArg(a.path)}`];
    case 'bundle': return a.add
      ? [`${sudo}mkdir -p ${quoteArg(nodePath.posix.dirname(a.path))}`,
        `cat ${quoteArg(nodePath.posix.join(a.certsDir, `${a.add}.pem`))} | ${sudo}tee -a ${quoteArg(a.path)} >/dev/null`]
      : comment(`Remove certificate ${a.remove} from ${a.path} (DevCert Doctor rebuilds it from the certificates it keeps there; by hand: delete that PEM block).`);
    case 'forget': return comment('Nothing to run: DevCert Doctor only forgets ledger entries whose change is gone.');
    case 'manual': return comment(`You do: ${a.instructions}`);
  }
}

// ------------------------------------------------------------------------------------------------
// PowerShell

function powerShellScript(plan: RepairPlan): string[] {
  const elevated = plan.steps.some(s => s.elevated && s.action.type !== 'manual');
  const out = [
    ...comment(`${plan.title} — made by DevCert Doctor. Read it before you run it.`),
    ...(elevated ? comment('Run it in PowerShell opened as Administrator: some steps need it.') : []),
    "$ErrorActionPreference = 'Stop'",
  ];
  for (const step of plan.steps) out.push(...stepHeading(plan, step), ...powerShellAction(step.action));
  for (const n of plan.notes) out.push('', ...comment(n));
  return out;
}

function powerShellAction(a: PlanAction): string[] {
  switch (a.type) {
    case 'command': {
      const ok = [0, ...(a.okExitCodes ?? [])];
      return [formatPowerShellCommand(a.command, a.args, a.env),
        `if (@(${ok.join(', ')}) -notcontains $LASTEXITCODE) { throw ${psQuote(`failed: ${displayText([a.command, ...a.args].join(' '))}`)} }`];
    }
    case 'write-file': {
      // Exact bytes (no BOM, no newline conversion), whatever the file holds.
      const b64 = bytesOf(a).toString('base64');
      return [`New-Item -ItemType Directory -Force -Path ${psQuote(nodePath.win32.dirname(a.path))} | Out-Null`,
        `[IO.File]::WriteAllBytes(${psQuote(a.path)}, [Convert]::FromBase64String(${psQuote(b64)}))`];
    }
    case 'remove-file': return [`Remove-Item -LiteralPath ${psQuote(a.path)} -Force -ErrorAction SilentlyContinue`];
    case 'bundle': return a.add
      ? [`Get-Content -Raw -LiteralPath ${psQuote(nodePath.win32.join(a.certsDir, `${a.add}.pem`))} | Add-Content -NoNewline -LiteralPath ${psQuote(a.path)}`]
      : comment(`Remove certificate ${a.remove} from ${a.path} (delete that PEM block).`);
    case 'forget': return comment('Nothing to run: DevCert Doctor only forgets ledger entries whose change is gone.');
    case 'manual': return comment(`You do: ${a.instructions}`);
  }
}

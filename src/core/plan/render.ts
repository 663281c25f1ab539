/**
 * The text of a plan, exactly as it will run: what `--dry-run` prints and what the extension shows
 * before asking for consent. Every command line is quoted so it can be pasted into a terminal.
 * Titles, paths, commands and notes carry subjects and folder names from peers and workspaces: each
 * is shown through `displayText`, so none can add a line to the plan or drive the terminal.
 */
import { displayLines, displayText, formatCommand, formatPowerShellCommand, type Platform } from '../io';
import type { PlanAction, PlanStep, RepairPlan } from './types';

function size(action: { contents: string; encoding?: 'utf8' | 'base64' }): number {
  return action.encoding === 'base64' ? Buffer.from(action.contents, 'base64').length : Buffer.byteLength(action.contents);
}

/** One action as one line (manual instructions may span several). */
export function renderAction(action: PlanAction, platform: Platform = process.platform as Platform): string {
  switch (action.type) {
    case 'command': {
      const ok = action.okExitCodes?.length ? `   (exit ${[0, ...action.okExitCodes].join('/')} = success)` : '';
      if (platform === 'win32') return `run:    ${displayText(formatPowerShellCommand(action.command, action.args, action.env))}${ok}`;
      const env = Object.entries(action.env ?? {}).map(([k, v]) => formatCommand(`${k}=${v}`, []));
      return `run:    ${displayText([...env, formatCommand(action.command, action.args)].join(' '))}${ok}`;
    }
    case 'write-file':
      return `write:  ${displayText(action.path)}  (${size(action)} bytes${action.mode !== undefined ? `, mode ${action.mode.toString(8).padStart(4, '0')}` : ''})`;
    case 'remove-file':
      return `remove: ${displayText(action.path)}`;
    case 'bundle':
      return `${action.add ? 'add to' : 'remove from'}: ${displayText(action.path)}  (certificate ${action.add ?? action.remove}; the bundle is rebuilt from every certificate DevCert Doctor keeps in it)`;
    case 'forget':
      return `forget: ${action.count} ledger entr${action.count === 1 ? 'y whose change is' : 'ies whose changes are'} no longer on this machine (nothing on the machine changes)`;
    case 'manual': // instructions are written in lines on purpose: those stay, indented under "you do:"
      return `you do: ${displayLines(action.instructions).split('\n').join('\n           ')}`;
  }
}

/** Contiguous runs of elevated steps: each run is one script behind one prompt. */
export function elevatedGroups(steps: PlanStep[]): PlanStep[][] {
  const groups: PlanStep[][] = [];
  let current: PlanStep[] | undefined;
  for (const s of steps) {
    if (s.elevated && s.action.type !== 'manual') { (current ??= []).push(s); }
    else if (current) { groups.push(current); current = undefined; }
  }
  if (current) groups.push(current);
  return groups;
}

/**
 * What a consent prompt summarises (the full text is `renderPlan`): the step count, and the numbered
 * titles of the steps that need administrator rights and of those the user does by hand.
 */
export function planOutline(plan: RepairPlan): { steps: number; elevated: string[]; manual: string[] } {
  const label = (s: PlanStep) => `${plan.steps.indexOf(s) + 1}. ${displayText(s.title)}`;
  return {
    steps: plan.steps.length,
    elevated: plan.steps.filter(s => s.elevated && s.action.type !== 'manual').map(label),
    manual: plan.steps.filter(s => s.action.type === 'manual').map(label),
  };
}

export function renderPlan(plan: RepairPlan): string {
  const out: string[] = [`Plan: ${displayText(plan.title)} (${plan.platform})`];
  if (plan.platform === 'win32' && plan.steps.some(s => s.action.type === 'command')) out.push('  Commands are shown in PowerShell syntax (VS Code\'s default terminal on Windows).');
  if (plan.steps.length === 0) out.push('  Nothing to change: everything is already in place.');
  const indent = '       ';
  plan.steps.forEach((step, i) => {
    const n = `${i + 1}.`.padEnd(4);
    out.push('', `  ${n} ${displayText(step.title)}${step.elevated ? '   [ELEVATED]' : ''}`);
    out.push(`${indent}${renderAction(step.action, plan.platform)}`);
    out.push(`${indent}changes: ${displayText(step.changes)}`);
    if (step.undo) out.push(`${indent}undo:   ${renderAction(step.undo, plan.platform).replace(/^(\w+):\s*/, '$1 ')}`);
    else if (step.action.type !== 'manual' && step.action.type !== 'forget') out.push(`${indent}undo:   (nothing to undo)`);
  });
  const groups = elevatedGroups(plan.steps);
  if (groups.length) {
    const numbers = groups.map(g => g.map(s => plan.steps.indexOf(s) + 1));
    const ranges = numbers.map(ns => ns.length === 1 ? `${ns[0]}` : `${ns[0]}–${ns[ns.length - 1]}`);
    out.push('', groups.length === 1
      ? (numbers[0].length > 1
        ? `Steps ${ranges[0]} need administrator rights: they run together in one script after one prompt.`
        : `Step ${ranges[0]} needs administrator rights: it runs in one script after one prompt.`)
      : `Steps ${ranges.join(', ')} need administrator rights: one prompt for each group (${groups.length} prompts).`);
  }
  if (plan.notes.length) {
    out.push('', 'Notes:');
    // A note is one sentence: a line break in it can only come from a subject or a path, so it is escaped too.
    for (const note of plan.notes) out.push(`  - ${displayText(note)}`);
  }
  return out.join('\n') + '\n';
}

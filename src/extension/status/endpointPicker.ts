/** Quick picks over the endpoints the store knows: the status bar's menu, and "which endpoint?" prompts. */
import * as vscode from 'vscode';
import { orderedFixes, type EndpointVerdict, type FixId } from '../../core/check';
import { displayText } from '../../core/io';
import { presentFix } from './fixes';
import { problemSentence } from './stateWords';
import { verdictState } from './tooltip';
import { isListening, realProblems, type VerdictStore } from '../verdicts';

/** The status bar item's command: not in the palette (the palette has "Check now"). */
export const SHOW_ENDPOINTS = 'devcertDoctor.showEndpoints';

type Action =
  | { kind: 'details'; url: string }
  | { kind: 'fix'; url: string; fix: FixId }
  | { kind: 'command'; command: string };

interface ActionItem extends vscode.QuickPickItem { action?: Action }

function icon(v: EndpointVerdict): string {
  if (!isListening(v)) return '$(circle-slash)';
  return realProblems(v).length ? '$(warning)' : '$(lock)';
}


/** The status bar's menu: every endpoint, its state, and the fixes for it. Runs what is picked. */
export async function showEndpointsMenu(store: VerdictStore): Promise<void> {
  const items: ActionItem[] = [];
  for (const v of store.all()) {
    items.push({ label: v.url, kind: vscode.QuickPickItemKind.Separator });
    const problems = realProblems(v);
    items.push({
      label: `${icon(v)} ${v.url}`,
      description: verdictState(v),
      detail: problems.length ? displayText(problems.map(problemSentence).join(' ')) : v.certificate ? vscode.l10n.t('{0}, valid until {1}', displayText(v.certificate.subject), v.certificate.notAfter.slice(0, 10)) : undefined,
      action: { kind: 'details', url: v.url },
    });
    for (const fix of orderedFixes(realProblems(v))) {
      const f = presentFix(fix);
      items.push({ label: `$(${f.icon}) ${f.label}`, description: v.url, action: { kind: 'fix', url: v.url, fix } });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(refresh) ${vscode.l10n.t('Check HTTPS endpoints now')}`, action: { kind: 'command', command: 'devcertDoctor.checkNow' } });
  items.push({ label: `$(output) ${vscode.l10n.t('Show log')}`, action: { kind: 'command', command: 'devcertDoctor.showLog' } });

  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('DevCert Doctor: HTTPS endpoints'),
    placeHolder: vscode.l10n.t('Pick an endpoint for its certificate details, or a fix to run'),
    matchOnDescription: true,
  });
  const a = picked?.action;
  if (!a) return;
  if (a.kind === 'details') await vscode.commands.executeCommand('devcertDoctor.showCertificate', { url: a.url });
  else if (a.kind === 'fix') {
    const v = store.get(a.url);
    await vscode.commands.executeCommand('devcertDoctor.repair', { fix: a.fix, url: a.url, port: v?.port ?? 0, folder: '' });
  } else await vscode.commands.executeCommand(a.command);
}

/** Asks which endpoint, when there is a choice; returns the only one directly. */
export async function pickEndpoint(verdicts: EndpointVerdict[], placeHolder: string): Promise<EndpointVerdict | undefined> {
  if (verdicts.length <= 1) return verdicts[0];
  const picked = await vscode.window.showQuickPick(
    verdicts.map(v => ({ label: `${icon(v)} ${v.url}`, description: verdictState(v), verdict: v })),
    { placeHolder });
  return picked?.verdict;
}

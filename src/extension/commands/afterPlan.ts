/**
 * After a plan ran: one line that says what is true now, buttons for what remains (open the file the
 * server must be pointed at, check again), and a watch on the endpoints that still fail, so they turn
 * green by themselves once the user restarts the server — without waiting for a focus change or a poll.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import { displayText } from '../../core/io';
import type { RepairPlan } from '../../core/plan';
import type { Services } from '../services';
import { problemSentence } from '../status';
import { isListening, realProblems } from '../verdicts';

/** How often, and how long, a still-failing endpoint is looked at again after a plan. */
const WATCH_EVERY_MS = 2_000;
const WATCH_FOR_MS = 5 * 60_000;

const watches = new Map<string, NodeJS.Timeout>();

/** Files the plan wrote in the workspace that a person reads (configuration), not certificates or keys. */
export function filesToOpen(plan: RepairPlan): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map(f => f.uri.fsPath);
  const written = plan.steps.flatMap(st => st.action.type === 'write-file' ? [st.action.path] : []);
  return [...new Set(written)].filter(p => !/\.(pem|key|crt|cer|pfx|p12)$/i.test(p)
    && folders.some(f => !path.relative(f, p).startsWith('..') && !path.isAbsolute(path.relative(f, p))));
}

/**
 * Probes the endpoints again (fresh handshakes, trust stores re-read): the server renders every view from
 * the answer at once. Then one line, and a watch on what still fails.
 */
export async function reportAfterPlan(s: Services, plan: RepairPlan, before: EndpointVerdict[], manual: string[]): Promise<'repaired' | 'still-problems'> {
  const after = await s.checker.probe(before.map(v => v.url), { maxAgeMs: 0, reloadTrust: true });
  void s.checker.checkWorkspace('after a repair').catch(err => s.log.warn(`check after a repair: ${(err as Error).message}`));
  const remaining = after.filter(v => realProblems(v).length > 0);
  if (remaining.length === 0) {
    const listening = after.filter(isListening);
    void s.notifier.show('info', listening.length
      ? vscode.l10n.t('Done: {0} is trusted now.', listening.map(v => v.url).join(', '))
      : vscode.l10n.t('Done. The endpoints are checked when their servers start.'));
    return 'repaired';
  }
  const urls = remaining.map(v => v.url);
  const first = realProblems(remaining[0])[0];
  const message = manual.length
    ? vscode.l10n.t('Done, except what only you can do: {0} — {1} turns green by itself when it serves the new certificate.', firstLine(manual[0]), urls.join(', '))
    : vscode.l10n.t('The plan ran, but {0} still fails: {1}', urls.join(', '), problemSentence(first));
  const open = filesToOpen(plan).slice(0, 1).map(f => ({ file: f, label: vscode.l10n.t('Open {0}', path.basename(f)) }));
  const again = vscode.l10n.t('Check again');
  watchUntilHealthy(s, urls);
  void s.notifier.show('warning', message, {}, ...open.map(o => o.label), again).then(async answer => {
    const o = open.find(x => x.label === answer);
    if (o) await vscode.window.showTextDocument(vscode.Uri.file(o.file), { preview: false });
    else if (answer === again) await vscode.commands.executeCommand('devcertDoctor.checkNow');
  });
  return 'still-problems';
}

function firstLine(text: string): string {
  const line = displayText(text.split('\n')[0]).replace(/[:.]\s*$/, '');
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

/**
 * Looks at the endpoints every few seconds until each serves a certificate every client accepts (the
 * user restarted the server), then says so once. Every look goes through the server, so the status bar
 * and the Problems panel follow at the same moment.
 */
export function watchUntilHealthy(s: Services, urls: string[]): void {
  const key = [...urls].sort().join(' ');
  if (watches.has(key)) return;
  const until = Date.now() + WATCH_FOR_MS;
  const stop = () => { clearTimeout(watches.get(key)); watches.delete(key); };
  if (watches.size === 0) s.context.subscriptions.push({ dispose: () => { for (const t of watches.values()) clearTimeout(t); watches.clear(); } });
  const look = async () => {
    try {
      const now = await s.checker.probe(urls, { maxAgeMs: 0 });
      if (now.every(v => isListening(v) && realProblems(v).length === 0)) {
        stop();
        s.log.info(`watch after a plan: ${key} is trusted now`);
        void s.notifier.show('info', vscode.l10n.t('{0} is trusted now.', urls.join(', ')));
        return;
      }
    } catch (err) { s.log.warn(`watch after a plan: ${(err as Error).message}`); }
    if (Date.now() > until || !watches.has(key)) { stop(); return; }
    watches.set(key, setTimeout(() => void look(), WATCH_EVERY_MS));
  };
  watches.set(key, setTimeout(() => void look(), WATCH_EVERY_MS));
}

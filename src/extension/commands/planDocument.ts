/**
 * A plan is read in a document, not in a modal: modals cannot scroll, and a plan with its system-store,
 * elevated and "you do" steps is taller than the screen. The full text (exactly `renderPlan`) opens as a
 * read-only virtual document beside the editor; the modal that asks only summarises it (`planSummary`).
 */
import * as vscode from 'vscode';
import { planOutline, type RepairPlan } from '../../core/plan';
import type { Services } from '../services';

export const PLAN_SCHEME = 'devcert-plan';

class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string { return this.texts.get(uri.path) ?? ''; }
  set(uri: vscode.Uri, text: string): void { this.texts.set(uri.path, text); this.changed.fire(uri); }
}

let documents: PlanDocuments | undefined;

/** Opens (or refreshes) the plan document beside the editor, keeping it scrollable while the modal asks. */
export async function showPlanDocument(s: Services, plan: RepairPlan, text: string, footer: string[] = []): Promise<vscode.Uri> {
  if (!documents) {
    const docs = new PlanDocuments();
    documents = docs;
    s.context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, docs),
      { dispose: () => { if (documents === docs) documents = undefined; } });
  }
  // One document per plan title: the same repair asked twice reuses its tab, with the new text.
  const name = plan.title.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'plan';
  const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name}.txt` });
  documents.set(uri, [text.trimEnd(), ...footer.filter(Boolean)].join('\n\n') + '\n');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  return uri;
}

/** What the consent modal says: how many steps, which need administrator rights, which the user does. */
export function planSummary(plan: RepairPlan): { counts: string; detail: string } {
  const o = planOutline(plan);
  const steps = o.steps === 1 ? vscode.l10n.t('1 step') : vscode.l10n.t('{0} steps', o.steps);
  const admin = o.elevated.length === 0 ? vscode.l10n.t('none needs administrator rights')
    : o.elevated.length === 1 ? vscode.l10n.t('1 needs administrator rights') : vscode.l10n.t('{0} need administrator rights', o.elevated.length);
  const lines: string[] = [];
  if (o.elevated.length) lines.push(vscode.l10n.t('Administrator rights:'), ...o.elevated.map(l => `  ${l}`));
  if (o.manual.length) lines.push(vscode.l10n.t('You do by hand:'), ...o.manual.map(l => `  ${l}`));
  lines.push(...(lines.length ? [''] : []), vscode.l10n.t('The whole plan is open beside the editor. Nothing runs until you choose Run.'));
  return { counts: `${steps}, ${admin}`, detail: lines.join('\n') };
}

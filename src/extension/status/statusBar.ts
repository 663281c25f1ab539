/**
 * One status bar item that says one thing: checking / all trusted / problems (warning colours) /
 * nothing listening (quiet). Hidden when the workspace declares no HTTPS endpoint at all.
 */
import * as vscode from 'vscode';
import { realProblems, type Summary, type VerdictStore } from '../verdicts';
import { renderTooltip } from './tooltip';
import { SHOW_ENDPOINTS } from './endpointPicker';
import { problemWords } from './stateWords';



export interface StatusBarSnapshot {
  state: Summary['state'];
  visible: boolean;
  text: string;
  tooltip: string;
  background?: string;
}

export function statusText(summary: Summary): string {
  switch (summary.state) {
    case 'checking': return `$(sync~spin) ${vscode.l10n.t('HTTPS')}`;
    case 'trusted': return `$(lock) ${vscode.l10n.t('HTTPS')}`;
    case 'not-listening': return `$(circle-slash) ${vscode.l10n.t('HTTPS')}`;
    case 'no-endpoints': return `$(lock) ${vscode.l10n.t('HTTPS')}`;
    case 'problems': {
      // In words: "HTTPS: untrusted", "HTTPS: expired"; several different problems are counted.
      const words = summary.withProblems.flatMap(v => problemWords(realProblems(v).map(p => p.code)));
      const distinct = [...new Set(words)];
      if (distinct.length > 1) return `$(warning) ${vscode.l10n.t('HTTPS: {0} problems', words.length)}`;
      return `$(warning) ${words.length === 1 ? vscode.l10n.t('HTTPS: {0}', distinct[0]) : vscode.l10n.t('HTTPS: {0} {1}', words.length, distinct[0])}`;
    }
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private snapshot: StatusBarSnapshot = { state: 'no-endpoints', visible: false, text: '', tooltip: '' };
  private readonly subscription: vscode.Disposable;

  constructor(store: VerdictStore) {
    // Left-aligned next to the debug/problem indicators it relates to.
    this.item = vscode.window.createStatusBarItem('devcertDoctor.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('DevCert Doctor');
    this.item.command = SHOW_ENDPOINTS;
    this.subscription = store.onDidChange(s => this.render(s));
  }

  render(summary: Summary): void {
    const text = statusText(summary);
    const tooltip = renderTooltip(summary);
    const background = summary.state !== 'problems' ? undefined
      : summary.worst === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground';
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
    this.item.accessibilityInformation = { label: `${vscode.l10n.t('DevCert Doctor')}: ${text.replace(/\$\([^)]*\)\s*/g, '')}` };
    const visible = summary.state !== 'no-endpoints';
    if (visible) this.item.show(); else this.item.hide();
    this.snapshot = { state: summary.state, visible, text, tooltip: tooltip.value, background };
  }

  state(): StatusBarSnapshot { return { ...this.snapshot }; }

  dispose(): void { this.subscription.dispose(); this.item.dispose(); }
}

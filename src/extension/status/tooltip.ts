/** The status bar tooltip: a small table of endpoint, state, expiry and who trusts it. */
import * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import { markdownText } from '../../core/io';
import { isListening, realProblems, type Summary } from '../verdicts';
import { remoteCaveat } from '../output';

export function verdictState(v: EndpointVerdict): string {
  if (!isListening(v)) return vscode.l10n.t('not listening');
  const problems = realProblems(v);
  if (problems.length === 0) return vscode.l10n.t('trusted');
  return problems.map(p => p.code).join(', ');
}

function yesNo(value: boolean | undefined, listening: boolean): string {
  if (!listening || value === undefined) return '—';
  return value ? '$(check)' : '$(x)';
}

function expires(v: EndpointVerdict): string {
  if (!v.certificate) return '—';
  return v.certificate.notAfter.slice(0, 10);
}

/** Markdown table cells must not break the table. */
function cell(text: string): string { return text.replace(/\|/g, '\\|').replace(/\n/g, ' '); }

export function renderTooltip(summary: Summary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${cell(vscode.l10n.t('DevCert Doctor'))}** — ${cell(headline(summary))}\n\n`);
  if (summary.verdicts.length > 0) {
    md.appendMarkdown(`| ${[vscode.l10n.t('Endpoint'), vscode.l10n.t('State'), vscode.l10n.t('Expires'),
      vscode.l10n.t('System'), vscode.l10n.t('Node'), vscode.l10n.t('Browsers')].map(cell).join(' | ')} |\n`);
    md.appendMarkdown('|---|---|---|:-:|:-:|:-:|\n');
    for (const v of summary.verdicts) {
      const listening = isListening(v) && !!v.certificate;
      md.appendMarkdown(`| ${markdownText(v.url)} | ${cell(verdictState(v))} | ${cell(expires(v))} | ${yesNo(v.trust.system, listening)} | ${yesNo(v.trust.node, listening)} | ${yesNo(v.trust.nss, listening)} |\n`);
    }
    md.appendMarkdown('\n');
  }
  const caveat = remoteCaveat();
  if (caveat) md.appendMarkdown(`$(remote) ${cell(caveat)}\n\n`);
  if (summary.checkedAt) md.appendMarkdown(`${cell(vscode.l10n.t('Checked at {0}. Click for endpoints and fixes.', summary.checkedAt.toLocaleTimeString()))}`);
  return md;
}

export function headline(summary: Summary): string {
  switch (summary.state) {
    case 'checking': return vscode.l10n.t('checking HTTPS endpoints…');
    case 'no-endpoints': return vscode.l10n.t('no HTTPS endpoints declared');
    case 'not-listening': return vscode.l10n.t('nothing is listening yet');
    case 'trusted': return vscode.l10n.t('every listening endpoint serves a trusted certificate');
    case 'problems': return summary.withProblems.length === 1
      ? vscode.l10n.t('1 endpoint with a certificate problem')
      : vscode.l10n.t('{0} endpoints with certificate problems', summary.withProblems.length);
  }
}

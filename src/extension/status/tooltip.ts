/** The status bar tooltip: a small table of endpoint, state, which clients accept it, and expiry. */
import * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import { markdownText } from '../../core/io';
import { isListening, realProblems, type Summary } from '../verdicts';
import { remoteCaveat } from '../output';
import { problemWords } from './stateWords';

export function verdictState(v: EndpointVerdict): string {
  if (!isListening(v)) return vscode.l10n.t('not listening');
  const problems = realProblems(v);
  if (problems.length === 0) return vscode.l10n.t('trusted');
  return problemWords(problems.map(p => p.code)).join(', ');
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
    // Acceptance first: will each client connect (name, date, protocol and chain together)?
    md.appendMarkdown(`| ${[vscode.l10n.t('Endpoint'), vscode.l10n.t('State'), vscode.l10n.t('Browsers'), vscode.l10n.t('Node'),
      vscode.l10n.t('curl/OpenSSL'), vscode.l10n.t('Expires')].map(cell).join(' | ')} |\n`);
    md.appendMarkdown('|---|---|:-:|:-:|:-:|---|\n');
    const remote = !!remoteCaveat();
    for (const v of summary.verdicts) {
      const listening = isListening(v) && !!v.certificate;
      const a = v.accepts ?? { system: v.trust.system, node: v.trust.node, browsers: v.trust.nss };
      md.appendMarkdown(`| ${markdownText(v.url)} | ${cell(verdictState(v))} | ${yesNo(remote ? undefined : a.browsers, listening)} | ${yesNo(a.node, listening)} | ${yesNo(a.system, listening)} | ${cell(expires(v))} |\n`);
    }
    md.appendMarkdown('\n');
  }
  const caveat = remoteCaveat();
  if (caveat) md.appendMarkdown(`$(remote) ${cell(caveat)}\n\n`);
  for (const w of summary.trustStoreWarnings) md.appendMarkdown(`$(warning) ${markdownText(vscode.l10n.t('Trust store: {0}', w))}\n\n`);
  if (summary.checkedAt) md.appendMarkdown(`${cell(vscode.l10n.t('Checked at {0}. Click for endpoints and fixes.', summary.checkedAt.toLocaleTimeString('en-GB', { hour12: false })))}`);
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

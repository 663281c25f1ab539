/**
 * Quick fixes for the server's own diagnostics. Everything needed travels in `Diagnostic.data`, so no
 * state is looked up and a code action never disagrees with the diagnostic it fixes. The commands are the
 * extension's: the plan is shown and consented to there, never run from the server.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import { FIX_IDS, orderedFixes, type FixId } from '../core/check';
import { displayText } from '../core/io';
import { COMMANDS, DIAGNOSTIC_SOURCE, type EndpointDiagnosticData, type RunFixArgs, type ShowCertificateArgs } from '../protocol';
import { fixTitle } from './wording';

function isData(d: unknown): d is EndpointDiagnosticData {
  const x = d as EndpointDiagnosticData;
  return !!x && typeof x.url === 'string' && typeof x.port === 'number' && Array.isArray(x.fixes);
}

const isFixId = (f: string): f is FixId => (FIX_IDS as readonly string[]).includes(f);

export function codeActionsFor(params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some(k => k === CodeActionKind.QuickFix || k.startsWith(`${CodeActionKind.QuickFix}.`) || k === CodeActionKind.Empty)) return [];
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  const ours = params.context.diagnostics.filter(d => d.source === DIAGNOSTIC_SOURCE && isData(d.data));
  for (const url of new Set(ours.map(d => (d.data as EndpointDiagnosticData).url))) {
    const mine = ours.filter(d => (d.data as EndpointDiagnosticData).url === url);
    const datas = mine.map(d => d.data as EndpointDiagnosticData);
    // One endpoint's quick fixes in core's order (orderedFixes), each attached to a diagnostic that names it.
    const order = orderedFixes(datas.map(x => ({ code: x.code, fixes: x.fixes.filter(isFixId) })));
    let preferred = false;
    for (const fix of order) {
      const i = datas.findIndex(x => x.fixes.includes(fix));
      const data = datas[i];
      const args: RunFixArgs = { fix, url, port: data.port, folder: data.folder, file: params.textDocument.uri };
      const title = fixTitle(fix, url, data.port);
      // The first repair offered for an endpoint is the one Ctrl+. applies with "auto fix".
      const isPreferred: boolean = !preferred && fix !== 'start-server';
      preferred ||= isPreferred;
      actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [mine[i]], isPreferred, command: { title, command: COMMANDS.repair, arguments: [args] } });
    }
    const withCertificate = datas.findIndex(x => x.code !== 'not-listening');
    if (withCertificate >= 0) {
      const args: ShowCertificateArgs = { url, folder: datas[withCertificate].folder };
      actions.push({
        title: `Show the certificate served on ${displayText(url)}`, kind: CodeActionKind.QuickFix, diagnostics: [mine[withCertificate]],
        command: { title: 'Show certificate details', command: COMMANDS.showCertificate, arguments: [args] },
      });
    }
  }
  return actions;
}

/**
 * Quick fixes for the server's own diagnostics. Everything needed travels in `Diagnostic.data`, so no
 * state is looked up and a code action never disagrees with the diagnostic it fixes. The commands are the
 * extension's: the plan is shown and consented to there, never run from the server.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import { FIX_IDS, type FixId } from '../core/check';
import { displayText } from '../core/io';
import { COMMANDS, DIAGNOSTIC_SOURCE, type EndpointDiagnosticData, type RunFixArgs, type ShowCertificateArgs } from '../protocol';
import { fixTitle } from './wording';

function isData(d: unknown): d is EndpointDiagnosticData {
  const x = d as EndpointDiagnosticData;
  return !!x && typeof x.url === 'string' && typeof x.port === 'number' && Array.isArray(x.fixes);
}

export function codeActionsFor(params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some(k => k === CodeActionKind.QuickFix || k.startsWith(`${CodeActionKind.QuickFix}.`) || k === CodeActionKind.Empty)) return [];
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of params.context.diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || !isData(d.data)) continue;
    const data = d.data;
    for (const fix of data.fixes.filter((f): f is FixId => (FIX_IDS as readonly string[]).includes(f))) {
      const key = `${data.url}|${fix}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const args: RunFixArgs = { fix, url: data.url, port: data.port, folder: data.folder, file: params.textDocument.uri };
      const title = fixTitle(fix, data.url, data.port);
      actions.push({
        title, kind: CodeActionKind.QuickFix, diagnostics: [d],
        // The first repair offered for an endpoint is the one Ctrl+. applies with "auto fix".
        isPreferred: !actions.some(a => a.isPreferred && (a.command?.arguments?.[0] as RunFixArgs | undefined)?.url === data.url) && fix !== 'start-server',
        command: { title, command: COMMANDS.repair, arguments: [args] },
      });
    }
    const detailsKey = `${data.url}|details`;
    if (data.code !== 'not-listening' && !seen.has(detailsKey)) {
      seen.add(detailsKey);
      const args: ShowCertificateArgs = { url: data.url, folder: data.folder };
      actions.push({
        title: `Show the certificate served on ${displayText(data.url)}`, kind: CodeActionKind.QuickFix, diagnostics: [d],
        command: { title: 'Show certificate details', command: COMMANDS.showCertificate, arguments: [args] },
      });
    }
  }
  return actions;
}

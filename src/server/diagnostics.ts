/**
 * One file's diagnostics, from what the file declares and the latest verdicts. A pure function: the
 * server re-renders from its current state whenever anything changes, so a late probe result can never
 * publish stale ranges.
 */
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver/node';
import type { DeclaredCertificate, DeclaredEndpoint, DiscoveryWarning } from '../core/endpoints';
import type { EndpointVerdict, Problem } from '../core/check';
import { displayText } from '../core/io';
import { DIAGNOSTIC_SOURCE, type EndpointDiagnosticData } from '../protocol';
import type { FileParse } from './discovery';
import { CERTIFICATE_PROBLEMS, certificateMessage, diagnosticMessage, severityOf } from './wording';

/** `Diagnostic.code` of a file discovery could not read. */
export const DISCOVERY_WARNING_CODE = 'unreadable-config';

export interface RenderContext {
  /** Workspace folder URI ('' outside every folder), carried to code actions. */
  folder: string;
  remoteName?: string;
  verdictFor(e: DeclaredEndpoint): EndpointVerdict | undefined;
  /** Text of a 0-based line, when known, so a warning underlines the line's content rather than nothing. */
  lineText?(line: number): string | undefined;
  /** The endpoints that serve a certificate declared for no endpoint in particular (Kestrel `Certificates:Default`). */
  usersOfDefault?(c: DeclaredCertificate): DeclaredEndpoint[];
}

export function fileDiagnostics(file: string, parse: FileParse, ctx: RenderContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of parse.endpoints) {
    const verdict = e.loopback ? ctx.verdictFor(e) : undefined;
    if (!verdict) continue;
    for (const problem of verdict.problems) {
      const mctx = { url: e.url, port: e.port, remoteName: ctx.remoteName };
      for (const s of e.sources) {
        if (s.file !== file) continue;
        out.push({ ...base(e, problem, ctx), range: s.range, message: diagnosticMessage(problem, mctx) });
      }
      if (!CERTIFICATE_PROBLEMS.has(problem.code)) continue;
      for (const c of e.certificates) {
        if (c.source.file !== file || isEmpty(c.source.range)) continue;
        out.push({ ...base(e, problem, ctx), range: c.source.range, message: certificateMessage(problem, { ...mctx, path: c.path ?? c.subject }) });
      }
    }
  }
  // A default certificate is as wrong as what the endpoints using it serve.
  for (const c of parse.certificates) {
    if (c.source.file !== file || isEmpty(c.source.range)) continue;
    for (const e of ctx.usersOfDefault?.(c) ?? []) {
      const verdict = e.loopback ? ctx.verdictFor(e) : undefined;
      for (const problem of verdict?.problems ?? []) {
        if (!CERTIFICATE_PROBLEMS.has(problem.code)) continue;
        out.push({ ...base(e, problem, ctx), range: c.source.range, message: certificateMessage(problem, { url: e.url, port: e.port, remoteName: ctx.remoteName, path: c.path ?? c.subject }) });
      }
    }
  }
  for (const w of parse.warnings) if (w.file === file) out.push(warningDiagnostic(w, ctx));
  return out;
}

function base(e: DeclaredEndpoint, problem: Problem, ctx: RenderContext): Omit<Diagnostic, 'range' | 'message'> {
  const data: EndpointDiagnosticData = { url: e.url, port: e.port, folder: ctx.folder, code: problem.code, fixes: problem.fixes };
  return { severity: severityOf(problem), code: problem.code, source: DIAGNOSTIC_SOURCE, data };
}

function isEmpty(r: Range): boolean {
  return r.start.line === r.end.line && r.start.character === r.end.character;
}

function warningDiagnostic(w: DiscoveryWarning, ctx: RenderContext): Diagnostic {
  const line = Math.max(0, (w.line || 1) - 1);
  const text = ctx.lineText?.(line);
  const start = text ? text.length - text.trimStart().length : 0;
  const end = text ? Math.max(start, text.trimEnd().length) : 0;
  return {
    range: { start: { line, character: start }, end: { line, character: end } },
    severity: DiagnosticSeverity.Warning,
    code: DISCOVERY_WARNING_CODE,
    source: DIAGNOSTIC_SOURCE,
    message: displayText(`DevCert Doctor could not read the HTTPS endpoints here: ${w.message}`),
  };
}

/**
 * How `check` prints for people: one block per endpoint (verdict, certificate, who trusts it, each
 * problem with its fixes), then a summary line. Colour only on a TTY and never with NO_COLOR set
 * (https://no-color.org); JSON output never goes through here. What the server or the workspace chose
 * (subjects, names, URLs, paths, messages quoting them) goes through `displayText` before it is coloured.
 */
import * as path from 'node:path';
import { displayText } from '../core/io';
import type { DiscoveryWarning, DeclaredEndpoint } from '../core/endpoints';
import { acceptanceSummary, type EndpointVerdict } from '../core/check';

export interface Style { red(s: string): string; green(s: string): string; yellow(s: string): string; dim(s: string): string; bold(s: string): string }

export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const on = !!stream.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

const mark = (v: EndpointVerdict, st: Style) =>
  v.severity === 'ok' || v.problems.length === 0 ? st.green('✔ ok  ')
    : v.problems.some(p => p.severity === 'error') ? st.red('✖ fail') : st.yellow('! warn');

const yesNo = (b: boolean | undefined, st: Style) => (b ? st.green('yes') : st.red('no'));

function sourceText(v: EndpointVerdict, cwd: string): string {
  if (!v.source) return 'given on the command line';
  const rel = path.relative(cwd, v.source.file);
  return displayText(`${rel && !rel.startsWith('..') ? rel : v.source.file}:${v.source.line}`);
}

/** Wrap `text` at `width` columns, continuing lines with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

export function formatVerdicts(
  verdicts: EndpointVerdict[], st: Style,
  extra: {
    warnings?: DiscoveryWarning[]; trustStoreWarnings?: readonly string[]; notProbed?: DeclaredEndpoint[];
    cwd?: string; width?: number; elapsedMs?: number;
  } = {},
): string {
  const cwd = extra.cwd ?? process.cwd();
  const width = Math.max(60, Math.min(extra.width ?? 100, 120));
  const out: string[] = [];
  for (const v of verdicts) {
    out.push(`${mark(v, st)}  ${st.bold(displayText(v.url))}  ${st.dim(sourceText(v, cwd))}`);
    // Acceptance first: what each client will do, before how the chain anchors.
    if (v.accepts) out.push(`        clients      ${acceptanceSummary(v.accepts)}`);
    const c = v.certificate;
    if (c) {
      const tags = [
        c.isAspNetCoreDevCert ? `ASP.NET Core dev cert${c.aspNetCoreDevCertVersion !== undefined ? ` v${c.aspNetCoreDevCertVersion}` : ''}` : '',
        c.selfSigned ? 'self-signed' : '',
      ].filter(Boolean).join(', ');
      out.push(`        certificate  ${displayText(c.subject)}${tags ? ` (${tags})` : ''}`);
      out.push(`        issuer       ${displayText(c.issuer)}`);
      out.push(`        names        ${c.san.length ? displayText(c.san.join(', ')) : st.yellow('(no subjectAltName)')}`);
      out.push(`        valid        ${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)}   ${displayText(`${c.keyType.toUpperCase()}${c.keySize ? ` ${c.keySize}` : ''}, ${c.signatureAlgorithm}`)}`);
      out.push(`        thumbprint   SHA-1 ${c.sha1}`);
      const nss = v.trust.nss === undefined ? '' : `   browsers (NSS): ${yesNo(v.trust.nss, st)}`;
      out.push(`        chain trusted system: ${yesNo(v.trust.system, st)}   Node.js: ${yesNo(v.trust.node, st)}${nss}`);
    }
    const tls = [v.protocol, v.cipher, v.alpn ? `ALPN ${v.alpn}` : ''].filter(Boolean).join(', ');
    if (tls) out.push(`        handshake    ${displayText(tls)} in ${v.handshakeMs} ms`);
    if (v.httpStatus !== undefined) out.push(`        HTTP         ${v.httpStatus}`);
    for (const p of v.problems) {
      const sev = p.severity === 'error' ? st.red('✖') : p.severity === 'warning' ? st.yellow('!') : st.dim('i');
      // The first line also carries the code: wrap as if it were part of the text, then colour it.
      const text = wrap(`${p.code}: ${displayText(p.message)}`, width - 10, '          ');
      out.push(`      ${sev} ${st.bold(p.code)}${text.slice(p.code.length)}`);
      if (p.fixes.length) out.push(`          ${st.dim(`fix: ${p.fixes.join(', ')}`)}`);
    }
    if (v.clientCertificate) {
      const cc = v.clientCertificate;
      out.push(`        client cert  ${displayText(cc.certificate.subject)} (${displayText(cc.label)}), SHA-1 ${cc.certificate.sha1}`);
      for (const f of cc.findings) out.push(`          ${st.dim('·')} ${wrap(displayText(f.message), width - 12, '            ')}`);
    }
    for (const n of v.notes ?? []) out.push(`        ${st.dim(wrap(`note: ${displayText(n)}`, width - 8, '              '))}`);
    out.push('');
  }
  for (const ep of extra.notProbed ?? []) {
    const s = ep.sources[0];
    out.push(st.dim(displayText(`  –     ${ep.url} not probed: ${ep.host} is not this machine (pass --host ${ep.host} --port ${ep.port} to check it)${s?.file ? `  ${path.relative(cwd, s.file)}:${s.line}` : ''}`)));
  }
  for (const w of extra.warnings ?? []) out.push(st.yellow(displayText(`warning: ${path.relative(cwd, w.file) || w.file}:${w.line}: ${w.message}`)));
  for (const w of extra.trustStoreWarnings ?? []) out.push(st.yellow(displayText(`warning: trust store: ${w}`)));
  if ((extra.notProbed?.length ?? 0) + (extra.warnings?.length ?? 0) + (extra.trustStoreWarnings?.length ?? 0) > 0) out.push('');
  const failing = verdicts.filter(v => v.problems.length > 0).length;
  const took = extra.elapsedMs !== undefined ? ` in ${(extra.elapsedMs / 1000).toFixed(1)} s` : '';
  out.push(verdicts.length === 0
    ? 'No HTTPS endpoints to check.'
    : failing === 0
      ? st.green(`All ${verdicts.length} endpoint${verdicts.length === 1 ? '' : 's'} fine${took}.`)
      : st.red(`${failing} of ${verdicts.length} endpoint${verdicts.length === 1 ? '' : 's'} with problems${took}.`));
  return out.join('\n') + '\n';
}

/**
 * Hover on a declared URL / port / certificate path: what that endpoint serves, in the terms people
 * compare with other tools (subject, issuer, SANs, validity, the thumbprints Windows and netsh show),
 * who trusts it, and links that run the fixes. Pure: built from the state the server already holds.
 */
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { DeclaredCertificate, DeclaredEndpoint } from '../core/endpoints';
import type { CertificateSummary } from '../core/certs';
import { orderedFixes, type EndpointVerdict } from '../core/check';
import { markdownText } from '../core/io';
import { COMMANDS, type RunFixArgs, type ShowCertificateArgs } from '../protocol';
import type { FileParse } from './discovery';
import { fixTitle } from './wording';

export interface HoverContext {
  folder: string;
  remoteName?: string;
  verdictFor(e: DeclaredEndpoint): EndpointVerdict | undefined;
  checkedAt(e: DeclaredEndpoint): number | undefined;
  isChecking(e: DeclaredEndpoint): boolean;
  /** When the next automatic look is due (epoch ms), while nothing listens. */
  nextLookAt(e: DeclaredEndpoint): number | undefined;
  /** The endpoints serving a default certificate (Kestrel `Certificates:Default`). */
  usersOfDefault?(c: DeclaredCertificate): DeclaredEndpoint[];
  now?: number;
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/** The endpoints declared (or served a certificate declared) at `position` in `file`, and that range. */
export function endpointsAt(file: string, parse: FileParse, position: Position, ctx: Pick<HoverContext, 'usersOfDefault'> = {}): { endpoints: DeclaredEndpoint[]; range: Range } | undefined {
  for (const e of parse.endpoints) {
    for (const s of e.sources) if (s.file === file && contains(s.range, position)) return { endpoints: [e], range: s.range };
    for (const c of e.certificates) if (c.source.file === file && contains(c.source.range, position)) return { endpoints: [e], range: c.source.range };
  }
  for (const c of parse.certificates) {
    if (c.source.file !== file || !contains(c.source.range, position)) continue;
    const users = ctx.usersOfDefault?.(c) ?? [];
    if (users.length) return { endpoints: users, range: c.source.range };
  }
  return undefined;
}

export function hoverAt(file: string, parse: FileParse, position: Position, ctx: HoverContext): Hover | null {
  const hit = endpointsAt(file, parse, position, ctx);
  if (!hit) return null;
  const value = hit.endpoints.map(e => endpointMarkdown(e, ctx)).join('\n\n---\n\n');
  return { range: hit.range, contents: { kind: MarkupKind.Markdown, value } };
}

function commandLink(title: string, command: string, args?: unknown): string {
  const query = args === undefined ? '' : `?${encodeURIComponent(JSON.stringify([args]))}`;
  return `[${markdownText(title)}](command:${command}${query})`;
}

function time(ms: number): string { return new Date(ms).toLocaleTimeString('en-GB', { hour12: false }); }

function validity(c: CertificateSummary, now: number): string {
  const days = Math.floor((Date.parse(c.notAfter) - now) / 86_400_000);
  const n = (d: number) => `${d} day${d === 1 ? '' : 's'}`;
  const left = Number.isNaN(days) ? '' : days < 0 ? ` (expired ${n(-days)} ago)` : ` (${n(days)} left)`;
  return `${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)}${left}`;
}

function acceptanceLine(accepts: NonNullable<EndpointVerdict['accepts']>, remote: boolean): string {
  const word = (v: boolean | undefined) => v === undefined ? 'not checked' : v ? 'accept' : '**refuse**';
  return `Browsers: ${word(remote ? undefined : accepts.browsers)} · Node: ${word(accepts.node)} · curl/OpenSSL: ${word(accepts.system)}`;
}

function yesNo(v: boolean | undefined): string { return v === undefined ? 'not checked' : v ? 'yes' : '**no**'; }

function certificateTable(v: EndpointVerdict, now: number, remoteName?: string): string[] {
  const c = v.certificate!;
  const rows: Array<[string, string]> = [
    ['Subject', markdownText(c.subject)],
    ['Issuer', markdownText(c.issuer) + (c.selfSigned ? ' (self-signed)' : '')],
    ['Names (SAN)', c.san.length ? markdownText(c.san.join(', ')) : '**none** (only the subject CN)'],
    ['Valid', validity(c, now)],
    ['SHA-1', `\`${c.sha1}\``],
    ['SHA-256', `\`${c.sha256}\``],
    ['Key', markdownText(`${c.keyType}${c.keySize ? ` ${c.keySize}` : ''}, ${c.signatureAlgorithm}`)],
  ];
  if (c.isAspNetCoreDevCert) rows.push(['Kind', `ASP.NET Core development certificate${c.aspNetCoreDevCertVersion !== undefined ? ` (v${c.aspNetCoreDevCertVersion})` : ''}`]);
  rows.push(['Chain anchored for', `system: ${yesNo(v.trust.system)} · Node: ${yesNo(v.trust.node)} · browsers (NSS): ${yesNo(remoteName ? undefined : v.trust.nss)}`]);
  if (v.protocol) rows.push(['TLS', markdownText([v.protocol, v.cipher].filter(Boolean).join(', '))]);
  if (v.chain?.length) rows.push(['Chain', markdownText(v.chain.map(x => x.subject).join(' → '))]);
  return ['| | |', '|---|---|', ...rows.map(([k, val]) => `| ${k} | ${val} |`)];
}

export function endpointMarkdown(e: DeclaredEndpoint, ctx: HoverContext): string {
  const now = ctx.now ?? Date.now();
  const lines: string[] = [];
  const v = ctx.verdictFor(e);
  const where = e.sources.map(s => s.detail ? `${markdownText(s.detail)} (${s.kind})` : s.kind);
  const head = `**${markdownText(e.url)}**`;
  if (!e.loopback) {
    lines.push(`${head} — not on this machine, so DevCert Doctor does not probe it.`);
    return lines.join('\n\n');
  }
  if (!v) {
    lines.push(`${head} — ${ctx.isChecking(e) ? 'checking…' : 'not checked yet.'}`);
    return lines.join('\n\n');
  }
  const listening = !v.problems.some(p => p.code === 'not-listening');
  const state = !listening ? 'nothing listening' : v.problems.length === 0 ? 'trusted' : v.trusted ? 'trusted, with warnings' : 'not trusted';
  lines.push(`${head} — ${state}`);
  // Acceptance first: will each client connect? (The chain's anchors come later, in the table.)
  if (listening && v.accepts) lines.push(acceptanceLine(v.accepts, !!ctx.remoteName));
  if (where.length) lines.push(`Declared in: ${[...new Set(where)].join(', ')}`);
  if (v.certificate) lines.push(certificateTable(v, now, ctx.remoteName).join('\n'));
  const problems = v.problems.map(p => `- ${p.severity}: ${markdownText(p.message)}`);
  if (problems.length) lines.push(problems.join('\n'));
  if (!listening) {
    const next = ctx.nextLookAt(e);
    lines.push(`Start the server to have its certificate checked.${next ? ` Next automatic look in ${Math.max(1, Math.round((next - now) / 1000))} s.` : ''}`);
  }
  const fixes = orderedFixes(v.problems);
  const links = fixes.map(fix => {
    const args: RunFixArgs = { fix, url: e.url, port: e.port, folder: ctx.folder };
    return commandLink(fixTitle(fix, e.url, e.port), COMMANDS.repair, args);
  });
  if (v.certificate) links.push(commandLink('Certificate details', COMMANDS.showCertificate, { url: e.url, folder: ctx.folder } satisfies ShowCertificateArgs));
  links.push(commandLink('Check again', COMMANDS.checkNow));
  lines.push(links.join(' · '));
  const at = ctx.checkedAt(e);
  if (at) lines.push(`_Checked at ${time(at)}${v.handshakeMs ? `, handshake ${v.handshakeMs} ms` : ''}._`);
  return lines.join('\n\n');
}

/**
 * "Show certificate details": a read-only virtual Markdown document per endpoint, shown as its preview
 * only (one tab) and re-rendered whenever the verdict changes: which clients accept it, chain as sent,
 * SANs, validity, thumbprints, and who trusts it. Everything
 * the server or the workspace chose goes through `markdownText` (control, bidi and Markdown characters
 * escaped); the tool's own words and formatting are written as they are.
 */
import * as vscode from 'vscode';
import type { CertificateSummary } from '../../core/certs';
import type { EndpointVerdict } from '../../core/check';
import { markdownText } from '../../core/io';
import { remoteCaveat } from '../output';
import { problemSentence } from '../status';
import { isListening, type VerdictStore } from '../verdicts';

export const CERTIFICATE_SCHEME = 'devcert-doctor';

export function certificateUri(url: string): vscode.Uri {
  const name = url.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '-');
  return vscode.Uri.from({ scheme: CERTIFICATE_SCHEME, path: `/certificate/${name}.md`, query: `url=${encodeURIComponent(url)}` });
}

export class CertificateView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: VerdictStore) {
    // Open views follow new probe results — also a preview restored from an earlier session, whose
    // document this provider has not served yet in this one.
    this.sub = store.onDidChange(() => {
      const uris = new Set([...this.open, ...vscode.workspace.textDocuments.filter(d => d.uri.scheme === CERTIFICATE_SCHEME).map(d => d.uri.toString())]);
      for (const u of uris) this.changed.fire(vscode.Uri.parse(u));
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    this.open.add(uri.toString());
    const url = new URLSearchParams(uri.query).get('url') ?? '';
    return renderCertificateMarkdown(url, this.store.get(url));
  }

  /**
   * One tab: the rendered Markdown preview alone (asked again, the same preview comes to the front), or
   * the plain document where the built-in Markdown preview is missing.
   */
  async show(url: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(certificateUri(url));
    try {
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    } catch {
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return doc;
  }

  dispose(): void { this.sub.dispose(); this.changed.dispose(); }
}

const yes = () => vscode.l10n.t('yes');
const no = () => vscode.l10n.t('no');
function trustCell(v: boolean | undefined): string {
  return v === undefined ? vscode.l10n.t('not checked') : v ? `**${yes()}**` : `**${no()}**`;
}

function daysLeft(notAfter: string): number { return Math.floor((Date.parse(notAfter) - Date.now()) / 86_400_000); }

function certificateTable(c: CertificateSummary): string[] {
  const left = daysLeft(c.notAfter);
  const rows: Array<[string, string]> = [
    [vscode.l10n.t('Subject'), markdownText(c.subject)],
    [vscode.l10n.t('Issuer'), markdownText(c.issuer)],
    [vscode.l10n.t('Subject Alternative Names'), c.san.length ? markdownText(c.san.join(', ')) : vscode.l10n.t('none (browsers will reject the name)')],
    [vscode.l10n.t('Valid from'), c.notBefore],
    [vscode.l10n.t('Valid until'), `${c.notAfter} (${left >= 0 ? vscode.l10n.t('{0} days left', left) : vscode.l10n.t('expired {0} days ago', -left)})`],
    [vscode.l10n.t('SHA-1 thumbprint'), `\`${c.sha1}\``],
    [vscode.l10n.t('SHA-256 thumbprint'), `\`${c.sha256}\``],
    [vscode.l10n.t('Serial number'), `\`${c.serialNumber}\``],
    [vscode.l10n.t('Key'), markdownText(`${c.keyType}${c.keySize ? ` ${c.keySize}` : ''}`)],
    [vscode.l10n.t('Signature'), markdownText(c.signatureAlgorithm)],
    [vscode.l10n.t('Self-signed'), c.selfSigned ? yes() : no()],
    [vscode.l10n.t('Certificate authority'), c.isCa ? yes() : no()],
    [vscode.l10n.t('ASP.NET Core development certificate'), c.isAspNetCoreDevCert ? `${yes()}${c.aspNetCoreDevCertVersion !== undefined ? ` (v${c.aspNetCoreDevCertVersion})` : ''}` : no()],
    [vscode.l10n.t('Extended key usage'), c.extendedKeyUsage.length ? markdownText(c.extendedKeyUsage.join(', ')) : '—'],
  ];
  return [`| ${vscode.l10n.t('Field')} | ${vscode.l10n.t('Value')} |`, '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

export function renderCertificateMarkdown(url: string, v: EndpointVerdict | undefined): string {
  const out: string[] = [`# ${vscode.l10n.t('Certificate served by {0}', markdownText(url))}`, ''];
  if (!v) {
    out.push(vscode.l10n.t('This endpoint has not been checked yet. Run "DevCert: Check HTTPS endpoints now".'));
    return out.join('\n') + '\n';
  }
  const caveat = remoteCaveat();
  if (caveat) out.push(`> ${caveat}`, '');
  if (v.source?.file) out.push(vscode.l10n.t('Declared in {0}, line {1}.', markdownText(v.source.file), v.source.line), '');

  out.push(`## ${vscode.l10n.t('Verdict')}`, '');
  if (v.problems.length === 0) out.push(vscode.l10n.t('No problems: the certificate is trusted for this name.'));
  // The short sentence, then the long explanation (each client's error): said here and in the hover only.
  for (const p of v.problems) out.push(`- **${markdownText(problemSentence(p))}** ${markdownText(p.message)}`);
  out.push('');
  if (v.accepts && isListening(v)) {
    const cell = (x: boolean | undefined) => x === undefined ? vscode.l10n.t('not checked') : x ? `**${vscode.l10n.t('accepts')}**` : `**${vscode.l10n.t('refuses')}**`;
    out.push(`## ${vscode.l10n.t('Who accepts it')}`, '',
      `| ${vscode.l10n.t('Browsers')} | ${vscode.l10n.t('Node')} | ${vscode.l10n.t('curl/OpenSSL')} |`, '|---|---|---|',
      `| ${cell(caveat ? undefined : v.accepts.browsers)} | ${cell(v.accepts.node)} | ${cell(v.accepts.system)} |`, '');
  }

  if (!v.certificate) {
    out.push(isListening(v) ? vscode.l10n.t('No certificate was received.') : vscode.l10n.t('Nothing is listening there, so no certificate was received.'));
    return out.join('\n') + '\n';
  }
  out.push(`## ${vscode.l10n.t('Who trusts it')}`, '',
    `| ${vscode.l10n.t('Consumer')} | ${vscode.l10n.t('Trusts it')} |`, '|---|---|',
    `| ${vscode.l10n.t('System store (OpenSSL, curl, .NET on Linux)')} | ${trustCell(v.trust.system)} |`,
    `| ${vscode.l10n.t('Node.js (bundled roots + NODE_EXTRA_CA_CERTS)')} | ${trustCell(v.trust.node)} |`,
    `| ${vscode.l10n.t('Browsers (NSS database)')} | ${trustCell(caveat ? undefined : v.trust.nss)} |`, '');

  out.push(`## ${vscode.l10n.t('Leaf certificate')}`, '', ...certificateTable(v.certificate), '');
  out.push(`## ${vscode.l10n.t('Chain as sent by the server')}`, '');
  const chain = [v.certificate, ...(v.chain ?? [])];
  chain.forEach((c, i) => out.push(`${i + 1}. ${markdownText(c.subject)} ← ${markdownText(c.issuer)} (${vscode.l10n.t('until {0}', c.notAfter.slice(0, 10))}, SHA-1 \`${c.sha1}\`)`));
  if (chain.length === 1 && !v.certificate.selfSigned) out.push('', vscode.l10n.t('The server sent only its own certificate: clients must already have every intermediate.'));
  out.push('');
  out.push(`## ${vscode.l10n.t('Connection')}`, '',
    `- ${vscode.l10n.t('Protocol')}: ${v.protocol ? markdownText(v.protocol) : '—'}`,
    `- ${vscode.l10n.t('Cipher')}: ${v.cipher ? markdownText(v.cipher) : '—'}`,
    `- ${vscode.l10n.t('ALPN')}: ${v.alpn ? markdownText(v.alpn) : '—'}`,
    `- ${vscode.l10n.t('Handshake')}: ${v.handshakeMs.toFixed(1)} ms`);
  if (v.httpStatus !== undefined) out.push(`- ${vscode.l10n.t('HTTP status of the test request')}: ${v.httpStatus}`);
  return out.join('\n') + '\n';
}

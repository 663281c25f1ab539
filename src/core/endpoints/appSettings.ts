/**
 * `appsettings*.json` (ASP.NET Core configuration; keys are case-insensitive, as .NET reads them).
 *
 * Read: `Kestrel:Endpoints:<Name>:Url` (https only) with that endpoint's `Certificate`
 * (`Path`/`Password`, `Path`/`KeyPath`, `Subject`/`Store`/`Location`/`AllowInvalid`), its `Sni:<host>:Certificate`
 * and `ClientCertificateMode`; `Kestrel:Certificates:Default` (→ defaultCertificates); a top-level `Urls`
 * (`;` list) and `HTTPS_PORTS` (.NET 8: Kestrel listens on https://*:PORT).
 * Ignored on purpose: `https_port` / `HttpsRedirection:HttpsPort` (where HTTPS redirection points, not
 * a listener), CORS and client origins (`AllowedOrigins`, `Cors:*`, `ClientUrl`), identity settings
 * (`Authority`, `Issuer`, `RedirectUris`...), reverse-proxy clusters, http endpoints. Passwords are
 * never kept: only `hasPassword`.
 */
import { Collector, resolveCertPath, type ParseOutput } from './collect';
import { entries, locateString, locateValue, parseJsonc, path as jsonPath, prop, stringValue, valueSpan, type JsonNode } from './jsonTree';
import type { DeclaredCertificate } from './types';

export function parseAppSettings(file: string, text: string): ParseOutput {
  const { root, lines, warnings } = parseJsonc(file, text);
  const c = new Collector(file, 'appsettings.json', text, lines);
  c.out.warnings.push(...warnings);

  const kestrel = prop(root, 'Kestrel', true);
  for (const [name, ep] of entries(prop(kestrel, 'Endpoints', true), true)) readKestrelEndpoint(c, file, text, name, ep);

  const def = jsonPath(kestrel, ['Certificates', 'Default'], true);
  const defCert = readCertificate(c, file, text, def, 'Kestrel:Certificates:Default');
  if (defCert) c.out.certificates.push(defCert);

  const urls = prop(root, 'Urls', true);
  if (urls?.type === 'string') c.urlList(locateString(text, urls)!, 'Urls');
  const httpsPorts = locateValue(text, prop(root, 'HTTPS_PORTS', true));
  if (httpsPorts) c.portList(httpsPorts, 'HTTPS_PORTS');
  return c.out;
}

function readKestrelEndpoint(c: Collector, file: string, text: string, name: string, ep: JsonNode): void {
  const url = prop(ep, 'Url', true);
  if (url?.type !== 'string') return;
  const detail = `Kestrel:Endpoints:${name}`;
  const endpoint = c.url(locateString(text, url)!, detail);
  if (!endpoint) return;
  const cert = readCertificate(c, file, text, prop(ep, 'Certificate', true), `${detail}:Certificate`);
  if (cert) endpoint.certificates.push(cert);
  for (const [host, sni] of entries(prop(ep, 'Sni', true), true)) {
    const sniCert = readCertificate(c, file, text, prop(sni, 'Certificate', true), `${detail}:Sni:${host}:Certificate`);
    if (sniCert) endpoint.certificates.push(sniCert);
  }
  const mode = stringValue(prop(ep, 'ClientCertificateMode', true));
  if (mode) endpoint.clientCertificateMode = mode;
}

/** A Kestrel certificate section; its source range is the Path (or Subject) value, else the section. */
function readCertificate(c: Collector, file: string, text: string, node: JsonNode | undefined, detail: string): DeclaredCertificate | undefined {
  if (!node || node.type !== 'object') return undefined;
  const pathNode = prop(node, 'Path', true);
  const subjectNode = prop(node, 'Subject', true);
  const anchor = pathNode ?? subjectNode ?? node;
  const [start, end] = valueSpan(anchor);
  const cert: DeclaredCertificate = { source: c.source(start, end, detail) };
  const p = stringValue(pathNode);
  if (p) cert.path = resolveCertPath(file, p);
  const keyPath = stringValue(prop(node, 'KeyPath', true));
  if (keyPath) cert.keyPath = resolveCertPath(file, keyPath);
  // Templates leave `"Password": ""` as a placeholder: only a non-empty value means one is configured.
  const password = prop(node, 'Password', true);
  if (password && password.type === 'string' && password.value !== '') cert.hasPassword = true;
  const subject = stringValue(subjectNode);
  if (subject) cert.subject = subject;
  const store = stringValue(prop(node, 'Store', true));
  if (store) cert.store = store;
  const location = stringValue(prop(node, 'Location', true));
  if (location) cert.location = location;
  const allowInvalid = prop(node, 'AllowInvalid', true);
  if (allowInvalid?.type === 'boolean') cert.allowInvalid = allowInvalid.value === true;
  else if (allowInvalid?.type === 'string') cert.allowInvalid = String(allowInvalid.value).toLowerCase() === 'true';
  // A section with none of the keys (e.g. `"Certificate": {}`) declares nothing.
  if (!cert.path && !cert.subject) return undefined;
  return cert;
}

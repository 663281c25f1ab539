/**
 * `angular.json` (also Nx-style `targets`): the dev server of each project.
 *
 * Read: `projects.<p>.architect.serve.options` and each of `serve.configurations.<c>` layered over
 * those options, as `ng serve -c <c>` does: `ssl: true` → https://HOST:PORT (port default 4200, host
 * default localhost), `sslCert` / `sslKey` → the certificate (relative to angular.json's folder).
 * The range is the effective `port` value when one is written, else the `ssl` value. A configuration
 * that changes nothing the dev server listens with adds no second source.
 * Ignored on purpose: `proxyConfig` (proxy.conf.json targets are upstreams, not listeners), `publicHost`,
 * `allowedHosts`, other targets (`build`, `test`, `e2e`).
 */
import { Collector, resolveCertPath, type ParseOutput } from './collect';
import { entries, parseJsonc, prop, stringValue, valueSpan, type JsonNode } from './jsonTree';
import { parsePort } from './url';

export function parseAngularJson(file: string, text: string): ParseOutput {
  const { root, lines, warnings } = parseJsonc(file, text);
  const c = new Collector(file, 'angular.json', text, lines);
  c.out.warnings.push(...warnings);
  for (const [project, node] of entries(prop(root, 'projects'))) {
    const serve = prop(prop(node, 'architect') ?? prop(node, 'targets'), 'serve');
    if (!serve) continue;
    const options = prop(serve, 'options');
    const seen = new Set<string>();
    readServe(c, file, [options], `${project}:serve`, seen);
    for (const [name, conf] of entries(prop(serve, 'configurations'))) readServe(c, file, [options, conf], `${project}:serve:${name}`, seen);
  }
  return c.out;
}

/** The effective value of `key` across option layers (later layers win) and the node it came from. */
function effective(layers: Array<JsonNode | undefined>, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const l of layers) found = prop(l, key) ?? found;
  return found;
}

const LISTEN_KEYS = ['ssl', 'port', 'host', 'sslCert', 'sslKey'];

function readServe(c: Collector, file: string, layers: Array<JsonNode | undefined>, detail: string, seen: Set<string>): void {
  const ssl = effective(layers, 'ssl');
  if (ssl?.type !== 'boolean' || ssl.value !== true) return;
  // Which nodes decide how it listens; the same nodes again (a configuration that only changes the
  // build target) is the same declaration.
  const signature = LISTEN_KEYS.map((k) => effective(layers, k)?.offset ?? -1).join(',');
  if (seen.has(signature)) return;
  seen.add(signature);
  const portNode = effective(layers, 'port');
  const port = portNode === undefined ? 4200
    : portNode.type === 'number' ? parsePort(String(portNode.value)) : undefined;
  if (port === undefined) return; // port 0 (pick a free one) or not a literal
  const host = stringValue(effective(layers, 'host')) ?? 'localhost';
  const [start, end] = valueSpan(portNode ?? ssl);
  const endpoint = c.port(port, start, end, detail, host);
  const certNode = effective(layers, 'sslCert');
  const keyNode = effective(layers, 'sslKey');
  const anchor = certNode ?? keyNode;
  if (anchor) {
    const [s, e] = valueSpan(anchor);
    const cert: ParseOutput['certificates'][number] = { source: c.source(s, e, detail) };
    const certPath = stringValue(certNode);
    const keyPath = stringValue(keyNode);
    if (certPath) cert.path = resolveCertPath(file, certPath);
    if (keyPath) cert.keyPath = resolveCertPath(file, keyPath);
    endpoint.certificates.push(cert);
  }
}

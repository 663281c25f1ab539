/**
 * Parser for `netsh http show sslcert [ipport=IP:PORT]`.
 *
 * netsh prints its labels in the display language of Windows ("Certificate Hash", "Zertifikathash",
 * "Hachage du certificat", ...) and in the console's OEM code page, so labels are never read here.
 * Each line is reduced to its value (the last whitespace-separated token) and classified by shape:
 *   - an endpoint `0.0.0.0:44300`, `[::]:443` or `host.name:443` starts a new binding record,
 *   - the first 40-hex value in a record is the certificate hash,
 *   - the first `{GUID}` in a record is the application id.
 * "No binding" is the absence of a hash for the endpoint: the "cannot find the file" message is
 * localized too, so it is not matched.
 * Output format reference: Microsoft's `show sslcert` documentation and its published sample output
 * (indented "Label : value" lines, one block per binding, blocks separated by blank lines).
 */

export interface NetshSslBinding {
  /** The endpoint as netsh prints it: `0.0.0.0:44300`, `[::]:443`, `localhost:443`. */
  endpoint: string;
  /** `ipport` for IP bindings, `hostnameport` for SNI bindings. */
  kind: 'ipport' | 'hostnameport';
  host: string;
  port: number;
  /** Upper-case hex, as Windows shows thumbprints. Absent when the block had none (not a usable binding). */
  certHash?: string;
  /** `{lower-case guid}`. */
  appId?: string;
}

const HASH = /^[0-9a-fA-F]{40}$/;
const GUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const IPV4_PORT = /^((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})$/;
const IPV6_PORT = /^(\[[0-9a-fA-F:.%]+\]):(\d{1,5})$/;
// A host name needs at least one letter so that a time ("12:30") or a bare number never passes as one.
const HOST_PORT = /^([A-Za-z0-9*](?:[A-Za-z0-9*.-]*[A-Za-z][A-Za-z0-9.-]*)?):(\d{1,5})$/;

function classifyEndpoint(value: string): Pick<NetshSslBinding, 'kind' | 'host' | 'port'> | undefined {
  const m = IPV4_PORT.exec(value) ?? IPV6_PORT.exec(value);
  if (m) return { kind: 'ipport', host: m[1], port: Number(m[2]) };
  const h = HOST_PORT.exec(value);
  if (h) return { kind: 'hostnameport', host: h[1], port: Number(h[2]) };
  return undefined;
}

/** Every binding block in the output, in order. Lines that match no shape are ignored. */
export function parseNetshShowSslcert(output: string): NetshSslBinding[] {
  const bindings: NetshSslBinding[] = [];
  let current: NetshSslBinding | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    // The value follows the last " : " when there is one; otherwise take the last token.
    const tokens = line.split(/\s+/);
    const value = tokens[tokens.length - 1];
    // A value on its own (no label) would be a continuation; netsh always prints "label : value".
    if (tokens.length < 2) continue;
    const endpoint = classifyEndpoint(value);
    if (endpoint && Number(endpoint.port) <= 65535) {
      current = { endpoint: value, ...endpoint };
      bindings.push(current);
      continue;
    }
    if (!current) continue;
    if (!current.certHash && HASH.test(value)) current.certHash = value.toUpperCase();
    else if (!current.appId && GUID.test(value)) current.appId = value.toLowerCase();
  }
  return bindings;
}

/** The binding for one endpoint (e.g. `0.0.0.0:44300`), if it exists and carries a certificate hash. */
export function findBinding(bindings: readonly NetshSslBinding[], endpoint: string): NetshSslBinding | undefined {
  const wanted = endpoint.toLowerCase();
  return bindings.find(b => b.endpoint.toLowerCase() === wanted && b.certHash !== undefined);
}

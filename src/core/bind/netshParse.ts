/**
 * Parser for `netsh http show sslcert [ipport=IP:PORT]`.
 *
 * netsh prints its labels in the display language of Windows ("Certificate Hash", "Zertifikathash",
 * "Hachage du certificat", "証明書ハッシュ", ...) and in the console's OEM code page, so the documented
 * fields are never found by label. Each line is "label : value"; the value is read by its shape and by
 * the fixed order of the fields:
 *   - an endpoint `0.0.0.0:44300`, `[::]:443` or `host.name:443` starts a new binding record,
 *   - the first 40-hex value in a record is the certificate hash, the `{GUID}` after it the application id,
 *   - then the ten documented parameters of `add sslcert`, one line each, in their documented order
 *     (sslcertSettings.ts), each checked against the shape it must have;
 *   - then the newer switches, whose set and order differ by Windows build: only their English labels
 *     tell them apart, so a switch that is set under a label not known here (a localized Windows) is
 *     reported in `unread`, never guessed;
 *   - an "Extended Properties:" heading (a label without a value) ends what netsh can set again: the
 *     properties below it are made through the HTTP Server API only.
 * Values are netsh's own words, which it prints in English in every display language (the labels are
 * what is translated): Enabled/Disabled, Set/Not Set, (null). A value in any other form is reported in
 * `unread` rather than turned into a setting.
 * "No binding" is the absence of a hash for the endpoint: the "cannot find the file" message is
 * localized too, so it is not matched.
 * Output format reference: Microsoft's `show sslcert` and `add sslcert` documentation and its published
 * sample output (indented "Label : value" lines, one block per binding, blocks separated by blank lines).
 */
import { DOCUMENTED_SSLCERT_PARAMS, SSLCERT_SWITCHES, sslcertValueFits, type SslcertSettings } from './sslcertSettings';

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
  /** Everything else `netsh http add sslcert` needs to make this binding again, as its parameters. */
  settings: SslcertSettings;
  /** Lines whose setting could not be read (a value of an unexpected form, a set switch under an unknown label), as printed. */
  unread: string[];
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

/** netsh's words for a documented enable/disable parameter. */
const FLAG_WORDS: Record<string, string> = { enabled: 'enable', disabled: 'disable' };
/** netsh's words for a newer switch: on or off. */
const SWITCH_WORDS: Record<string, boolean> = { set: true, 'not set': false, enabled: true, disabled: false };
const SWITCH_BY_LABEL = new Map<string, string>(SSLCERT_SWITCHES.map(s => [s.label.toLowerCase(), s.name]));

/**
 * "label : value" split at the first " :" — labels hold no such separator, endpoints ("IP:port",
 * "0.0.0.0:443") have no space before their colon. undefined for a line that is not one (a heading).
 */
function labelled(line: string): { label: string; value: string } | undefined {
  const m = /^(.*?\S)\s+:(?:\s+(.*))?$/.exec(line);
  return m ? { label: m[1], value: (m[2] ?? '').trim() } : undefined;
}

/** Where a record's reading is: looking for its hash, its app id, the documented parameter `i`, the switches, done. */
type Stage = { at: 'hash' } | { at: 'appid' } | { at: 'param'; i: number } | { at: 'switches' } | { at: 'extended' };

/** One value in its place: the record's fields and `unread` change; returns where reading goes on. */
function readValue(b: NetshSslBinding, stage: Stage, line: string, label: string, value: string): Stage {
  switch (stage.at) {
    case 'hash':
      if (!HASH.test(value)) return stage;
      b.certHash = value.toUpperCase();
      return { at: 'appid' };
    case 'appid':
      if (GUID.test(value)) { b.appId = value.toLowerCase(); return { at: 'param', i: 0 }; }
      b.unread.push(line);
      return { at: 'param', i: 0 };
    case 'param': {
      const p = DOCUMENTED_SSLCERT_PARAMS[stage.i];
      const next: Stage = stage.i + 1 < DOCUMENTED_SSLCERT_PARAMS.length ? { at: 'param', i: stage.i + 1 } : { at: 'switches' };
      // "(null)": not set, netsh's default applies; 0 is the default of the two timings (and not what an add should name).
      if (value === '(null)' || value === '' || (p.shape === 'uint' && value === '0')) return next;
      const v = p.shape === 'flag' ? FLAG_WORDS[value.toLowerCase()] : value;
      if (v !== undefined && sslcertValueFits(p.name, v)) b.settings[p.name] = v;
      else b.unread.push(line);
      return next;
    }
    case 'switches': {
      const on = SWITCH_WORDS[value.toLowerCase()];
      if (on === false) return stage;
      const name = SWITCH_BY_LABEL.get(label.toLowerCase());
      if (on === true && name) b.settings[name as keyof SslcertSettings] = 'enable';
      else b.unread.push(line);
      return stage;
    }
    case 'extended':
      return stage;
  }
}

/** Every binding block in the output, in order. Lines before the first endpoint are ignored. */
export function parseNetshShowSslcert(output: string): NetshSslBinding[] {
  const bindings: NetshSslBinding[] = [];
  let current: NetshSslBinding | undefined;
  let stage: Stage = { at: 'hash' };
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const field = labelled(line);
    if (!field) {
      // A heading ("Extended Properties:"): what follows is not something netsh can set.
      if (current && /:$/.test(line) && (stage.at === 'param' || stage.at === 'switches')) stage = { at: 'extended' };
      continue;
    }
    const endpoint = classifyEndpoint(field.value);
    if (endpoint && endpoint.port <= 65535) {
      current = { endpoint: field.value, ...endpoint, settings: {}, unread: [] };
      bindings.push(current);
      stage = { at: 'hash' };
      continue;
    }
    if (!current) continue;
    stage = readValue(current, stage, line, field.label, field.value);
  }
  return bindings;
}

/** The binding for one endpoint (e.g. `0.0.0.0:44300`), if it exists and carries a certificate hash. */
export function findBinding(bindings: readonly NetshSslBinding[], endpoint: string): NetshSslBinding | undefined {
  const wanted = endpoint.toLowerCase();
  return bindings.find(b => b.endpoint.toLowerCase() === wanted && b.certHash !== undefined);
}

/**
 * IIS Express `applicationhost.config` (`.vs/config/` and `.vs/<solution>/config/`).
 *
 * Read: each `<binding protocol="https" bindingInformation="IP:PORT:HOST">` inside
 * `<sites><site><bindings>`; the range is the bindingInformation value. An empty or `*` IP with a host
 * name names that host; with no host name the binding answers on every name (host `*`, probed as localhost).
 * Ignored on purpose: `http` bindings (even on 44300–44399), bindings outside a site (there are none
 * in the schema, but a copy-pasted fragment is not a listener), and anything in XML comments.
 */
// saxes is loaded when an applicationhost.config is first read: its start-up (character tables) is not
// paid by a process that reads none.
const saxes = () => require('saxes') as typeof import('saxes');
import { Collector, type ParseOutput } from './collect';
import { LineIndex } from './text';
import { parsePort } from './url';

export function parseApplicationHostConfig(file: string, text: string): ParseOutput {
  const lines = new LineIndex(text);
  const c = new Collector(file, 'applicationhost.config', text, lines);
  const parser = new (saxes().SaxesParser)({ position: true });
  const open: string[] = [];
  let siteName: string | undefined;
  let tagStart = 0;
  let failed = false;

  parser.on('error', (err) => {
    // saxes keeps going after an error; the first one is where the file stops being XML.
    if (!failed) c.warn(Math.min(parser.position, text.length), `not valid XML: ${err.message.replace(/^[^:]*:\d+:\d+: /, '')}`);
    failed = true;
  });
  parser.on('opentagstart', () => {
    tagStart = text.lastIndexOf('<', Math.max(0, parser.position - 1));
  });
  parser.on('opentag', (tag) => {
    const name = tag.name;
    if (name === 'site') siteName = typeof tag.attributes.name === 'string' ? tag.attributes.name : undefined;
    if (name === 'binding' && open.at(-1) === 'bindings' && open.at(-2) === 'site') {
      readBinding(c, text, tagStart, parser.position, tag.attributes as Record<string, string>, siteName);
    }
    if (!tag.isSelfClosing) open.push(name);
  });
  parser.on('closetag', (tag) => {
    if (open.at(-1) === tag.name) open.pop();
    if (tag.name === 'site') siteName = undefined;
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (!failed) c.warn(Math.min(parser.position, text.length), `not valid XML: ${(err as Error).message}`);
  }
  return c.out;
}

function readBinding(
  c: Collector, text: string, tagStart: number, tagEnd: number, attrs: Record<string, string>, site: string | undefined,
): void {
  if ((attrs.protocol ?? '').toLowerCase() !== 'https') return;
  const info = attrs.bindingInformation;
  if (info === undefined) return;
  // Find where the value is written so the range covers it exactly (saxes gives values, not offsets).
  const tagText = text.slice(tagStart, tagEnd);
  const m = /\sbindingInformation\s*=\s*(["'])([^"']*)\1/.exec(tagText);
  if (!m) return;
  const valueStart = tagStart + m.index + m[0].length - 1 - m[2].length;
  const parsed = parseBindingInformation(m[2]);
  if (!parsed) {
    c.warn(valueStart, `bindingInformation "${m[2]}" is not IP:PORT:HOST`);
    return;
  }
  const detail = site ? `site ${site}` : undefined;
  c.port(parsed.port, valueStart, valueStart + m[2].length, detail, parsed.host);
}

/**
 * `IP:PORT:HOST`, where IP may be empty, `*`, IPv4 or bracketed IPv6, and HOST may be empty.
 * The host name decides which name the binding answers; without one, the IP decides.
 */
export function parseBindingInformation(info: string): { ip: string; port: number; host: string } | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+):(.*)$/.exec(info.trim());
  if (!m) return undefined;
  const port = parsePort(m[2]);
  if (port === undefined) return undefined;
  const ip = m[1];
  const hostName = m[3].trim();
  const host = hostName !== '' ? hostName : ip === '' ? '*' : ip;
  return { ip, port, host };
}

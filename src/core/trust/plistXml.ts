/**
 * A small reader for XML property lists (Apple's "plist 1.0" DTD): the format `security trust-settings-export`
 * writes. It reads the shapes plists have — dict (key, value pairs), array, string, integer, real, true/false,
 * date, data — and nothing else, so a file that is not one is a PlistError, never a guess.
 *
 * Bounded, because the file is another program's output that anything on the machine could have written:
 * the text is capped in length, nesting in depth and elements in count, every scan moves forward (indexOf
 * from the current position, no backtracking patterns), and nesting is an explicit stack, never recursion.
 * No DTD is read (the DOCTYPE is skipped; an internal subset, which could define entities, is refused) and
 * only XML's five named entities and numeric references are decoded. Dicts are Maps, so a key such as
 * `__proto__` is just a key.
 */

export type PlistValue = string | number | boolean | Buffer | Date | PlistValue[] | PlistDict;
export type PlistDict = Map<string, PlistValue>;

export class PlistError extends Error {
  override readonly name = 'PlistError';
}

export interface PlistLimits {
  /** Longest text read (characters). */
  maxChars: number;
  /** Deepest nesting of dicts and arrays. */
  maxDepth: number;
  /** Most elements in the whole document. */
  maxElements: number;
}

/** Trust settings exports are kilobytes (the system domain's, all roots, well under a megabyte). */
export const DEFAULT_PLIST_LIMITS: PlistLimits = { maxChars: 8 * 1024 * 1024, maxDepth: 32, maxElements: 200_000 };

const LEAVES = new Set(['key', 'string', 'integer', 'real', 'date', 'data']);

type Container =
  | { kind: 'plist'; value?: PlistValue }
  | { kind: 'dict'; map: PlistDict; key?: string }
  | { kind: 'array'; list: PlistValue[] };

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's five named entities and numeric references; a bare `&` (or anything else) is an error. */
const ENTITY = /&([^;&\s<]{0,10});|&/g;

function decodeText(raw: string): string {
  if (raw.includes('<')) throw new PlistError('markup inside a text element');
  return raw.replace(ENTITY, (_, name: string | undefined) => {
    if (name === undefined) throw new PlistError('a bare & in text');
    if (NAMED_ENTITIES[name]) return NAMED_ENTITIES[name];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|(\d{1,7}))$/.exec(name);
    const code = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
    if (!(code >= 0x9 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw new PlistError(`unknown entity &${name};`);
    return String.fromCodePoint(code);
  });
}

function leafValue(name: string, text: string): PlistValue {
  switch (name) {
    case 'key':
    case 'string': return text;
    case 'integer': {
      const t = text.trim();
      if (!/^[+-]?\d{1,16}$/.test(t) || !Number.isSafeInteger(Number(t))) throw new PlistError(`not an integer: ${t.slice(0, 40)}`);
      return Number(t);
    }
    case 'real': {
      const n = Number(text.trim());
      if (!text.trim() || !Number.isFinite(n)) throw new PlistError(`not a real: ${text.trim().slice(0, 40)}`);
      return n;
    }
    case 'date': {
      const t = text.trim();
      const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(t) ? new Date(t) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw new PlistError(`not a plist date: ${t.slice(0, 40)}`);
      return d;
    }
    default: { // data
      const b64 = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new PlistError('data is not base64');
      return Buffer.from(b64, 'base64');
    }
  }
}

/** Parse an XML plist; its root value (inside `<plist>`, or a bare top-level value). */
export function parsePlistXml(text: string, limits: Partial<PlistLimits> = {}): PlistValue {
  const lim = { ...DEFAULT_PLIST_LIMITS, ...limits };
  if (text.length > lim.maxChars) throw new PlistError(`longer than ${lim.maxChars} characters`);
  const stack: Container[] = [];
  let root: PlistValue | undefined;
  let elements = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const place = (value: PlistValue) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root !== undefined) throw new PlistError('more than one top-level value');
      root = value;
    } else if (top.kind === 'array') top.list.push(value);
    else if (top.kind === 'dict') {
      if (top.key === undefined) throw new PlistError('a dict value without its <key>');
      top.map.set(top.key, value);
      top.key = undefined;
    } else {
      if (top.value !== undefined) throw new PlistError('more than one value in <plist>');
      top.value = value;
    }
  };
  const skipTo = (marker: string, what: string) => {
    const end = text.indexOf(marker, i);
    if (end < 0) throw new PlistError(`unterminated ${what}`);
    i = end + marker.length;
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const between = text.slice(i, lt < 0 ? text.length : lt);
    if (between.trim()) throw new PlistError('text outside an element');
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) { skipTo('?>', 'processing instruction'); continue; }
    if (text.startsWith('<!--', i)) { skipTo('-->', 'comment'); continue; }
    if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) throw new PlistError('unterminated declaration');
      if (text.slice(i, end).includes('[')) throw new PlistError('a DTD internal subset is not read');
      i = end + 1;
      continue;
    }
    const gt = text.indexOf('>', i);
    if (gt < 0) throw new PlistError('unterminated tag');
    const tag = text.slice(i + 1, gt);
    i = gt + 1;
    if (++elements > lim.maxElements) throw new PlistError(`more than ${lim.maxElements} elements`);

    const close = /^\/([a-z]+)\s*$/.exec(tag);
    if (close) {
      const top = stack.pop();
      if (!top || top.kind !== close[1]) throw new PlistError(`unexpected </${close[1]}>`);
      if (top.kind === 'dict' && top.key !== undefined) throw new PlistError(`<key>${top.key.slice(0, 40)}</key> without a value`);
      if (top.kind === 'plist') {
        if (top.value === undefined) throw new PlistError('an empty <plist>');
        place(top.value);
      } else place(top.kind === 'dict' ? top.map : top.list);
      continue;
    }
    const open = /^([a-z]+)(\s[^<>]*?)?(\/)?$/.exec(tag);
    if (!open) throw new PlistError(`not a plist tag: <${tag.slice(0, 40)}>`);
    const [, name, , selfClosing] = open;
    if (name === 'true' || name === 'false') {
      if (!selfClosing) skipTo(`</${name}>`, `<${name}>`);
      place(name === 'true');
      continue;
    }
    if (name === 'plist' || name === 'dict' || name === 'array') {
      if (name === 'plist' && stack.length) throw new PlistError('a <plist> inside a value');
      const container: Container = name === 'plist' ? { kind: 'plist' } : name === 'dict' ? { kind: 'dict', map: new Map() } : { kind: 'array', list: [] };
      if (selfClosing) {
        if (container.kind === 'plist') throw new PlistError('an empty <plist>');
        place(container.kind === 'dict' ? container.map : container.list);
        continue;
      }
      if (stack.length >= lim.maxDepth) throw new PlistError(`nested deeper than ${lim.maxDepth}`);
      stack.push(container);
      continue;
    }
    if (!LEAVES.has(name)) throw new PlistError(`unknown element <${name}>`);
    let raw = '';
    if (!selfClosing) {
      const end = text.indexOf(`</${name}>`, i);
      if (end < 0) throw new PlistError(`unterminated <${name}>`);
      raw = text.slice(i, end);
      i = end + name.length + 3;
    }
    const value = leafValue(name, decodeText(raw));
    const top = stack[stack.length - 1];
    if (name === 'key') {
      if (top?.kind !== 'dict') throw new PlistError('a <key> outside a dict');
      if (top.key !== undefined) throw new PlistError('two <key>s in a row');
      top.key = value as string;
    } else place(value);
  }
  if (stack.length) throw new PlistError(`unclosed <${stack[stack.length - 1].kind}>`);
  if (root === undefined) throw new PlistError('no plist value');
  return root;
}

/** `value` when it is a dict, else undefined: readers check each level's shape instead of trusting it. */
export const plistDict = (value: PlistValue | undefined): PlistDict | undefined => value instanceof Map ? value : undefined;
export const plistArray = (value: PlistValue | undefined): PlistValue[] | undefined => Array.isArray(value) ? value : undefined;

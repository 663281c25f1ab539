/**
 * The JSONC reading every JSON-based format shares: parse with jsonc-parser (comments, trailing
 * commas, offsets), turn its errors into warnings with a line, look properties up the way the
 * consuming runtime does (last duplicate wins; .NET configuration is case-insensitive), and locate
 * string values character by character so a range can cover one item of a `;` list.
 */
import type { Node, ParseError } from 'jsonc-parser';
import type { DiscoveryWarning } from './types';
import { LineIndex, type LocatedString } from './text';

export type { Node as JsonNode } from 'jsonc-parser';

export interface ParsedJson {
  root: Node | undefined;
  lines: LineIndex;
  warnings: DiscoveryWarning[];
}

/**
 * jsonc-parser, loaded when a JSON file is first read: initializing it builds ~250 KB of indentation
 * strings for its formatter, which a process that reads no workspace file (`check --port`) need not pay.
 */
const jsonc = () => require('jsonc-parser') as typeof import('jsonc-parser');

export function parseJsonc(file: string, text: string): ParsedJson {
  // Visual Studio writes launchSettings.json with a BOM; jsonc-parser reports it as an invalid symbol.
  // A space keeps every offset where it was.
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const lines = new LineIndex(text);
  const warnings: DiscoveryWarning[] = [];
  // An empty file (a launch.json just created) declares nothing; it is not broken.
  if (source.trim() === '') return { root: undefined, lines, warnings };
  const errors: ParseError[] = [];
  const root = jsonc().parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  // One warning per file is enough to send someone to the right line; later errors are usually
  // consequences of the first.
  if (errors.length > 0) {
    const e = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    warnings.push({
      file,
      line: lines.lineAt(e.offset),
      message: `not valid JSON: ${describeError(e)}${more}; values were read as far as the parser could recover`,
    });
  }
  return { root, lines, warnings };
}

function describeError(e: ParseError): string {
  const code = jsonc().printParseErrorCode(e.error);
  // The codes are CamelCase identifiers ("CommaExpected"); make them read like words.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The value node of property `key` on an object node; the last duplicate wins, as JSON.parse does. */
export function prop(obj: Node | undefined, key: string, caseInsensitive = false): Node | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  const want = caseInsensitive ? key.toLowerCase() : key;
  let found: Node | undefined;
  for (const p of obj.children) {
    const k = p.children?.[0];
    if (!k || typeof k.value !== 'string') continue;
    const name = caseInsensitive ? k.value.toLowerCase() : k.value;
    if (name === want) found = p.children?.[1];
  }
  return found;
}

/** Each property of an object node once (last duplicate wins), in file order of the winners. */
export function entries(obj: Node | undefined, caseInsensitive = false): Array<[string, Node]> {
  if (!obj || obj.type !== 'object' || !obj.children) return [];
  const byKey = new Map<string, [string, Node]>();
  for (const p of obj.children) {
    const k = p.children?.[0];
    const v = p.children?.[1];
    if (!k || !v || typeof k.value !== 'string') continue;
    const id = caseInsensitive ? k.value.toLowerCase() : k.value;
    byKey.delete(id);
    byKey.set(id, [k.value, v]);
  }
  return [...byKey.values()].sort((a, b) => a[1].offset - b[1].offset);
}

export function path(node: Node | undefined, keys: string[], caseInsensitive = false): Node | undefined {
  let n = node;
  for (const k of keys) n = prop(n, k, caseInsensitive);
  return n;
}

export function stringValue(node: Node | undefined): string | undefined {
  return node && node.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

/**
 * A string node's value with the text offset of each character. Escapes (`\u0068`, `\/`) make the
 * decoded value shorter than the text, so offsets are rebuilt by walking the raw token.
 */
export function locateString(text: string, node: Node): LocatedString | undefined {
  if (node.type !== 'string') return undefined;
  const rawStart = node.offset + 1; // after the opening quote
  const rawEnd = node.offset + node.length - 1;
  const offsets: number[] = [];
  let value = '';
  for (let i = rawStart; i < rawEnd; ) {
    offsets.push(i);
    if (text[i] === '\\') {
      const c = text[i + 1];
      if (c === 'u') {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0);
        i += 6;
      } else {
        value += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c;
        i += 2;
      }
    } else {
      value += text[i];
      i++;
    }
  }
  offsets.push(rawEnd);
  return { value, at: (i) => offsets[Math.max(0, Math.min(i, offsets.length - 1))] };
}

/** Where a node's own token sits, strings excluding their quotes. */
export function valueSpan(node: Node): [number, number] {
  if (node.type === 'string') return [node.offset + 1, node.offset + node.length - 1];
  return [node.offset, node.offset + node.length];
}

/** A string or number node as located text (env values and ports are written both ways). */
export function locateValue(text: string, node: Node | undefined): LocatedString | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return locateString(text, node);
  if (node.type === 'number') {
    const start = node.offset;
    return { value: text.slice(start, start + node.length), at: (i) => start + i };
  }
  return undefined;
}

/**
 * Parses a plain object (a launch configuration handed over by VS Code) as if it were a file, so the
 * object path and the file path share one set of rules. Offsets then refer to this JSON text only.
 */
export function treeOfObject(value: unknown): { text: string; root: Node | undefined } {
  let text: string;
  try {
    text = JSON.stringify(value ?? null) ?? 'null';
  } catch {
    text = 'null'; // circular or otherwise unserialisable: nothing to read
  }
  return { text, root: jsonc().parseTree(text) };
}

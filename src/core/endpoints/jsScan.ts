/**
 * Just enough of JavaScript/TypeScript to read object literals in a config file without running it:
 * a tokenizer that knows comments, strings, template literals and regular expressions (so a `{` in
 * any of them is not a brace), and a reader for `{ key: value, ... }`. Nothing here evaluates code.
 */

export type TokenType = 'id' | 'str' | 'num' | 'tpl' | 're' | 'p';
export interface Token { t: TokenType; v: string; s: number; e: number }

const PUNCT_BEFORE_REGEX = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const KEYWORDS_BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF' || c === '\u00A0') { i++; continue; }
    if (c === '/' && text[i + 1] === '/') { const nl = text.indexOf('\n', i); i = nl === -1 ? n : nl; continue; }
    if (c === '/' && text[i + 1] === '*') { const end = text.indexOf('*/', i + 2); i = end === -1 ? n : end + 2; continue; }
    const start = i;
    if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      tokens.push({ t: 'str', v: text.slice(start + 1, Math.min(i, n)), s: start, e: Math.min(i + 1, n) });
      i++;
      continue;
    }
    if (c === '`') {
      i = skipTemplate(text, i);
      tokens.push({ t: 'tpl', v: text.slice(start + 1, i - 1), s: start, e: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?\d+)?n?)/.exec(text.slice(i, i + 40));
      i += m ? m[0].length : 1;
      tokens.push({ t: 'num', v: text.slice(start, i).replace(/_/g, ''), s: start, e: i });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      while (i < n && /[\w$]/.test(text[i])) i++;
      tokens.push({ t: 'id', v: text.slice(start, i), s: start, e: i });
      continue;
    }
    if (c === '/' && regexAllowed(tokens.at(-1))) {
      i = skipRegex(text, i);
      tokens.push({ t: 're', v: text.slice(start, i), s: start, e: i });
      continue;
    }
    tokens.push({ t: 'p', v: c, s: start, e: start + 1 });
    i++;
  }
  return tokens;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.t === 'p') return PUNCT_BEFORE_REGEX.has(prev.v);
  return prev.t === 'id' && KEYWORDS_BEFORE_REGEX.has(prev.v);
}

function skipRegex(text: string, i: number): number {
  let inClass = false;
  i++;
  while (i < text.length && text[i] !== '\n') {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) { i++; break; }
    i++;
  }
  while (i < text.length && /[a-z]/i.test(text[i])) i++;
  return i;
}

/** From an opening backtick to just past its closing one, stepping over `${ ... }` with nested braces. */
function skipTemplate(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === '`') return i + 1;
    if (c === '$' && text[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        const d = text[i];
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === '`') { i = skipTemplate(text, i); continue; }
        else if (d === '"' || d === "'") { i++; while (i < text.length && text[i] !== d && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1; }
        i++;
      }
      continue;
    }
    i++;
  }
  return text.length;
}

const STATEMENT_START = new Set(['const', 'let', 'var', 'export', 'import', 'function', 'module', 'class', 'if', 'return']);

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** The index of the token closing the bracket at `i` (or tokens.length when unbalanced). */
export function matching(tokens: Token[], i: number): number {
  const stack: string[] = [];
  for (let j = i; j < tokens.length; j++) {
    const tk = tokens[j];
    if (tk.t !== 'p') continue;
    if (OPEN[tk.v]) stack.push(OPEN[tk.v]);
    else if (tk.v === '}' || tk.v === ')' || tk.v === ']') {
      if (stack.pop() !== tk.v) return tokens.length;
      if (stack.length === 0) return j;
    }
  }
  return tokens.length;
}

/** One `key: value` of an object literal: the key token and the value's tokens [from, to). */
export interface Property { key: string; keyToken: Token; from: number; to: number }

/** The properties of the object literal opening at token `open` (`{`), in order. */
export function readObject(tokens: Token[], open: number): Property[] {
  const props: Property[] = [];
  const close = matching(tokens, open);
  let i = open + 1;
  while (i < close) {
    const tk = tokens[i];
    // Up to the next `,` at this level: one property, spread or method.
    let end = i;
    while (end < close && !(tokens[end].t === 'p' && tokens[end].v === ',')) {
      end = tokens[end].t === 'p' && OPEN[tokens[end].v] ? matching(tokens, end) + 1 : end + 1;
    }
    const isKey = tk.t === 'id' || tk.t === 'str' || tk.t === 'num';
    if (isKey && tokens[i + 1]?.v === ':' && tokens[i + 1].t === 'p') {
      props.push({ key: tk.v, keyToken: tk, from: i + 2, to: Math.min(end, close) });
    } else if (tk.t === 'id' && end === i + 1) {
      props.push({ key: tk.v, keyToken: tk, from: i, to: i + 1 }); // shorthand `{ port }`
    }
    i = end + 1;
  }
  return props;
}

export function findProp(props: Property[], key: string): Property | undefined {
  let found: Property | undefined;
  for (const p of props) if (p.key === key) found = p; // a repeated key: the last one wins
  return found;
}

/**
 * `const NAME = <value>` / `let` / `var` declarations anywhere in the file: [from, to) of the value,
 * so `port: PORT` or `https: httpsOptions` can be followed one step.
 */
export function declarations(tokens: Token[]): Map<string, { from: number; to: number }> {
  const decls = new Map<string, { from: number; to: number }>();
  for (let i = 0; i + 3 < tokens.length; i++) {
    const tk = tokens[i];
    if (tk.t !== 'id' || !(tk.v === 'const' || tk.v === 'let' || tk.v === 'var')) continue;
    const name = tokens[i + 1];
    if (name.t !== 'id') continue;
    // Skip a type annotation: `const x: UserConfig = ...`.
    let eq = i + 2;
    if (tokens[eq]?.v === ':') while (eq < tokens.length && !(tokens[eq].t === 'p' && (tokens[eq].v === '=' || tokens[eq].v === ';'))) eq++;
    if (tokens[eq]?.t !== 'p' || tokens[eq].v !== '=' || tokens[eq + 1]?.v === '=' || tokens[eq + 1]?.v === '>') continue;
    let end = eq + 1;
    while (end < tokens.length && !(tokens[end].t === 'p' && (tokens[end].v === ';' || tokens[end].v === ',' || tokens[end].v === '}' || tokens[end].v === ')'))) {
      // Without semicolons the next statement starts with a keyword.
      if (end > eq + 1 && tokens[end].t === 'id' && STATEMENT_START.has(tokens[end].v)) break;
      end = tokens[end].t === 'p' && OPEN[tokens[end].v] ? matching(tokens, end) + 1 : end + 1;
    }
    if (!decls.has(name.v)) decls.set(name.v, { from: eq + 1, to: end });
  }
  return decls;
}

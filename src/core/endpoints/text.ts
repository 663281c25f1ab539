/**
 * Offsets → LSP positions. Every parser works on string offsets (that is what jsonc-parser and saxes
 * give back); the language server needs 0-based line/character in UTF-16 code units, which is exactly
 * what JavaScript string indices are, so the only work is finding line starts.
 */
import type { Position, Range } from './types';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // LSP counts \r\n, \n and a lone \r as one line break each.
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** 1-based line, as people read it (warnings, `source.line`). */
  lineAt(offset: number): number {
    return this.positionAt(offset).line + 1;
  }
}

/**
 * A string value together with where each of its characters sits in the file. Values are not always
 * a plain slice of the text (JSON escapes, quotes), and ranges must cover exactly what was written.
 */
export interface LocatedString {
  value: string;
  /** Text offset of value index `i`; `i === value.length` gives the offset just after the value. */
  at(i: number): number;
}

export function plainLocated(value: string, start: number): LocatedString {
  return { value, at: (i) => start + i };
}

export const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * DER, both ways, in a few dozen lines: the reader the certificate parser walks with, and the writer
 * certificates and PKCS#12 files are assembled with. Ours rather than node-forge's because forge costs
 * ~250 KB of bundle and tens of milliseconds of start-up for what is tag, length and bytes.
 */

export class CertParseError extends Error {}

// --- reading ---------------------------------------------------------------------------------------

export interface Tlv { tag: number; constructed: boolean; cls: number; start: number; valueStart: number; end: number }

/** One tag/length/value at `offset`, bounds-checked; anything malformed throws CertParseError. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new CertParseError('truncated DER');
  const first = buf[offset];
  if ((first & 0x1f) === 0x1f) throw new CertParseError('multi-byte DER tags are not used in certificates');
  let len = buf[offset + 1];
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new CertParseError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) throw new CertParseError('DER value runs past its container');
  return { tag: first & 0x1f, constructed: (first & 0x20) !== 0, cls: first >> 6, start: offset, valueStart: p, end: p + len };
}

export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.valueStart; p < parent.end;) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export const valueOf = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.valueStart, t.end);
export const wholeOf = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.start, t.end);

// --- writing ---------------------------------------------------------------------------------------

/** Universal tags used here; a context-specific tag is `context(n)`. */
export const Tag = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  UTF8: 0x0c, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, BMP: 0x1e, SEQUENCE: 0x30, SET: 0x31,
} as const;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One element: tag byte, definite length, contents. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const seq = (items: Buffer[]) => tlv(Tag.SEQUENCE, Buffer.concat(items));
/** Written in the order given (callers give one element, or the order the format prescribes). */
export const set = (items: Buffer[]) => tlv(Tag.SET, Buffer.concat(items));
export const octets = (b: Buffer) => tlv(Tag.OCTET_STRING, b);
export const derNull = () => Buffer.from([Tag.NULL, 0]);
export const derTrue = () => Buffer.from([Tag.BOOLEAN, 1, 0xff]);
export const utf8 = (s: string) => tlv(Tag.UTF8, Buffer.from(s, 'utf8'));
/** BMPString: UTF-16 big-endian code units. */
export const bmp = (s: string) => { const b = Buffer.from(s, 'utf16le'); b.swap16(); return tlv(Tag.BMP, b); };
/** BIT STRING whose first content byte counts the unused bits of the last. */
export const bitString = (b: Buffer, unusedBits = 0) => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), b]));
/** [n] IMPLICIT (primitive) or EXPLICIT (constructed) context-specific element. */
export const context = (n: number, content: Buffer, constructed: boolean) => tlv(0x80 | (constructed ? 0x20 : 0) | n, content);

/** INTEGER from a small non-negative number, or from big-endian magnitude bytes (a serial). */
export function integer(v: number | Buffer): Buffer {
  let bytes: number[];
  if (typeof v === 'number') {
    bytes = [];
    for (let n = v; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    if (bytes.length === 0) bytes = [0];
  } else {
    bytes = [...v];
    while (bytes.length > 1 && bytes[0] === 0 && !(bytes[1] & 0x80)) bytes.shift();
  }
  // A set top bit would read as negative: DER prefixes a zero byte.
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(Tag.INTEGER, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [];
  const base128 = (n: number) => {
    const groups = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  };
  base128(parts[0] * 40 + parts[1]);
  for (const p of parts.slice(2)) base128(p);
  return tlv(Tag.OID, Buffer.from(out));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu, no fraction. */
export function time(d: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  return year < 2050
    ? tlv(Tag.UTC_TIME, Buffer.from(`${two(year % 100)}${rest}`, 'latin1'))
    : tlv(Tag.GENERALIZED_TIME, Buffer.from(`${year}${rest}`, 'latin1'));
}

/**
 * OpenSSL's subject hash (`openssl x509 -hash`, X509_NAME_hash): the name a certificate is linked
 * under in a hashed directory (SSL_CERT_DIR: `<hash>.0`, `<hash>.1`...). OpenSSL finds an issuer by
 * opening exactly those files, and so do we: no need to read every file in /etc/ssl/certs.
 *
 * The hash is the first four bytes (little-endian) of the SHA-1 of the name's canonical encoding: each
 * string value as UTF-8 with leading and trailing white space dropped, inner runs of white space made
 * one space and ASCII lower-cased (then encoded as UTF8String); other value types unchanged; the
 * RDN SETs concatenated without the outer SEQUENCE.
 */
import { createHash } from 'node:crypto';
import { children, readTlv, set, tlv, Tag, valueOf, wholeOf } from './der';

// UTF8String, PrintableString, T61String, IA5String, VisibleString, UniversalString, BMPString.
const CANON_TAGS = new Set([12, 19, 20, 22, 26, 28, 30]);
const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

function toUtf8(tag: number, bytes: Buffer): Buffer {
  if (tag === 12) return bytes;
  if (tag === 30) return Buffer.from(Buffer.from(bytes).swap16().toString('utf16le'), 'utf8');
  if (tag === 28) {
    let s = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i));
    return Buffer.from(s, 'utf8');
  }
  return Buffer.from(bytes.toString('latin1'), 'utf8'); // one byte per character
}

function canonicalValue(tag: number, bytes: Buffer): Buffer {
  const utf8 = toUtf8(tag, bytes);
  let start = 0;
  let end = utf8.length;
  while (start < end && isSpace(utf8[start])) start++;
  while (end > start && isSpace(utf8[end - 1])) end--;
  const out: number[] = [];
  for (let i = start; i < end;) {
    const b = utf8[i];
    if (b >= 0x80) { out.push(b); i++; } else if (isSpace(b)) {
      out.push(0x20);
      while (i < end && isSpace(utf8[i])) i++;
    } else { out.push(b >= 0x41 && b <= 0x5a ? b + 0x20 : b); i++; }
  }
  return tlv(Tag.UTF8, Buffer.from(out));
}

/** `openssl x509 -hash` of a DER Name: eight lower-case hex digits. */
export function opensslNameHash(nameDer: Buffer): string {
  const rdns: Buffer[] = [];
  for (const rdn of children(nameDer, readTlv(nameDer, 0))) {
    const entries = children(nameDer, rdn).map(atv => {
      const [oidT, valT] = children(nameDer, atv);
      const val = CANON_TAGS.has(valT.tag) && valT.cls === 0 ? canonicalValue(valT.tag, valueOf(nameDer, valT)) : wholeOf(nameDer, valT);
      return tlv(Tag.SEQUENCE, Buffer.concat([wholeOf(nameDer, oidT), val]));
    });
    // DER orders a SET OF by encoding (matters only for multi-valued RDNs).
    rdns.push(set(entries.sort(Buffer.compare)));
  }
  const md = createHash('sha1').update(Buffer.concat(rdns)).digest();
  return md.readUInt32LE(0).toString(16).padStart(8, '0');
}

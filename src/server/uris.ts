/**
 * File paths ↔ `file:` URIs, spelled the way VS Code spells them. VS Code writes Windows drive letters
 * lower-case and percent-encodes the colon (`file:///c%3A/x`); a URI spelled differently names the
 * same file but would not match the open editor, so diagnostics for disk-only files use this spelling
 * and open documents keep the URI the client gave.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return path.normalize(fileURLToPath(uri)); } catch { return undefined; }
}

export function pathToUri(file: string): string {
  let p = file.replace(/\\/g, '/');
  const drive = /^([A-Za-z]):/.exec(p);
  if (drive) p = `/${drive[1].toLowerCase()}%3A${p.slice(2)}`;
  const encoded = p.split('/').map((seg, i) => (i === 1 && drive ? seg : encodeURIComponent(seg))).join('/');
  return `file://${encoded.startsWith('/') ? '' : '/'}${encoded}`;
}

/** A map key for a path: case-insensitive where the file system usually is. */
export function pathKey(file: string): string {
  const p = path.normalize(file);
  return process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;
}

/** Whether `file` is inside `folder` (or is it). */
export function isInside(folder: string, file: string): boolean {
  const rel = path.relative(pathKey(folder), pathKey(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

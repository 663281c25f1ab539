/**
 * A PEM bundle this tool owns (the NODE_EXTRA_CA_CERTS file), made of the saved copies of the
 * certificates it holds. Built whole each time from a list of thumbprints, so the order steps run in
 * (or two runs one after the other) never loses a certificate another step added.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificatesIn, thumbprint, toPem } from '../certs';

/** The certificates in a bundle file now (none when it is missing or unreadable). */
export function readBundleCertificates(file: string): Array<{ sha1: string; pem: string }> {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return []; }
  return certificatesIn(text).map(der => ({ sha1: thumbprint(der, 'sha1'), pem: toPem(der) }));
}

/** The bundle text for these thumbprints, in order, from the saved copies in `certsDir`. */
export function buildBundle(certsDir: string, thumbprints: string[]): { pem: string; missing: string[] } {
  const missing: string[] = [];
  const blocks: string[] = [];
  for (const t of thumbprints) {
    let text: string;
    try { text = fs.readFileSync(path.join(certsDir, `${t}.pem`), 'utf8'); } catch { missing.push(t); continue; }
    const der = certificatesIn(text)[0];
    if (!der || thumbprint(der, 'sha1') !== t) { missing.push(t); continue; }
    blocks.push(toPem(der));
  }
  return { pem: blocks.join(''), missing };
}

/**
 * Frameworks that run Vite and take its options inside their own config (text scan, never evaluated):
 *   `astro.config.*`: `vite: { server: { https, port, host } }` or an SSL plugin in `vite.plugins`;
 *     Astro's own top-level `server: { port, host }` wins over Vite's; the port defaults to 4321.
 *   `svelte.config.*` (SvelteKit before 1.0): `kit: { vite: { server: {...} } }`; default 5173.
 * The Vite block is read by the vite reader (devServerConfig.ts), so the same values count.
 * Ignored on purpose: Astro's `site` (the public URL), `vite.server.proxy` targets, anything outside
 * the `vite` block that is not Astro's own `server`.
 */
import * as path from 'node:path';
import type { ParseOutput } from './collect';
import { enclosingBrace, isKeyAt, listenerOf, objectOf, readVite, scanConfig, type Listener, type Scan } from './devServerConfig';
import { readObject } from './jsScan';

export function parseAstroOrSvelteConfig(file: string, text: string): ParseOutput {
  const astro = /^astro\./i.test(path.basename(file));
  const scan = scanConfig(file, astro ? 'astro.config' : 'svelte.config', text);
  if (astro) readVite(scan, { under: 'vite', defaultPort: 4321, detail: 'vite.server', portFrom: astroServer(scan) });
  else readVite(scan, { under: 'vite', defaultPort: 5173, detail: 'kit.vite.server' });
  return scan.c.out;
}

/** Astro's own `server: { port, host }` on the config object (not the one inside `vite`). */
function astroServer(scan: Scan): Listener | undefined {
  const { tokens } = scan;
  for (let i = 1; i < tokens.length; i++) {
    if (!isKeyAt(tokens, i, ['server'])) continue;
    const owner = enclosingBrace(tokens, i);
    if (owner < 0 || tokens[owner - 1]?.v === ':') continue;
    const prop = readObject(tokens, owner).find((p) => p.keyToken === tokens[i]);
    const obj = prop ? objectOf(scan, prop.from, prop.to) : undefined;
    if (obj !== undefined) return listenerOf(scan, readObject(tokens, obj));
  }
  return undefined;
}

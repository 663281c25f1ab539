/**
 * `nuxt.config.{js,ts,mjs,cjs,mts}`: a text scan, never an evaluation. Read on the config object itself:
 * Nuxt 3's `devServer: { https: true | { key, cert }, port, host }` and Nuxt 2's
 * `server: { https: { key, cert }, port, host }`; the port defaults to 3000. Certificate paths as
 * `fs.readFileSync(...)`, `path.resolve(__dirname, ...)` or a plain `'localhost.pem'` string.
 * Ignored on purpose: `vite.server` inside Nuxt (Nuxt serves through its own listener), `runtimeConfig`
 * URLs (what the app calls), `proxy` / `nitro.devProxy` targets, `server: { ... }` nested anywhere else.
 */
import type { ParseOutput } from './collect';
import { readDevServers, scanConfig } from './devServerConfig';

export function parseNuxtConfig(file: string, text: string): ParseOutput {
  const scan = scanConfig(file, 'nuxt.config', text);
  readDevServers(scan, 'devServer', 3000, true);
  readDevServers(scan, 'server', 3000, true);
  return scan.c.out;
}

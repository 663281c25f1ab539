/**
 * Vue CLI `vue.config.{js,ts,cjs,mjs}`: a text scan, never an evaluation. Its `devServer` block is
 * handed to webpack-dev-server as it is, so it is read exactly like a webpack config's (see
 * devServerConfig.ts): `https: true | {key, cert}` (Vue CLI 4 / wds 3), `server: 'https'` and
 * `server: { type: 'https', options }` (Vue CLI 5 / wds 4), `port` (default 8080), `host`.
 * Ignored on purpose: `devServer.public` (the URL the browser is told, often another host), `proxy`
 * targets, `publicPath`, anything in `configureWebpack` / `chainWebpack` that builds the app.
 */
import type { ParseOutput } from './collect';
import { readDevServers, scanConfig } from './devServerConfig';

export function parseVueConfig(file: string, text: string): ParseOutput {
  const scan = scanConfig(file, 'vue.config', text);
  readDevServers(scan, 'devServer', 8080);
  return scan.c.out;
}

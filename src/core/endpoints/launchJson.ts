/**
 * `.vscode/launch.json`: the endpoints each debug configuration will serve or open.
 *
 * Read: `url`, `env.ASPNETCORE_URLS` (`;` list), `env.ASPNETCORE_HTTPS_PORT` / `ASPNETCORE_HTTPS_PORTS`
 * (→ https://localhost:PORT; outside launch configurations the singular one is only a redirect hint),
 * `args` with `--urls=X` / `--urls X`, and `serverReadyAction.uriFormat` when it is a literal URL.
 * Ignored on purpose: `compounds`, `port` (a debugger attach port), `runtimeArgs` (`--inspect=9229`),
 * `launchBrowser`, `serverReadyAction.pattern`, and any value holding `${...}` or `%s` (not a literal).
 */
import { Collector, type ParseOutput } from './collect';
import { locateString, parseJsonc, prop, stringValue, treeOfObject, type JsonNode } from './jsonTree';
import { readAspNetCoreEnv, readUrlsArgs } from './aspnetCoreUrls';
import { mergeEndpoints } from './merge';
import type { DeclaredEndpoint } from './types';

export function parseLaunchJson(file: string, text: string): ParseOutput {
  const { root, lines, warnings } = parseJsonc(file, text);
  const c = new Collector(file, 'launch.json', text, lines);
  c.out.warnings.push(...warnings);
  const configurations = prop(root, 'configurations');
  for (const cfg of configurations?.type === 'array' ? configurations.children ?? [] : []) {
    readConfiguration(c, text, cfg);
  }
  return c.out;
}

/**
 * The endpoints of one launch configuration object, as the debug gate receives it (variables already
 * substituted). No file backs the object, so sources carry `file` (when given), line 0 and an empty range.
 */
export function endpointsFromLaunchConfiguration(config: object, origin: { file?: string } = {}): DeclaredEndpoint[] {
  const { text, root } = treeOfObject(config);
  const c = new Collector(origin.file ?? '', 'launch.json', undefined);
  readConfiguration(c, text, root);
  return mergeEndpoints(c.out.endpoints);
}

function readConfiguration(c: Collector, text: string, cfg: JsonNode | undefined): void {
  if (!cfg || cfg.type !== 'object') return;
  const name = stringValue(prop(cfg, 'name'));

  const url = prop(cfg, 'url');
  if (url?.type === 'string') c.url(locateString(text, url)!, name);

  readAspNetCoreEnv(c, text, prop(cfg, 'env'), name);

  readUrlsArgs(c, text, prop(cfg, 'args'), name);

  const uriFormat = prop(prop(cfg, 'serverReadyAction'), 'uriFormat');
  if (uriFormat?.type === 'string') c.url(locateString(text, uriFormat)!, name);
}


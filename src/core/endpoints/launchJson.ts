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
import { entries, locateString, locateValue, parseJsonc, prop, stringValue, treeOfObject, type JsonNode } from './jsonTree';
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

  // Environment variable names are case-insensitive on Windows, where most of these run.
  const env = prop(cfg, 'env');
  for (const [key, value] of entries(env, true)) {
    const k = key.toUpperCase();
    const located = locateValue(text, value);
    if (!located) continue;
    if (k === 'ASPNETCORE_URLS') c.urlList(located, name);
    else if (k === 'ASPNETCORE_HTTPS_PORT' || k === 'ASPNETCORE_HTTPS_PORTS') c.portList(located, name);
  }

  readUrlsArgs(c, text, prop(cfg, 'args'), name);

  const uriFormat = prop(prop(cfg, 'serverReadyAction'), 'uriFormat');
  if (uriFormat?.type === 'string') c.url(locateString(text, uriFormat)!, name);
}

/** `--urls=X` / `--urls X` in an args array (or, for debuggers that take one string, inside it). */
export function readUrlsArgs(c: Collector, text: string, args: JsonNode | undefined, detail?: string): void {
  if (!args) return;
  if (args.type === 'string') {
    const s = locateString(text, args)!;
    const re = /(?:^|\s)--urls(?:=|\s+)(["']?)([^"'\s]+)\1/g;
    for (let m = re.exec(s.value); m; m = re.exec(s.value)) {
      const start = m.index + m[0].length - m[2].length - m[1].length;
      c.urlList({ value: m[2], at: (i) => s.at(start + i) }, detail);
    }
    return;
  }
  if (args.type !== 'array') return;
  const items = args.children ?? [];
  for (let i = 0; i < items.length; i++) {
    const arg = items[i];
    if (arg.type !== 'string') continue;
    const s = locateString(text, arg)!;
    if (s.value === '--urls') {
      const next = items[i + 1];
      if (next?.type === 'string') c.urlList(locateString(text, next)!, detail);
      i++;
    } else if (s.value.startsWith('--urls=')) {
      const skip = '--urls='.length;
      c.urlList({ value: s.value.slice(skip), at: (j) => s.at(j + skip) }, detail);
    }
  }
}

/**
 * Where an ASP.NET Core process takes its listening URLs from when it is launched: environment
 * variables and `--urls` on its command line. Shared by launch.json configurations and
 * launchSettings.json profiles, which declare both the same way.
 */
import type { Collector } from './collect';
import { entries, locateString, locateValue, type JsonNode } from './jsonTree';

/** `ASPNETCORE_URLS` (a `;` list) and `ASPNETCORE_HTTPS_PORT(S)` in an environment object. */
export function readAspNetCoreEnv(c: Collector, text: string, env: JsonNode | undefined, detail?: string): void {
  // Environment variable names are case-insensitive on Windows, where most of these run.
  for (const [key, value] of entries(env, true)) {
    const k = key.toUpperCase();
    const located = locateValue(text, value);
    if (!located) continue;
    if (k === 'ASPNETCORE_URLS') c.urlList(located, detail);
    else if (k === 'ASPNETCORE_HTTPS_PORT' || k === 'ASPNETCORE_HTTPS_PORTS') c.portList(located, detail);
  }
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

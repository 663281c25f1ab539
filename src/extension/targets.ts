/**
 * Turns what discovery, launch configurations and `devcertDoctor.endpoints` declare into check targets:
 * loopback only (a gate must never connect to another machine on its own), one per URL.
 */
import type { DeclaredEndpoint } from '../core/endpoints';
import type { CheckTarget } from './engine';

const WILDCARDS = new Set(['*', '+', '0.0.0.0', '[::]']);

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || WILDCARDS.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function targetFromDeclared(e: DeclaredEndpoint): CheckTarget | undefined {
  if (!e.loopback) return undefined;
  const s = e.sources[0];
  return {
    url: e.url, host: e.host, port: e.port,
    connectHost: e.connectHost ?? (WILDCARDS.has(e.host) ? 'localhost' : e.host.replace(/^\[(.*)\]$/, '$1')),
    source: s && s.file ? { file: s.file, line: s.line } : null,
    declared: e,
  };
}

/** A `devcertDoctor.endpoints` entry (`https://localhost:5001`); undefined for non-https or non-loopback. */
export function targetFromSetting(raw: string): CheckTarget | undefined {
  let u: URL;
  try { u = new URL(raw.trim()); } catch { return undefined; }
  if (u.protocol !== 'https:') return undefined;
  const host = u.hostname.toLowerCase();
  if (!isLoopback(host)) return undefined;
  const port = u.port ? Number(u.port) : 443;
  const connectHost = host.replace(/^\[(.*)\]$/, '$1');
  return { url: `https://${host}:${port}`, host, port, connectHost, source: null };
}

/** Merges by URL, keeping the first declaration (the one with a file, when there is one). */
export function mergeTargets(...lists: CheckTarget[][]): CheckTarget[] {
  const byUrl = new Map<string, CheckTarget>();
  for (const t of lists.flat()) {
    const prev = byUrl.get(t.url);
    if (!prev || (!prev.source && t.source)) byUrl.set(t.url, { ...t, declared: t.declared ?? prev?.declared });
  }
  return [...byUrl.values()];
}

/**
 * Typed access to the `devcertDoctor.*` settings. Read on demand (never cached) so a change applies to
 * the next check without a reload.
 */
import * as vscode from 'vscode';
import { DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS } from '../../core/check';
import type { ClientCertificateSetting } from '../../protocol';

export type PreLaunchMode = 'warn' | 'block' | 'off';

export interface Settings {
  endpoints: string[];
  timeoutMs: number;
  expiringSoonDays: number;
  preLaunch: PreLaunchMode;
  diagnosticsEnabled: boolean;
  clientCertificates: Record<string, ClientCertificateSetting>;
  tools: { iisExpressPath?: string; dotnetPath?: string; certutilPath?: string };
}

export const SECTION = 'devcertDoctor';

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const str = (k: string) => { const v = c.get<string>(k); return v && v.trim() ? v.trim() : undefined; };
  const preLaunch = c.get<string>('preLaunch', 'warn');
  return {
    endpoints: (c.get<unknown[]>('endpoints') ?? []).filter((e): e is string => typeof e === 'string' && e.length > 0),
    // Bounded both ways: a zero timeout would make every endpoint look dead, a huge one would stall F5.
    timeoutMs: clamp(c.get<number>('timeoutMs', DEFAULT_TIMEOUT_MS), 100, 60_000),
    expiringSoonDays: clamp(c.get<number>('expiringSoonDays', DEFAULT_EXPIRING_SOON_DAYS), 0, 3650),
    preLaunch: preLaunch === 'block' || preLaunch === 'off' ? preLaunch : 'warn',
    diagnosticsEnabled: c.get<boolean>('diagnostics.enable', true),
    clientCertificates: c.get<Record<string, ClientCertificateSetting>>('clientCertificates') ?? {},
    tools: { iisExpressPath: str('iisExpressPath'), dotnetPath: str('dotnetPath'), certutilPath: str('certutilPath') },
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}

export function affectsUs(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

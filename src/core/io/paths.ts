/**
 * Where this tool keeps its own state (ledger, local CA, trust bundles). One function so tests, the demo
 * and every store agree; DEVCERT_DOCTOR_HOME wins so a test never writes into the user's real config dir.
 *
 * Another platform's folder (a plan rendered with `--dry-run --platform`) is always that platform's
 * default layout under the home given — by default a placeholder account such as `C:\Users\<you>` —
 * never built from this machine's DEVCERT_DOCTOR_HOME, XDG_CONFIG_HOME, APPDATA or home: those describe
 * this machine, not the one the plan is for.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from './platform';

export const APP_DIR_NAME = 'devcert-doctor';

const isForeign = (platform: Platform) => platform !== process.platform;

/** The home of "a typical account" on a platform that is not this machine's: plans rendered for it show this. */
export function placeholderHome(platform: Platform): string {
  return platform === 'win32' ? 'C:\\Users\\<you>' : platform === 'darwin' ? '/Users/<you>' : '/home/<you>';
}

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform as Platform,
  home?: string): string {
  if (isForeign(platform)) return defaultConfigDir(platform, home ?? placeholderHome(platform));
  if (env.DEVCERT_DOCTOR_HOME) return path.resolve(env.DEVCERT_DOCTOR_HOME);
  home ??= os.homedir();
  if (platform === 'win32' && env.APPDATA) return path.win32.join(env.APPDATA, APP_DIR_NAME);
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (platform === 'linux' && env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)) return path.join(env.XDG_CONFIG_HOME, APP_DIR_NAME);
  return defaultConfigDir(platform, home);
}

/** The folder each platform's convention gives, from the home folder alone. */
function defaultConfigDir(platform: Platform, home: string): string {
  if (platform === 'win32') return path.win32.join(home, 'AppData', 'Roaming', APP_DIR_NAME);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.posix.join(home, '.config', APP_DIR_NAME);
}

/** The path module for a platform: plans rendered for Windows on Linux still get Windows paths. */
export const pathFor = (platform: Platform) => (platform === 'win32' ? path.win32 : path.posix);

/** Where this tool's files live for a trust context (its platform and home, not necessarily this machine's). */
export interface PathContext { env?: NodeJS.ProcessEnv; platform?: Platform; homeDir?: string }

/** A bare environment means this machine; a context may name another platform and its home. */
function inConfig(ctx: PathContext | NodeJS.ProcessEnv | undefined, ...parts: string[]): string {
  const c: PathContext = ctx && ('env' in ctx || 'platform' in ctx || 'homeDir' in ctx) ? ctx as PathContext : { env: ctx as NodeJS.ProcessEnv | undefined };
  const platform = c.platform ?? (process.platform as Platform);
  return pathFor(platform).join(configDir(c.env ?? process.env, platform, c.homeDir), ...parts);
}

export type ConfigContext = PathContext | NodeJS.ProcessEnv;

export const ledgerFile = (ctx?: ConfigContext) => inConfig(ctx, 'ledger.json');
/** The local CA (see certs/localCa.ts): its key never leaves this folder. */
export const caDir = (ctx?: ConfigContext) => inConfig(ctx, 'ca');
/** Copies of certificates this tool trusted, so stores that read a file (certutil -i) have one. */
export const trustedCertsDir = (ctx?: ConfigContext) => inConfig(ctx, 'trusted');
/** Certificates generated for servers (stable paths a dev server config can point at). */
export const generatedCertsDir = (ctx?: ConfigContext) => inConfig(ctx, 'certs');
/** The PEM bundle meant for NODE_EXTRA_CA_CERTS. */
export const nodeBundleFile = (ctx?: ConfigContext) => inConfig(ctx, 'node-extra-ca-certs.pem');

/** True when a context describes another platform than this machine's (a rendered plan: nothing here is read for it). */
export const isForeignPlatform = (ctx: PathContext | undefined): boolean => !!ctx?.platform && isForeign(ctx.platform);

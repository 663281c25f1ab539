/**
 * Where this tool keeps its own state (ledger, local CA, trust bundles). One function so tests, the demo
 * and every store agree; DEVCERT_DOCTOR_HOME wins so a test never writes into the user's real config dir.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from './platform';

export const APP_DIR_NAME = 'devcert-doctor';

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform as Platform,
  home: string = os.homedir()): string {
  if (env.DEVCERT_DOCTOR_HOME) return platform === process.platform ? path.resolve(env.DEVCERT_DOCTOR_HOME) : env.DEVCERT_DOCTOR_HOME;
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(xdg, APP_DIR_NAME);
}

/** The path module for a platform: plans rendered for Windows on Linux still get Windows paths. */
export const pathFor = (platform: Platform) => (platform === 'win32' ? path.win32 : path.posix);

/** Where this tool's files live for a trust context (its platform and home, not necessarily this machine's). */
export interface PathContext { env?: NodeJS.ProcessEnv; platform?: Platform; homeDir?: string }

function inConfig(ctx: PathContext | NodeJS.ProcessEnv | undefined, ...parts: string[]): string {
  const c: PathContext = ctx && ('env' in ctx || 'platform' in ctx || 'homeDir' in ctx) ? ctx as PathContext : { env: ctx as NodeJS.ProcessEnv | undefined };
  const platform = c.platform ?? (process.platform as Platform);
  return pathFor(platform).join(configDir(c.env ?? process.env, platform, c.homeDir ?? os.homedir()), ...parts);
}

export const ledgerFile = (env?: NodeJS.ProcessEnv) => inConfig(env, 'ledger.json');
/** The local CA (see certs/localCa.ts): its key never leaves this folder. */
export const caDir = (env?: NodeJS.ProcessEnv) => inConfig(env, 'ca');
/** Copies of certificates this tool trusted, so stores that read a file (certutil -i) have one. */
export const trustedCertsDir = (ctx?: PathContext | NodeJS.ProcessEnv) => inConfig(ctx, 'trusted');
/** Certificates generated for servers (stable paths a dev server config can point at). */
export const generatedCertsDir = (env?: NodeJS.ProcessEnv) => inConfig(env, 'certs');
/** The PEM bundle meant for NODE_EXTRA_CA_CERTS. */
export const nodeBundleFile = (ctx?: PathContext | NodeJS.ProcessEnv) => inConfig(ctx, 'node-extra-ca-certs.pem');

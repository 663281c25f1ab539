/**
 * The trust context repairs run in. DEVCERT_DOCTOR_SANDBOX (like the CLI's --sandbox) points every store
 * into one folder — DIR/home for NSS, DIR/system for the Linux system store — so the extension-host
 * tests and a cautious user can run real repairs without touching the machine or elevating.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from '../../core/io';
import type { TrustContext } from '../../core/trust';

export interface Tools { iisExpressPath?: string; dotnetPath?: string; certutilPath?: string }

export function sandboxDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.DEVCERT_DOCTOR_SANDBOX;
  return dir && path.isAbsolute(dir) ? dir : undefined;
}

export function extensionTrustContext(tools: Tools = {}, env: NodeJS.ProcessEnv = process.env): TrustContext {
  const sandbox = sandboxDir(env);
  return {
    platform: process.platform as Platform,
    env,
    homeDir: sandbox ? path.join(sandbox, 'home') : os.homedir(),
    linuxSandboxRoot: sandbox ? path.join(sandbox, 'system') : undefined,
    tools: { certutil: tools.certutilPath, dotnet: tools.dotnetPath, iisExpressAdminCmd: tools.iisExpressPath },
  };
}

/**
 * The shape every binding target shares: something that makes a server serve a given certificate
 * (an http.sys port binding, a Kestrel config entry, a dev server's PEM paths). Like the trust stores,
 * a target only plans: it returns steps that are shown before they run, and never acts itself.
 */
import type { Platform, run } from '../io';
import type { PlanStep } from '../plan';
import type { TrustContext } from '../trust';

/** How a target runs its read-only queries (netsh show, dotnet --version). Tests pass captured output. */
export type Runner = typeof run;

export interface BindContext {
  platform: Platform;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** The workspace folder (where `.devcert/` and relative config paths live). */
  workspaceDir?: string;
  /** Executables the user configured (machine-scoped settings). */
  tools?: TrustContext['tools'];
  /** Defaults to exec.ts `run`. */
  runner?: Runner;
}

/** What a target proposes: the steps, and what the user should know that is not a step. */
export interface BindPlan {
  steps: PlanStep[];
  notes: string[];
}

export type BindTargetId =
  | 'httpsys'
  | 'iisexpress-regenerate'
  | 'kestrel-config'
  | 'kestrel-dev-certs'
  | 'dev-server-cra'
  | 'dev-server-snippet';

export interface BindTarget<Request> {
  id: BindTargetId;
  /** e.g. "http.sys SSL bindings (netsh)". */
  label: string;
  /** Steps that bind; empty steps when everything is already bound as asked (running twice changes nothing). */
  plan(request: Request, ctx: BindContext): Promise<BindPlan>;
}

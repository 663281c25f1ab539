/**
 * The extension's one seam to the engine in src/core. Everything the UI needs from discovery, the probe
 * and the repair engine goes through here, so the rest of src/extension never depends on how core
 * spells its options, and core pieces that have not landed yet fail in one place with a clear message.
 */
import type { DeclaredEndpoint, DiscoveryResult } from '../core/endpoints';
import type { ClientCertificateInput } from '../core/probe';
import type { EndpointVerdict } from '../core/check';
import type { FixId } from '../core/check';
import type { PlanStep, RepairPlan } from '../core/plan';
import type { RepairStrategy } from '../core/repair';

/** One endpoint to check, with what it needs to be probed faithfully. */
export interface CheckTarget {
  url: string;
  host: string;
  port: number;
  /** What to pass to tls.connect (wildcard hosts → localhost). */
  connectHost: string;
  source: { file: string; line: number } | null;
  declared?: DeclaredEndpoint;
  clientCertificate?: ClientCertificateInput;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
}

export interface CheckOptions {
  timeoutMs: number;
  expiringSoonDays: number;
  /** Re-read the trust stores first (right after a repair changed them). */
  reloadTrust?: boolean;
}

export interface RepairRequest {
  verdicts: EndpointVerdict[];
  /** Only these fixes (a command like "Trust" asks for one); all applicable fixes when absent. */
  fixes?: FixId[];
  /** The port a "Bind certificate to port…" names, when it is not one of the verdicts. */
  port?: number;
  tools?: { iisExpressPath?: string; dotnetPath?: string; certutilPath?: string };
  /** Who makes a new certificate: DevCert Doctor (default), IIS Express, or dotnet dev-certs. */
  strategy?: RepairStrategy;
}

export interface ExecuteOptions {
  /** One line per step (started, done, failed, undone), for the progress notification and the log. */
  onProgress(message: string, step: PlanStep | undefined, stepFinished: boolean): void;
}

export interface ExecuteOutcome {
  ok: boolean;
  /** One sentence: what happened (the engine's summary). */
  message?: string;
  /** The user declined the elevation prompt. */
  cancelled?: boolean;
  /** What the user still has to do by hand (manual steps). */
  manual?: string[];
}

/** Files written by "Create client certificate…" (PFX, and the PEM pair beside it) and its thumbprints. */
export interface CreatedClientCertificate {
  pfx: string;
  cert: string;
  key: string;
  sha1: string;
  sha256: string;
}

export class EngineUnavailableError extends Error {
  constructor(what: string) { super(`${what} is not available in this build of DevCert Doctor`); }
}

export interface Engine {
  discover(folder: string): Promise<DiscoveryResult>;
  /** The endpoints a (variable-substituted) launch configuration names: url, ASPNETCORE_URLS, --urls, serverReadyAction, launchSettings profile. */
  endpointsFromLaunchConfiguration(config: Record<string, unknown>, folder: string | undefined): Promise<DeclaredEndpoint[]>;
  check(targets: CheckTarget[], options: CheckOptions): Promise<EndpointVerdict[]>;
  /** For an endpoint that is not listening yet: judge the certificate its configuration says it will serve. */
  checkDeclaredCertificate(target: CheckTarget, options: CheckOptions): Promise<EndpointVerdict | undefined>;
  /** The chain a server sends (leaf first, DER), for export. */
  servedChain(target: CheckTarget, timeoutMs: number): Promise<Buffer[]>;
  planRepair(request: RepairRequest): Promise<RepairPlan>;
  /** The strategies besides the default that would make this request's new certificate and can run here. */
  alternativeStrategies(request: RepairRequest): Promise<RepairStrategy[]>;
  /** Removes exactly what the ledger says this tool added. */
  planUntrust(tools: RepairRequest['tools']): Promise<RepairPlan>;
  renderPlan(plan: RepairPlan): string;
  executePlan(plan: RepairPlan, options: ExecuteOptions): Promise<ExecuteOutcome>;
  createClientCertificate(options: { cn: string; days: number; password: string; pfxPath: string }): Promise<CreatedClientCertificate>;
}

/**
 * The engine, loaded on first use: activation must not pay for parsing and evaluating the certificate,
 * trust and repair code (node-forge among it) before anything asks for a check.
 */
export function createEngine(): Engine {
  let impl: Engine | undefined;
  const load = (): Engine => impl ??= (require('./engineImpl') as typeof import('./engineImpl')).createEngine();
  return new Proxy({} as Engine, { get: (_t, key: keyof Engine) => (...args: unknown[]) => (load()[key] as (...a: unknown[]) => unknown)(...args) });
}

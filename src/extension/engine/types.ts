/**
 * What the extension asks of the repair engine in src/core, declared once: the rest of src/extension
 * depends on these shapes, never on how core spells its options. Checking is not here: verdicts come
 * from the language server (see ../verdicts).
 */
import type { EndpointVerdict, FixId } from '../../core/check';
import type { PlanStep, RepairPlan } from '../../core/plan';
import type { RepairStrategy } from '../../core/repair';
import type { Tools } from './trustContext';

export interface RepairRequest {
  verdicts: EndpointVerdict[];
  /** Only these fixes (a command like "Trust" asks for one); all applicable fixes when absent. */
  fixes?: FixId[];
  /** The port a "Bind certificate to port…" names, when it is not one of the verdicts. */
  port?: number;
  tools?: Tools;
  /** Who makes a new certificate: DevCert Doctor (default), IIS Express, or dotnet dev-certs. */
  strategy?: RepairStrategy;
  /** Trust what the server sends even where core would withhold it (a CA, other names): only after the second confirmation. */
  allowServedAnchors?: boolean;
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

export interface Engine {
  /** The chain a server sends (leaf first, DER), for export. */
  servedChain(endpoint: { host: string; port: number }, timeoutMs: number): Promise<Buffer[]>;
  planRepair(request: RepairRequest): Promise<RepairPlan>;
  /** The strategies besides the default that would make this request's new certificate and can run here. */
  alternativeStrategies(request: RepairRequest): Promise<RepairStrategy[]>;
  /** Removes exactly what the ledger says this tool added. */
  planUntrust(tools: Tools | undefined): Promise<RepairPlan>;
  renderPlan(plan: RepairPlan): string;
  /** The plan as a script to paste into this platform's shell (the same text as `repair --dry-run --script`). */
  planScript(plan: RepairPlan): string;
  executePlan(plan: RepairPlan, options: ExecuteOptions): Promise<ExecuteOutcome>;
  createClientCertificate(options: { cn: string; days: number; password: string; pfxPath: string }): Promise<CreatedClientCertificate>;
}

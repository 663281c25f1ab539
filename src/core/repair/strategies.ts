/**
 * Who makes the new certificate when a repair regenerates one. DevCert Doctor by default (generated here,
 * bound by repairBind.ts); or, as the platforms' own tools do it:
 *   - 'iisexpress': `IisExpressAdminCmd.exe setupSslUrl -url:https://localhost:PORT/ -CertHash:<SHA-1>`, for
 *     IIS Express endpoints on Windows: IIS Express binds an "IIS Express Development Certificate" this
 *     plan makes (never -UseSelfSigned, which reuses the one there, expired or not), so the same plan
 *     removes the expired ones and trusts the new one (planRepair routes these to bindDestinations);
 *   - 'dotnet-dev-certs': `dotnet dev-certs https --clean` then `--trust`, for endpoints on the ASP.NET Core
 *     development certificate (served, or an ASP.NET Core project that configures no certificate of its
 *     own), when dotnet runs. On macOS the clean is this plan's own steps by SHA-1 (bind/devCertsMac.ts:
 *     dotnet's --clean runs sudo out of sight).
 * A strategy changes only how a new certificate is made: an endpoint whose certificate just needs trusting
 * is trusted as it is — the served certificate is in hand, the tools' new one is not until they have run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dotnetAvailable, iisExpressAdminCmdPaths, planKestrelDevCerts, type Runner } from '../bind';
import { certificateRef, inspectCertificate } from '../certs';
import type { CheckedVerdict } from '../check';
import { parseAppSettings } from '../endpoints';
import { type PlanStep, readExisting } from '../plan';
import { bindDestinationFor } from './bindDestinations';
import type { TrustContext } from '../trust';

export type RepairStrategy = 'devcert-doctor' | 'iisexpress' | 'dotnet-dev-certs';
export const REPAIR_STRATEGIES: readonly RepairStrategy[] = ['devcert-doctor', 'iisexpress', 'dotnet-dev-certs'];

/** What each strategy is for, in the words an error uses when it is asked for where it does not apply. */
const APPLIES_TO: Record<Exclude<RepairStrategy, 'devcert-doctor'>, string> = {
  iisexpress: 'IIS Express endpoints on Windows (applicationhost.config, a launchSettings iisExpress profile, or a port in 44300–44399)',
  'dotnet-dev-certs': 'endpoints on the ASP.NET Core development certificate (it is served, or the ASP.NET Core project configures no certificate of its own)',
};

/** The strategy was asked for, but no endpoint is of its kind, or its tool is missing. */
export class StrategyNotApplicableError extends Error {
  override readonly name = 'StrategyNotApplicableError';
}

/** Kestrel falls back to the development certificate when appsettings names no certificate at all. */
export function kestrelUsesDevCert(projectDir: string): boolean {
  for (const name of ['appsettings.json', 'appsettings.Development.json']) {
    const file = path.join(projectDir, name);
    const text = readExisting(file)?.bytes.toString('utf8');
    if (text === undefined) continue;
    const parsed = parseAppSettings(file, text);
    if (parsed.certificates.length || parsed.endpoints.some(e => e.certificates.length)) return false;
  }
  return true;
}

/** Is this endpoint of the strategy's kind (whether its tool runs is asked separately)? */
export function strategyAppliesTo(strategy: RepairStrategy, v: CheckedVerdict, platform: TrustContext['platform']): boolean {
  const d = bindDestinationFor(v, platform);
  switch (strategy) {
    case 'devcert-doctor': return true;
    case 'iisexpress': return d.kind === 'httpsys';
    // http.sys serves from LocalMachine\My by thumbprint: dotnet's certificate would not be bound there.
    case 'dotnet-dev-certs': return d.kind !== 'httpsys'
      && (v.certificate?.isAspNetCoreDevCert === true || (d.kind === 'kestrel' && kestrelUsesDevCert(path.dirname(d.appsettingsFile))));
  }
}

const foreign = (ctx: TrustContext) => ctx.platform !== process.platform;

/** Why the strategy's tool cannot run here; undefined when it can (or the plan is for another platform). */
export async function strategyUnavailable(strategy: RepairStrategy, ctx: TrustContext, runner?: Runner): Promise<string | undefined> {
  if (foreign(ctx)) return undefined;
  if (strategy === 'iisexpress') {
    // The plan's step takes the first of these that exists when it runs (bind/iisExpressAdminCmd.ts).
    const paths = iisExpressAdminCmdPaths(ctx);
    return paths.some(p => fs.existsSync(p)) ? undefined
      : `${paths.join(' and ')} ${paths.length === 1 ? 'does' : 'do'} not exist (the machine setting devcertDoctor.iisExpressPath names another place)`;
  }
  if (strategy === 'dotnet-dev-certs') {
    const r = await dotnetAvailable({ tools: ctx.tools, runner });
    return r.ok ? undefined : `dotnet does not run: ${r.reason}`;
  }
  return undefined;
}

/** The endpoints the strategy takes; a StrategyNotApplicableError when there are none or its tool is missing. */
export async function strategyEndpoints(strategy: Exclude<RepairStrategy, 'devcert-doctor'>, verdicts: CheckedVerdict[],
  ctx: TrustContext, runner?: Runner): Promise<Set<CheckedVerdict>> {
  const mine = verdicts.filter(v => strategyAppliesTo(strategy, v, ctx.platform));
  const urls = verdicts.map(v => v.url).join(', ') || 'no endpoint';
  if (!mine.length) throw new StrategyNotApplicableError(`strategy ${strategy} applies to none of ${urls} (${ctx.platform}): it is for ${APPLIES_TO[strategy]}`);
  const missing = await strategyUnavailable(strategy, ctx, runner);
  if (missing) throw new StrategyNotApplicableError(`strategy ${strategy} cannot run: ${missing}`);
  return new Set(mine);
}

/**
 * The steps with which the strategy's tool makes (and binds or trusts) the new certificate for `verdicts`.
 * `servedLeaves`: the certificates those endpoints serve (DER), when known — the development certificates
 * among them are what a macOS plan rendered on another machine shows removing.
 */
export async function planStrategySteps(strategy: 'dotnet-dev-certs', verdicts: CheckedVerdict[],
  ctx: TrustContext, runner?: Runner, servedLeaves: readonly Buffer[] = []): Promise<{ steps: PlanStep[]; notes: string[] }> {
  const urls = verdicts.map(v => v.url).join(', ');
  const again = 'Run the repair again once this plan has run: it then sees the new certificate, which is not known before, and trusts it where needed';
  const served = servedLeaves.filter(der => inspectCertificate(der).summary.isAspNetCoreDevCert).map(der => certificateRef(der));
  const plan = await planKestrelDevCerts({ platform: ctx.platform, homeDir: ctx.homeDir, env: ctx.env, tools: ctx.tools, runner }, { checkAvailable: false, served });
  const notes = [...plan.notes, `${again} (Node's NODE_EXTRA_CA_CERTS bundle${ctx.platform === 'linux' ? ', the system store' : ''}).`];
  if (foreign(ctx)) notes.push(`Rendered for ${ctx.platform} on ${process.platform}: whether dotnet runs there was not checked; this plan needs the .NET SDK (dotnet on PATH, or the devcertDoctor.dotnetPath setting).`);
  const restart: PlanStep = {
    id: 'restart-dev-certs', title: `Restart the ASP.NET Core app so Kestrel serves the new development certificate on ${urls}`, elevated: false,
    changes: 'nothing by itself', action: { type: 'manual', instructions: `Restart the ASP.NET Core app (${urls}): Kestrel loads the development certificate at start.` },
  };
  return { steps: [...plan.steps, restart], notes };
}

import * as path from 'node:path';
import type { CliCommand } from '../command';
import { parseArgs, parseIntOption, UsageError } from '../args';
import { checkEndpoints, DEFAULT_TIMEOUT_MS, targetsFrom } from '../../core/check';
import { discoverEndpoints } from '../../core/endpoints';
import { planRepair, REPAIR_STRATEGIES, type RepairStrategy, StrategyNotApplicableError } from '../../core/repair';
import { displayText } from '../../core/io';
import { anchorContextFor } from '../../core/trust';
import { PLAN_HELP, PLAN_OPTIONS, presentAndRun, trustContext } from '../planCli';

const HELP = `Usage: devcert-doctor repair [PATH] [--port N]... [--host H] [options]

Probe the workspace's HTTPS localhost endpoints (or the given ports), then plan the fixes: trust the
certificate served (or the local CA that issued it) in the stores that reject it, regenerate one that is
expired or has the wrong names and bind it where the endpoint is declared (http.sys for IIS Express on
Windows, Kestrel:Certificates:Default in appsettings.Development.json, a Create React App .env, a
snippet for vite / webpack / Angular), and say what only you can do. The plan is printed before
anything runs.

  PATH                  the workspace folder to read endpoints from (default: .)
  --port N              probe this port (repeatable) instead of reading the workspace
  --host H              host for --port (default localhost)
  --timeout MS          per-endpoint handshake timeout (default ${DEFAULT_TIMEOUT_MS}, as the extension's
                        devcertDoctor.timeoutMs)
  --strategy S          who makes a new certificate where one is needed:
                          devcert-doctor    this tool generates it and binds it (default)
                          iisexpress        IIS Express endpoints on Windows: IisExpressAdminCmd.exe
                                            setupSslUrl -url:https://localhost:PORT/ -CertHash:SHA1
                          dotnet-dev-certs  endpoints on the ASP.NET Core development certificate:
                                            dotnet dev-certs https --clean, then --trust (needs dotnet;
                                            not checked when rendering another --platform)
                        a strategy that applies to no endpoint is a usage error (exit 2)
${PLAN_HELP}`;

export const repairCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, port: { type: 'string', multi: true }, host: { type: 'string' }, timeout: { type: 'string' }, strategy: { type: 'string' } });
    if (positionals.length > 1) throw new UsageError('give at most one PATH');
    const strategy = (options.strategy ?? 'devcert-doctor') as RepairStrategy;
    if (!REPAIR_STRATEGIES.includes(strategy)) throw new UsageError(`--strategy must be one of ${REPAIR_STRATEGIES.join(', ')}`);
    const ctx = await trustContext(options);
    const ports = ((options.port as string[] | undefined) ?? []).map(p => parseIntOption('port', p, 1, 65535));
    const timeoutMs = options.timeout !== undefined ? parseIntOption('timeout', options.timeout as string, 1, 600_000) : DEFAULT_TIMEOUT_MS;
    const discovery = ports.length ? undefined : await discoverEndpoints(path.resolve(positionals[0] ?? '.'));
    const { targets, notProbed } = targetsFrom(discovery, { hosts: options.host ? [options.host as string] : [], ports });
    for (const e of notProbed) process.stdout.write(`${displayText(e.url)}: not on this machine, not probed\n`);
    if (!targets.length) { process.stdout.write('No HTTPS localhost endpoints found in the workspace (give --port N).\n'); return 0; }
    // Judged against the stores the plan changes (a --sandbox's bundle and NSS home), so a second run finds nothing to do.
    const verdicts = await checkEndpoints(targets, { timeoutMs, ...anchorContextFor(ctx) });
    for (const v of verdicts) {
      process.stdout.write(`${displayText(v.url)}: ${v.trusted ? 'trusted' : v.problems.map(p => p.code).join(', ') || 'not trusted'}\n`);
    }
    process.stdout.write('\n');
    let plan;
    try {
      plan = await planRepair(verdicts, { ctx, strategy });
    } catch (err) {
      if (err instanceof StrategyNotApplicableError) throw new UsageError(err.message);
      throw err;
    }
    return presentAndRun(plan, options);
  },
};

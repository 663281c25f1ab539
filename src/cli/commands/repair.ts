import * as path from 'node:path';
import type { CliCommand } from '../command';
import { parseArgs, parseIntOption, UsageError } from '../args';
import { discoverEndpoints } from '../../core/endpoints/index';
import { planRepair } from '../../core/repair';
import { loadLocalCa } from '../../core/certs/localCa';
import { interimVerdict } from '../../core/servedChain';
import { LINUX_LAYOUTS, detectLinuxDistro, sandboxPaths } from '../../core/trust/linuxSystem';
import type { EndpointVerdict } from '../../core/probe/types';
import { PLAN_HELP, PLAN_OPTIONS, presentAndRun, trustContext } from '../planCli';

const HELP = `Usage: devcert-doctor repair [PATH] [--port N]... [--host H] [options]

Probe the workspace's HTTPS localhost endpoints (or the given ports), then plan the fixes: trust the
certificate served (or the local CA that issued it) in the stores that reject it, regenerate one that is
expired or has the wrong names, and say what only you can do. The plan is printed before anything runs.

  PATH                  the workspace folder to read endpoints from (default: .)
  --port N              probe this port (repeatable) instead of reading the workspace
  --host H              host for --port (default localhost)
${PLAN_HELP}`;

export const repairCommand: CliCommand = {
  name: 'repair',
  summary: 'Plan and run the fixes for untrusted, expired or misnamed localhost certificates',
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, port: { type: 'string', multi: true }, host: { type: 'string' } });
    if (positionals.length > 1) throw new UsageError('give at most one PATH');
    const ctx = trustContext(options);
    const host = (options.host as string | undefined) ?? 'localhost';
    let targets: { host: string; port: number }[] = ((options.port as string[] | undefined) ?? []).map(p => ({ host, port: parseIntOption('port', p, 1, 65535) }));
    if (!targets.length) {
      const found = await discoverEndpoints(path.resolve(positionals[0] ?? '.'));
      targets = found.endpoints.filter(e => e.loopback).map(e => ({ host: /^(\*|\+|0\.0\.0\.0|\[::\])$/.test(e.host) ? 'localhost' : e.host.replace(/^\[|\]$/g, ''), port: e.port }));
      if (!targets.length) { process.stdout.write('No HTTPS localhost endpoints found in the workspace (give --port N).\n'); return 0; }
    }
    // The system view is the sandbox's bundle when sandboxed, else the distribution's.
    const distro = detectLinuxDistro();
    const systemBundle = ctx.linuxSandboxRoot ? sandboxPaths(ctx.linuxSandboxRoot).bundle : LINUX_LAYOUTS[distro ?? 'debian'].bundle;
    const env = ctx.linuxSandboxRoot ? { ...ctx.env, SSL_CERT_FILE: systemBundle } : ctx.env;
    const verdicts: EndpointVerdict[] = [];
    for (const t of targets) verdicts.push(await interimVerdict(t.host, t.port, env, systemBundle));
    for (const v of verdicts) {
      process.stdout.write(`${v.url}: ${v.trusted ? 'trusted' : v.problems.map(p => p.code).join(', ') || 'not trusted'}\n`);
    }
    process.stdout.write('\n');
    return presentAndRun(await planRepair(verdicts, { ctx, ca: loadLocalCa() }), options);
  },
};

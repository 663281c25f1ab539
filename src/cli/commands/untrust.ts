import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { parseArgs, UsageError } from '../args';
import { certificateRef, readCertificateFile } from '../../core/certs/formats';
import { Ledger } from '../../core/ledger';
import { trustedCertFile } from '../../core/planSteps';
import type { PlanStep } from '../../core/plan';
import { contiguousElevation, mergeSteps } from '../../core/planSteps';
import { trustStoresFor } from '../../core/trust/index';
import type { CertificateRef, TrustContext, TrustStore } from '../../core/trust/store';
import { PLAN_HELP, PLAN_OPTIONS, presentAndRun, trustContext } from '../planCli';

const HELP = `Usage: devcert-doctor untrust [FILE] [options]

Remove what this tool trusted — exactly the entries its ledger records, nothing else. With FILE,
only that certificate. Stores where the certificate was added by someone else are not touched.

${PLAN_HELP}`;

/** The stores named by a ledger target (`linux-system`, `linux-system:<sandbox>`, `nss:<db>`, `node:<bundle>`). */
function storeForTarget(target: string, stores: TrustStore[], ctx: TrustContext): TrustStore | undefined {
  const id = target.split(':')[0];
  const rest = target.slice(id.length + 1);
  // An entry made in a sandbox belongs to that sandbox only (and the real ones to the real stores).
  if (id === 'linux-system' && target !== (ctx.linuxSandboxRoot ? `linux-system:${ctx.linuxSandboxRoot}` : 'linux-system')) return undefined;
  if (id === 'nss' && !rest.startsWith(ctx.homeDir + path.sep)) return undefined;
  return stores.find(s => s.id === id);
}

export const untrustCommand: CliCommand = {
  name: 'untrust',
  summary: 'Remove exactly what this tool trusted (from its ledger)',
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, 'password-env': { type: 'string' } });
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    const ctx = trustContext(options);
    const ledger = Ledger.default(ctx.env);
    const stores = trustStoresFor(ctx.platform);
    let only: string | undefined;
    if (positionals.length) {
      const pwVar = options['password-env'] as string | undefined;
      only = certificateRef(readCertificateFile(positionals[0], { password: pwVar ? process.env[pwVar] : undefined }).certDer).sha1;
    }
    const entries = ledger.entries().filter(e => e.kind === 'trust' && e.thumbprint && (!only || e.thumbprint === only));
    const groups: PlanStep[][] = [];
    const notes: string[] = [];
    const done = new Set<string>();
    for (const e of entries) {
      const store = storeForTarget(e.target, stores, ctx);
      const key = `${e.thumbprint}|${store?.id}`;
      if (!store || done.has(key)) continue;
      done.add(key);
      const file = trustedCertFile({ sha1: e.thumbprint! } as CertificateRef, ctx);
      if (!fs.existsSync(file)) { notes.push(`${e.target}: the saved copy ${file} is missing; remove ${e.thumbprint} by hand.`); continue; }
      groups.push(await store.remove(certificateRef(fs.readFileSync(file)), ctx));
    }
    if (entries.length === 0) notes.push(only ? 'The ledger records no trust entry for this certificate.' : 'The ledger records nothing this tool trusted.');
    const plan = { title: 'Untrust what devcert-doctor added', platform: ctx.platform, steps: contiguousElevation(mergeSteps(...groups)), notes };
    const code = await presentAndRun(plan, options);
    if (code === 0 && !options['dry-run']) {
      // Forget the entries whose stores no longer hold the certificate.
      for (const e of entries) {
        const store = storeForTarget(e.target, stores, ctx);
        const file = trustedCertFile({ sha1: e.thumbprint! } as CertificateRef, ctx);
        if (!store || !fs.existsSync(file)) continue;
        if (!(await store.check(certificateRef(fs.readFileSync(file)), ctx))) ledger.remove(x => x === e || (x.target === e.target && x.thumbprint === e.thumbprint));
      }
    }
    return code;
  },
};

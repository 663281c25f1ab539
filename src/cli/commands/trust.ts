import type { CliCommand } from '../command';
import { envOption, InputError, parseArgs, UsageError } from '../args';
import { certificateRef, loadLocalCa, readCertificateFile } from '../../core/certs';
import { planTrust } from '../../core/repair';
import { type TrustStoreId, trustStoresFor } from '../../core/trust';
import { PLAN_HELP, PLAN_OPTIONS, presentAndRun, trustContext } from '../planCli';

const HELP = `Usage: devcert-doctor trust [FILE | --ca] [--store ID]... [options]

Trust a certificate (PEM, DER or PFX) — by default your local development CA — in this machine's
stores: on Linux the system store (update-ca-certificates / update-ca-trust / trust extract-compat,
elevated), the browsers' NSS databases (certutil) and Node (a NODE_EXTRA_CA_CERTS bundle); on macOS
the login keychain; on Windows CurrentUser\\Root. Stores that already trust it are left alone.

  --ca                  the local development CA (the default when no FILE is given)
  --store ID            only these stores: linux-system, nss, node, darwin-keychain, windows-root
  --password-env VAR    password of a PFX FILE
${PLAN_HELP}`;

export const trustCommand: CliCommand = {
  name: 'trust',
  summary: 'Trust a certificate (default: the local CA) in the system, browser and Node stores',
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, ca: { type: 'boolean' }, store: { type: 'string', multi: true }, 'password-env': { type: 'string' } });
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    let pem: string | Buffer;
    if (positionals.length && !options.ca) {
      pem = readCertificateFile(positionals[0], { password: envOption(options, 'password-env') }).certDer;
    } else {
      const ca = loadLocalCa(); // this machine's CA, also when rendering another platform's plan
      if (!ca) throw new InputError('there is no local development CA yet: run `devcert-doctor generate` first, or give a FILE');
      pem = ca.certPem;
    }
    const cert = certificateRef(pem);
    // After the input is read: a refused file leaves no sandbox behind.
    const ctx = await trustContext(options);
    let stores = trustStoresFor(ctx.platform);
    const only = options.store as string[] | undefined;
    if (only) {
      for (const id of only) if (!stores.some(s => s.id === id)) throw new UsageError(`--store ${id}: not a store on ${ctx.platform} (${stores.map(s => s.id).join(', ')})`);
      stores = stores.filter(s => only.includes(s.id as TrustStoreId));
    }
    return presentAndRun(await planTrust(cert, ctx, stores), options);
  },
};

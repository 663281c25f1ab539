import type { CliCommand } from '../command';
import { envOption, InputError, parseArgs, UsageError } from '../args';
import { certificateRef, loadLocalCa, permittedNamesOf, readCertificateFile } from '../../core/certs';
import { planTrust, unconstrainedCaNote, whyNotTrustable } from '../../core/repair';
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
  --allow-ca            trust a FILE that is a CA, or not a valid self-signed certificate for localhost
                        names only: whoever holds its private key can then impersonate any website to
                        this machine (without it, such a FILE is refused with exit 2)
${PLAN_HELP}`;

export const trustCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, ca: { type: 'boolean' }, store: { type: 'string', multi: true }, 'password-env': { type: 'string' }, 'allow-ca': { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    let pem: string | Buffer;
    const ca = loadLocalCa(); // this machine's CA, also when rendering another platform's plan
    const notes: string[] = [];
    if (positionals.length && !options.ca) {
      const der = readCertificateFile(positionals[0], { password: envOption(options, 'password-env') }).certDer;
      const isLocalCa = ca !== undefined && certificateRef(ca.certDer).sha1 === certificateRef(der).sha1;
      // Only DevCert Doctor's own CA and sound self-signed loopback leaves are trusted without --allow-ca.
      const why = isLocalCa ? undefined : whyNotTrustable(der);
      if (why && !options['allow-ca']) {
        throw new InputError(`${positionals[0]} is not trusted without --allow-ca because ${why}`);
      }
      if (why) notes.push(`Asked for with --allow-ca: whoever holds this certificate's private key can impersonate any website to this machine (${why}).`);
      pem = der;
    } else {
      if (!ca) throw new InputError('there is no local development CA yet: run `devcert-doctor generate` first, or give a FILE');
      pem = ca.certPem;
    }
    if (ca && !permittedNamesOf(ca) && certificateRef(pem).sha1 === certificateRef(ca.certDer).sha1) notes.push(unconstrainedCaNote(ca));
    const cert = certificateRef(pem);
    // After the input is read: a refused file leaves no sandbox behind.
    const ctx = await trustContext(options);
    let stores = trustStoresFor(ctx.platform);
    const only = options.store as string[] | undefined;
    if (only) {
      for (const id of only) if (!stores.some(s => s.id === id)) throw new UsageError(`--store ${id}: not a store on ${ctx.platform} (${stores.map(s => s.id).join(', ')})`);
      stores = stores.filter(s => only.includes(s.id as TrustStoreId));
    }
    const plan = await planTrust(cert, ctx, stores);
    return presentAndRun({ ...plan, notes: [...notes, ...plan.notes] }, options);
  },
};

import type { CliCommand } from '../command';
import { envOption, parseArgs, UsageError } from '../args';
import { certificateRef, readCertificateFile } from '../../core/certs';
import { planClean } from '../../core/repair';
import { PLAN_HELP, PLAN_OPTIONS, presentAndRun, trustContext } from '../planCli';

const HELP = `Usage: devcert-doctor untrust [FILE | --all] [options]

Remove what this tool added — exactly what its ledger records, nothing else, newest first: certificates
it trusted (only its own entries in each store), http.sys bindings (the binding that was there before
is put back), configuration it edited (appsettings.Development.json, .env: the previous contents are
put back unless the file changed since), and files it wrote. With FILE, only that certificate's trust
entries. Afterwards the ledger lists only what is still on the machine.

  --all                 everything the ledger records (the default without FILE)
  --password-env VAR    password of a PFX FILE
${PLAN_HELP}`;

export const untrustCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { ...PLAN_OPTIONS, all: { type: 'boolean' }, 'password-env': { type: 'string' } });
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    if (positionals.length && options.all) throw new UsageError('give a FILE or --all, not both');
    const only = positionals.length
      ? certificateRef(readCertificateFile(positionals[0], { password: envOption(options, 'password-env') }).certDer).sha1 : undefined;
    const ctx = await trustContext(options); // after the input is read: a refused file leaves no sandbox behind
    return presentAndRun(await planClean({ ctx, only }), options);
  },
};

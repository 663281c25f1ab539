import * as path from 'node:path';
import type { CliCommand } from '../command';
import { envOption, InputError, parseArgs, UsageError } from '../args';
import { loadLocalCa, privateKeyPem, readCertificateFile, toPem, toPfx } from '../../core/certs';
import { writeFileAtomic } from '../../core/io';

const HELP = `Usage: devcert-doctor export (FILE | --ca) --format pem|pfx|cer --out FILE [options]

Convert a certificate between the formats servers and stores take. FILE may be PEM, DER or PFX.

  --ca                   export your local development CA's certificate (never its key)
  --format F             pem: certificate (and key, with --with-key) as PEM; pfx: PKCS#12 with the key;
                         cer: DER certificate (Windows Import-Certificate, double-click install)
  --out FILE             the file to write (keys and PFX files are written 0600)
  --key FILE             the private key when FILE holds only the certificate
  --password-env VAR     password of the input PFX / encrypted key
  --out-password-env VAR password for the PFX written (required for --format pfx)
  --with-key             with --format pem: also write the key, to OUT without .pem + -key.pem`;

export const exportCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, {
      ca: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' }, key: { type: 'string' },
      'password-env': { type: 'string' }, 'out-password-env': { type: 'string' }, 'with-key': { type: 'boolean' },
    });
    const format = options.format as string | undefined;
    if (!format || !['pem', 'pfx', 'cer'].includes(format)) throw new UsageError('--format pem|pfx|cer is required');
    const out = options.out as string | undefined;
    if (!out) throw new UsageError('--out FILE is required');
    const outPassword = envOption(options, 'out-password-env');
    if (format === 'pfx' && outPassword === undefined) throw new UsageError('--format pfx needs --out-password-env VAR');
    // Everything is read and checked before the first byte is written: a refused input leaves no file behind.
    let bundle;
    if (options.ca) {
      if (positionals.length) throw new UsageError('give FILE or --ca, not both');
      const ca = loadLocalCa();
      if (!ca) throw new InputError('there is no local development CA yet (devcert-doctor generate creates it)');
      if (format !== 'pem' && format !== 'cer') throw new UsageError('the local CA exports as pem or cer only: its key never leaves the config folder');
      bundle = readCertificateFile(ca.certFile);
      bundle.key = undefined;
    } else {
      if (positionals.length !== 1) throw new UsageError('give exactly one FILE (or --ca)');
      bundle = readCertificateFile(positionals[0], { password: envOption(options, 'password-env'), keyFile: options.key as string | undefined });
    }
    const needsKey = format === 'pfx' || (format === 'pem' && options['with-key']);
    if (needsKey && !bundle.key) throw new InputError(`${positionals[0] ?? 'the local CA'} holds no private key (give --key FILE)`);
    if (format === 'cer') writeFileAtomic(out, bundle.certDer, 0o644);
    else if (format === 'pem') {
      writeFileAtomic(out, [bundle.certDer, ...bundle.chainDer].map(d => toPem(d)).join(''), 0o644);
      if (options['with-key']) {
        const keyOut = path.join(path.dirname(out), `${path.basename(out).replace(/\.pem$/i, '')}-key.pem`);
        writeFileAtomic(keyOut, privateKeyPem(bundle.key!), 0o600);
        process.stdout.write(`Wrote ${keyOut}\n`);
      }
    } else {
      writeFileAtomic(out, toPfx({ certDer: bundle.certDer, chainDer: bundle.chainDer, key: bundle.key!, password: outPassword!, friendlyName: bundle.friendlyName }), 0o600);
    }
    process.stdout.write(`Wrote ${out}\n`);
    return 0;
  },
};

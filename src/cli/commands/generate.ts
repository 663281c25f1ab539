import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { CliCommand } from '../command';
import { envOption, parseArgs, parseIntOption, UsageError } from '../args';
import { CERT_PROFILES, type CertProfileId, generateCertificate, type KeyAlgorithm, loadLocalCa, maxValidityDays, type OutputFormat, outputPaths, writeCertificateFiles } from '../../core/certs';
import { generatedCertsDir } from '../../core/io';

const HELP = `Usage: devcert-doctor generate [options]

Create a development certificate. Keys come from Node's crypto; the key file is written 0600.

  --profile P        local-ca (default: a leaf signed by your local development CA, so trusting the
                     CA once survives every regeneration), aspnetcore (self-signed, the ASP.NET Core
                     dev-cert marker Kestrel looks for), iisexpress (self-signed, friendly name
                     "IIS Express Development Certificate"), client (clientAuth, for mTLS)
  --key rsa|ecdsa    RSA 2048 or ECDSA P-256 (default: ECDSA for local-ca leaves, RSA for the others,
                     as the ASP.NET Core and IIS Express certificates and client certificates are)
  --cn NAME          subject common name (default localhost; for client: "devcert-doctor client")
  --host NAME        a DNS name or IP for the certificate (repeatable; default per profile)
  --days N           validity (default 365; at most 825 for the server profiles, Apple's limit
                     for TLS server certificates, which macOS refuses beyond it)
  --ca               for --profile client: sign with the local CA instead of self-signing
  --out DIR          where to write (default: the config folder's certs/)
  --name NAME        file name stem (default: the profile name)
  --format F         pem (cert + key), pfx, cer (repeatable; default pem)
  --password-env VAR environment variable holding the PFX password (required for --format pfx)
  --force            replace files that already hold a valid certificate
  --json             print the result as JSON

Writes NAME.pem + NAME-key.pem, NAME.pfx, NAME.cer. Running it again without --force keeps a
certificate that is still valid for more than 30 days (it changes nothing).`;

export const generateCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, {
      profile: { type: 'string' }, key: { type: 'string' }, cn: { type: 'string' }, host: { type: 'string', multi: true },
      days: { type: 'string' }, ca: { type: 'boolean' }, out: { type: 'string' }, name: { type: 'string' },
      format: { type: 'string', multi: true }, 'password-env': { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const profile = (options.profile ?? 'local-ca') as CertProfileId;
    if (!CERT_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${CERT_PROFILES.join(', ')}`);
    const key = options.key as string | undefined;
    if (key !== undefined && key !== 'rsa' && key !== 'ecdsa') throw new UsageError('--key must be rsa or ecdsa');
    const formats = ((options.format as string[] | undefined) ?? ['pem']) as OutputFormat[];
    for (const f of formats) if (!['pem', 'pfx', 'cer'].includes(f)) throw new UsageError(`--format must be pem, pfx or cer, got "${f}"`);
    const password = envOption(options, 'password-env');
    if (formats.includes('pfx') && password === undefined) throw new UsageError('--format pfx needs --password-env VAR (the password is never taken on the command line)');
    const days = options.days ? parseIntOption('days', options.days as string, 1, maxValidityDays(profile)) : undefined;
    const dir = (options.out as string | undefined) ?? generatedCertsDir();
    const name = (options.name as string | undefined) ?? profile;
    const paths = outputPaths(dir, name);

    if (!options.force && fs.existsSync(paths.cert) && fs.existsSync(paths.key) && formats.every(f => f === 'pem')) {
      try {
        const x = new crypto.X509Certificate(fs.readFileSync(paths.cert));
        if (Date.parse(x.validTo) > Date.now() + 30 * 86400_000) {
          process.stdout.write(`${paths.cert} already holds a certificate valid until ${new Date(x.validTo).toISOString().slice(0, 10)}; nothing changed (--force to replace).\n`);
          return 0;
        }
      } catch { /* unreadable: replace it */ }
    }
    const gen = await generateCertificate({
      profile, key: key as KeyAlgorithm | undefined, cn: options.cn as string | undefined, hosts: options.host as string[] | undefined, days,
      signWithLocalCa: !!options.ca,
    });
    const written = writeCertificateFiles(gen, dir, name, formats, password);
    const ca = gen.issuerPem ? loadLocalCa() : undefined;
    const result = {
      profile, files: written, sha1: gen.sha1, sha256: gen.sha256, notAfter: gen.notAfter.toISOString(),
      trustAnchor: { subject: gen.trustAnchor.subject, sha1: gen.trustAnchor.sha1, file: gen.issuerPem ? ca?.certFile : written.cert },
      createdCa: gen.createdCa,
    };
    if (options.json) { process.stdout.write(JSON.stringify(result, null, 2) + '\n'); return 0; }
    const lines = [`Generated the ${profile} certificate (${gen.keyAlgorithm === 'ecdsa' ? 'ECDSA P-256' : 'RSA 2048'}), valid until ${result.notAfter.slice(0, 10)}`];
    for (const [k, v] of Object.entries(written)) lines.push(`  ${k.padEnd(5)} ${v}`);
    lines.push(`  SHA-1   ${gen.sha1}`, `  SHA-256 ${gen.sha256}`);
    if (gen.createdCa && ca) lines.push(`Created your local development CA: ${ca.certFile} (key ${ca.keyFile}, mode 0600).`);
    lines.push(gen.issuerPem
      ? `To make it trusted, trust the CA once: devcert-doctor trust --ca`
      : `To make it trusted: devcert-doctor trust ${written.cert ?? written.cer ?? written.pfx}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

/**
 * `devcert-doctor client-cert create`: a client certificate (clientAuth EKU) for servers that require
 * one, as PFX + PEM pair, with the thumbprints an allow-list compares against.
 *
 * The PFX password is never taken from argv (every local user can read a process's arguments):
 * `--password-env VAR` names a variable that holds it. Without one, a random password is generated
 * and printed once on stderr — not on stdout, so `--json` output can be logged or piped without
 * leaking it — and nowhere else; the PEM pair beside the PFX needs no password (its key is 0600).
 */
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { envOption, parseArgs, parseIntOption, UsageError } from '../args';
import { type ClientCertSigner, createClientCertificateFiles, type CreatedClientCertificate, generatePfxPassword, type KeyAlgorithm, OutputPathError } from '../../core/certs';

const DEFAULT_CN = 'devcert-doctor client';
const MAX_DAYS = 3650;

const HELP = `Usage: devcert-doctor client-cert create [options]

Create a client certificate for mTLS development (servers with ClientCertificateMode.RequireCertificate,
APIs that authorize a certificate by its thumbprint). It carries the clientAuth extended key usage.

  --cn NAME              subject common name (default "${DEFAULT_CN}")
  --days N               validity in days, 1-${MAX_DAYS} (default 365)
  --out FILE.pfx         the PFX to write (default ./<cn>.pfx); the PEM pair goes beside it:
                         FILE.pem (certificate) and FILE-key.pem (unencrypted key, mode 0600)
  --password-env VAR     environment variable holding the PFX password. Without it a random password
                         is generated and printed once on stderr (store it, it is not kept anywhere)
  --signed-by self|local-ca
                         self-signed (default), or signed by your local development CA (created in the
                         config folder on first use) for servers that validate the chain
  --key rsa|ecdsa        RSA 2048 (default) or ECDSA P-256
  --force                replace existing files (a server pinning the old thumbprint will refuse the new one)
  --json                 print {pfx, cert, key, sha1, sha256, subject, notAfter, ...} on stdout

Prints the SHA-1 and SHA-256 thumbprints (upper-case hex, as Windows and allow-lists write them).
Exit 0 when written, 1 when the files cannot be written (nothing is left behind), 2 on bad usage.

Then: devcert-doctor check --host localhost --port N --client-cert FILE.pfx --client-cert-password-env VAR
  or, in VS Code settings: "devcertDoctor.clientCertificates": { "localhost:N": { "pfx": "FILE.pfx" } }`;

interface CreateArgs {
  cn: string; days: number; out: string; passwordEnv?: string; signedBy: ClientCertSigner; key: KeyAlgorithm;
  force: boolean; json: boolean;
}

/** Everything that can be wrong with the command line, found before anything is generated or written. */
function parseCreate(argv: string[]): CreateArgs {
  const { options: o, positionals } = parseArgs(argv, {
    cn: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' }, 'password-env': { type: 'string' },
    'signed-by': { type: 'string' }, key: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const cn = ((o.cn as string | undefined) ?? DEFAULT_CN).trim();
  // X.520 caps a CN at 64 characters; control characters would end up in every store's UI.
  if (!cn || cn.length > 64 || /[\u0000-\u001f\u007f]/.test(cn)) throw new UsageError('--cn must be 1-64 printable characters');
  const days = o.days === undefined ? 365 : parseIntOption('days', o.days as string, 1, MAX_DAYS);
  const signedBy = (o['signed-by'] ?? 'self') as string;
  if (signedBy !== 'self' && signedBy !== 'local-ca') throw new UsageError('--signed-by must be self or local-ca');
  const key = (o.key ?? 'rsa') as string;
  if (key !== 'rsa' && key !== 'ecdsa') throw new UsageError('--key must be rsa or ecdsa');
  const out = (o.out as string | undefined) ?? `${cn.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'client'}.pfx`;
  if (!/\.(pfx|p12)$/i.test(out)) throw new UsageError('--out must name a .pfx or .p12 file (the PEM pair is written beside it)');
  const passwordEnv = o['password-env'] as string | undefined;
  envOption(o, 'password-env'); // a named variable that is not set is a usage error
  return { cn, days, out, passwordEnv, signedBy, key, force: !!o.force, json: !!o.json };
}

function describe(r: CreatedClientCertificate, args: CreateArgs): string {
  const lines = [
    `Created a client certificate (${r.signedBy === 'self' ? 'self-signed' : 'signed by your local CA'}, ` +
      `${r.keyAlgorithm === 'ecdsa' ? 'ECDSA P-256' : 'RSA 2048'}, clientAuth), valid until ${r.notAfter.slice(0, 10)}`,
    `  subject  ${r.subject}`,
    `  pfx      ${r.pfx}  (password: ${args.passwordEnv ? `from $${args.passwordEnv}` : 'printed above on stderr'})`,
    `  cert     ${r.cert}`,
    `  key      ${r.key}  (unencrypted, mode 0600)`,
    `  SHA-1    ${r.sha1}`,
    `  SHA-256  ${r.sha256}`,
    '',
    'Allow-list one of these thumbprints on the server.',
  ];
  if (r.signedBy === 'self') {
    // The seed article's readers hit this: the handler never runs for a self-signed certificate.
    lines.push('ASP.NET Core: a self-signed client certificate needs AllowedCertificateTypes = SelfSigned (or All) and',
      'RevocationMode = NoCheck in development — it has no revocation list, so an online check rejects it.');
  } else {
    lines.push(`A server that validates the chain must trust your local CA (${r.issuer}).`);
    if (r.createdCa) lines.push('Your local development CA was created for this certificate (see `devcert-doctor trust --help`).');
  }
  const pwFlag = args.passwordEnv ? ` --client-cert-password-env ${args.passwordEnv}` : ` --client-cert-password-env VAR`;
  lines.push('', `Check a server with it: devcert-doctor check --host localhost --port N --client-cert ${r.pfx}${pwFlag}`);
  return lines.join('\n') + '\n';
}

async function create(argv: string[]): Promise<number> {
  const args = parseCreate(argv);
  const password = args.passwordEnv ? process.env[args.passwordEnv]! : generatePfxPassword();
  let result: CreatedClientCertificate;
  try {
    result = await createClientCertificateFiles({
      cn: args.cn, days: args.days, key: args.key, signedBy: args.signedBy, pfxPath: path.resolve(args.out), password, overwrite: args.force,
    });
  } catch (err) {
    if (err instanceof OutputPathError) {
      process.stderr.write(`devcert-doctor client-cert create: ${err.message}; nothing was written\n`);
      return 1;
    }
    throw err;
  }
  if (!args.passwordEnv) {
    process.stderr.write(`PFX password (shown once, stored nowhere): ${password}\n` +
      'warning: keep it somewhere safe now, or re-create with --password-env VAR to choose it. ' +
      `The PEM pair (${path.basename(result.cert)}, ${path.basename(result.key)}) needs no password.\n`);
  }
  if (args.json) {
    const { issuerPem: _omitted, ...json } = result;
    process.stdout.write(JSON.stringify({ ...json, passwordFromEnv: args.passwordEnv ?? null }, null, 2) + '\n');
  } else {
    process.stdout.write(describe(result, args));
  }
  return 0;
}

export const clientCertCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'create') return create(rest);
    throw new UsageError(sub === undefined ? 'missing subcommand: client-cert create' : `unknown subcommand "${sub}" (try: client-cert create)`);
  },
};

/**
 * `devcert-doctor check [PATH] [--host H] [--port N]... [--timeout MS] [--json]`: probe the HTTPS
 * endpoints a workspace declares (and/or the ones given) and say what each serves and who trusts it.
 * Exit 0: every endpoint checked is fine (also when there was nothing to check: nothing is broken);
 * 1: at least one has a problem; 2: bad usage.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { InputError, parseArgs, parseIntOption, UsageError } from '../args';
import { formatVerdicts, styleFor } from '../output';
import { checkEndpoints, ClientCertificateError, DEFAULT_CONCURRENCY, DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS, loadClientCertificateFromFlags, targetsFrom } from '../../core/check';
import { discoverEndpoints, type DiscoveryResult } from '../../core/endpoints';
import { type ClientCertificateInput, ClientCertificateUnusableError } from '../../core/probe';

const HELP = `Usage: devcert-doctor check [PATH] [--host H] [--port N]... [options]

Does a real TLS handshake with each HTTPS endpoint and reports the certificate it serves, who trusts
it (the system store, Node.js, the browsers' NSS databases on Linux) and every problem found.

  PATH                    a workspace folder: check every localhost HTTPS endpoint it declares
                          (launch.json, launchSettings.json, applicationhost.config, appsettings*.json,
                          .env, angular.json, vite/webpack configs)
  --host H                host to check (default localhost when --port is given); needs --port
  --port N                port to check; may be repeated
  --servername NAME       SNI and the name checked against the certificate (default: localhost for
                          loopback hosts, else the host)
  --timeout MS            per-endpoint timeout; the whole run stays within it (default ${DEFAULT_TIMEOUT_MS},
                          as the extension's devcertDoctor.timeoutMs)
  --expiring-days N       warn when the certificate expires within N days (default ${DEFAULT_EXPIRING_SOON_DAYS},
                          as devcertDoctor.expiringSoonDays)
  --json                  machine-readable output (see README)

Client certificates (mTLS):
  --client-cert FILE      present this certificate (PFX/P12, or PEM/DER with --client-key)
  --client-key FILE       its private key (PEM)
  --client-cert-password-env VAR
                          read the PFX / key password from environment variable VAR
  --request-path /p       after the handshake, send GET /p and report the HTTP status
                          (403 = the application refused, not TLS); default / with --client-cert
  --forward-client-cert   also send the certificate as X-ARR-ClientCert (hex of its DER bytes)

Exit status: 0 every endpoint checked is fine (or there was nothing to check), 1 a problem was found,
2 bad usage or an unusable --client-cert / --client-key.`;

const SPEC = {
  host: { type: 'string', multi: true },
  port: { type: 'string', multi: true },
  servername: { type: 'string' },
  timeout: { type: 'string' },
  'expiring-days': { type: 'string' },
  json: { type: 'boolean' },
  concurrency: { type: 'string' },
  'client-cert': { type: 'string' },
  'client-key': { type: 'string' },
  'client-cert-password-env': { type: 'string' },
  'request-path': { type: 'string' },
  'forward-client-cert': { type: 'boolean' },
} as const;

export const checkCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const started = Date.now();
    const { positionals, options } = parseArgs(argv, SPEC);
    if (positionals.length > 1) throw new UsageError(`give at most one PATH (got ${positionals.join(' ')})`);
    const ports = ((options.port as string[] | undefined) ?? []).map(p => parseIntOption('port', p, 1, 65535));
    const hosts = (options.host as string[] | undefined) ?? [];
    for (const h of hosts) if (!h.trim() || /[\s/]/.test(h)) throw new UsageError(`--host must be a host name or address, got "${h}"`);
    if (hosts.length && !ports.length) throw new UsageError('--host needs --port');
    const timeoutMs = options.timeout !== undefined ? parseIntOption('timeout', options.timeout as string, 1, 600_000) : DEFAULT_TIMEOUT_MS;
    const expiringSoonDays = options['expiring-days'] !== undefined ? parseIntOption('expiring-days', options['expiring-days'] as string, 0, 3650) : DEFAULT_EXPIRING_SOON_DAYS;
    const concurrency = options.concurrency !== undefined ? parseIntOption('concurrency', options.concurrency as string, 1, 1024) : DEFAULT_CONCURRENCY;
    const clientCertFile = options['client-cert'] as string | undefined;
    // With a client certificate, one request tells an application's 403 from a TLS refusal (issue 5: path defaults to /).
    const requestPath = (options['request-path'] as string | undefined) ?? (clientCertFile ? '/' : undefined);
    if (requestPath !== undefined && !requestPath.startsWith('/')) throw new UsageError(`--request-path must start with /, got "${requestPath}"`);
    if (!clientCertFile && (options['client-key'] || options['client-cert-password-env'] || options['forward-client-cert'])) {
      throw new UsageError('--client-key, --client-cert-password-env and --forward-client-cert need --client-cert');
    }
    const folder = positionals[0];
    if (folder === undefined && ports.length === 0) throw new UsageError('give a PATH to a workspace folder, or --port');

    let discovery: DiscoveryResult | undefined;
    if (folder !== undefined) {
      const abs = path.resolve(folder);
      const st = await fs.stat(abs).catch(() => undefined);
      if (!st) throw new UsageError(`${folder}: no such folder`);
      if (!st.isDirectory()) throw new UsageError(`${folder} is not a folder`);
      discovery = await discoverEndpoints(abs);
    }

    let clientCertificate: ClientCertificateInput | undefined;
    if (clientCertFile) {
      try {
        clientCertificate = await loadClientCertificateFromFlags({
          clientCert: clientCertFile, clientKey: options['client-key'] as string | undefined,
          passwordEnv: options['client-cert-password-env'] as string | undefined,
        });
      } catch (err) {
        if (err instanceof ClientCertificateError) throw new InputError(err.message);
        throw err;
      }
    }

    const { targets, notProbed } = targetsFrom(discovery, { hosts, ports, servername: options.servername as string | undefined });
    let verdicts;
    let trustStoreWarnings: readonly string[] = [];
    try {
      verdicts = await checkEndpoints(targets, {
        onTrustStoreWarnings: w => { trustStoreWarnings = w; },
        timeoutMs, concurrency, expiringSoonDays, env: process.env, homeDir: process.env.HOME ?? os.homedir(),
        clientCertificateFor: clientCertificate ? () => clientCertificate : undefined,
        requestPath, forwardClientCertHeader: !!options['forward-client-cert'],
      });
    } catch (err) {
      if (err instanceof ClientCertificateUnusableError) throw new InputError(err.message);
      throw err;
    }

    if (options.json) {
      const doc = {
        endpoints: verdicts,
        ...(notProbed.length ? { notProbed: notProbed.map(e => ({ url: e.url, host: e.host, port: e.port, sources: e.sources })) } : {}),
        ...(discovery?.warnings.length ? { warnings: discovery.warnings } : {}),
        ...(trustStoreWarnings.length ? { trustStoreWarnings } : {}),
      };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(formatVerdicts(verdicts, styleFor(process.stdout), {
        warnings: discovery?.warnings, trustStoreWarnings, notProbed, width: process.stdout.columns, elapsedMs: Date.now() - started,
      }));
    }
    return verdicts.some(v => v.problems.length > 0) ? 1 : 0;
  },
};

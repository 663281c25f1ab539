/**
 * `devcert-doctor`: the CLI on the same engine as the extension. Each command is one file in
 * commands/; this file only dispatches, prints help and turns errors into exit codes without stack traces.
 */
import { InputError, UsageError } from './args';
import { CertificateFormatError } from '../core/certs';
import { displayText } from '../core/io';
import { SandboxError } from '../core/trust';
import type { CliCommand } from './command';

interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The command's module, loaded only when it is the one run: a `check` process does not start up what `repair` or `generate` need. */
  load(): CliCommand;
}

const COMMANDS: CommandEntry[] = [
  { name: 'check', summary: 'Probe HTTPS endpoints: the certificate served, who trusts it, what is wrong', load: () => (require('./commands/check') as typeof import('./commands/check')).checkCommand },
  { name: 'repair', summary: 'Plan and run the fixes for untrusted, expired or misnamed localhost certificates', load: () => (require('./commands/repair') as typeof import('./commands/repair')).repairCommand },
  { name: 'generate', summary: 'Create a development certificate (local-ca, aspnetcore, iisexpress, client)', load: () => (require('./commands/generate') as typeof import('./commands/generate')).generateCommand },
  { name: 'trust', summary: 'Trust a certificate (default: the local CA) in the system, browser and Node stores', load: () => (require('./commands/trust') as typeof import('./commands/trust')).trustCommand },
  { name: 'untrust', summary: 'Remove exactly what this tool added (from its ledger)', load: () => (require('./commands/untrust') as typeof import('./commands/untrust')).untrustCommand },
  { name: 'export', summary: 'Convert a certificate to PEM, PFX or DER (.cer)', load: () => (require('./commands/export') as typeof import('./commands/export')).exportCommand },
  { name: 'client-cert', summary: 'Create a client certificate for mTLS servers (client-cert create)', load: () => (require('./commands/clientCert') as typeof import('./commands/clientCert')).clientCertCommand },
  { name: 'demo', summary: 'Show probe → repair → trusted → untrust on a sample server, in a sandbox', load: () => (require('./commands/demo') as typeof import('./commands/demo')).demoCommand },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length));
  return [
    'Usage: devcert-doctor <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `devcert-doctor <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find(c => c.name === name);
  if (!entry) {
    process.stderr.write(`devcert-doctor: unknown command "${displayText(name)}"\n\n${usage()}\n`);
    return 2;
  }
  const command = entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`devcert-doctor ${name}: ${displayText(err.message)}\nRun \`devcert-doctor ${name} --help\` for usage.\n`);
      return 2;
    }
    if (err instanceof InputError || err instanceof CertificateFormatError || err instanceof SandboxError) {
      // Unusable input: one sentence naming the file and what is wrong; nothing was written.
      process.stderr.write(`devcert-doctor ${name}: ${displayText(oneLine(err.message))}\n`);
      return 2;
    }
    // Errors from the engine carry user-facing messages (quoting paths and subjects); a stack trace only with DEVCERT_DOCTOR_DEBUG.
    process.stderr.write(`devcert-doctor ${name}: ${displayText((err as Error).message ?? String(err))}\n`);
    if (process.env.DEVCERT_DOCTOR_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** Exit codes: 0 fine, 1 a problem found or a plan failed, 2 bad usage or unusable input (README lists them). */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}

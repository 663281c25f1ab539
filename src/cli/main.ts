/**
 * `devcert-doctor`: the CLI on the same engine as the extension. Each command is one file in
 * commands/; this file only dispatches, prints help and turns errors into exit codes without stack traces.
 */
import { InputError, UsageError } from './args';
import { CertificateFormatError } from '../core/certs';
import { displayText } from '../core/io';
import { SandboxError } from '../core/trust';
import type { CliCommand } from './command';
import { checkCommand } from './commands/check';
import { repairCommand } from './commands/repair';
import { generateCommand } from './commands/generate';
import { trustCommand } from './commands/trust';
import { untrustCommand } from './commands/untrust';
import { exportCommand } from './commands/export';
import { clientCertCommand } from './commands/clientCert';
import { demoCommand } from './commands/demo';

const COMMANDS: CliCommand[] = [
  checkCommand, repairCommand, generateCommand, trustCommand, untrustCommand, exportCommand,
  clientCertCommand, demoCommand,
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
  const command = COMMANDS.find(c => c.name === name);
  if (!command) {
    process.stderr.write(`devcert-doctor: unknown command "${displayText(name)}"\n\n${usage()}\n`);
    return 2;
  }
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

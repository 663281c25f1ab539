import type { CliCommand } from '../command';

// Placeholder until this command lands: it says so and exits 1 rather than pretending to work.
export const clientCertCommand: CliCommand = {
  name: 'client-cert',
  summary: '(not yet available)',
  help: 'devcert-doctor client-cert: not yet available.',
  async run() {
    process.stderr.write('devcert-doctor client-cert: not yet available in this build\n');
    return 1;
  },
};

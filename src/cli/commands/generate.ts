import type { CliCommand } from '../command';

// Placeholder until this command lands: it says so and exits 1 rather than pretending to work.
export const generateCommand: CliCommand = {
  name: 'generate',
  summary: '(not yet available)',
  help: 'devcert-doctor generate: not yet available.',
  async run() {
    process.stderr.write('devcert-doctor generate: not yet available in this build\n');
    return 1;
  },
};

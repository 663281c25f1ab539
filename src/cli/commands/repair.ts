import type { CliCommand } from '../command';

// Placeholder until this command lands: it says so and exits 1 rather than pretending to work.
export const repairCommand: CliCommand = {
  name: 'repair',
  summary: '(not yet available)',
  help: 'devcert-doctor repair: not yet available.',
  async run() {
    process.stderr.write('devcert-doctor repair: not yet available in this build\n');
    return 1;
  },
};

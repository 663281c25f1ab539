import type { CliCommand } from '../command';

// Placeholder until this command lands: it says so and exits 1 rather than pretending to work.
export const untrustCommand: CliCommand = {
  name: 'untrust',
  summary: '(not yet available)',
  help: 'devcert-doctor untrust: not yet available.',
  async run() {
    process.stderr.write('devcert-doctor untrust: not yet available in this build\n');
    return 1;
  },
};

/** The shape of one CLI command; each lives in its own file under src/cli/commands/ (its name and one-line summary are in main.ts's list). */
export interface CliCommand {
  /** The full `--help` text. */
  help: string;
  /** Returns the exit code: 0 fine, 1 problems found / operation failed, 2 bad usage or unusable input. */
  run(argv: string[]): Promise<number>;
}

/**
 * `devcert-doctor` as installed (dist/cli.js): loads dist/core.js — the engine and the CLI's commands —
 * with the code cache the build made for it, then runs the command. Kept to Node built-ins so nothing is
 * compiled before the cache is in place (see codeCache.ts).
 */
import * as path from 'node:path';
import { loadBundle } from './codeCache';

const cli = (loadBundle(path.join(__dirname, 'core.js')).exports as { cli: { main(argv: string[]): Promise<number> } }).cli;
// Exit once the output is written, not when the last background task ends: a key search that lost its race
// (certs/keys.ts) would otherwise hold the process until it finishes for nothing.
cli.main(process.argv.slice(2)).then(code => {
  let pending = 2;
  const written = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', written);
  process.stderr.write('', written);
});

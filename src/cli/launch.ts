/**
 * `devcert-doctor` as installed (dist/cli.js): loads the engine (dist/core.js) and the CLI
 * (dist/cli-main.js) with the code cache the build made for them, then runs the command. Kept to Node
 * built-ins so nothing is compiled before the cache is in place (see codeCache.ts).
 */
import * as path from 'node:path';
import { loadBundle } from './codeCache';

const core = loadBundle(path.join(__dirname, 'core.js')).exports;
const cli = loadBundle(path.join(__dirname, 'cli-main.js'), { './core.js': core }).exports as { main(argv: string[]): Promise<number> };
cli.main(process.argv.slice(2)).then(code => { process.exitCode = code; });

// Packs the test-debugger fixture as a VSIX (run with Node >= 22: @vscode/vsce). code-server loads only
// one extensionDevelopmentPath, so the fixture is installed like any extension instead.
//   node24 packFixture.mjs OUT.vsix
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const vsce = require(path.resolve(here, '../../../node_modules/@vscode/vsce'));
await vsce.createVSIX({
  cwd: path.resolve(here, '../fixtures/test-debugger'), packagePath: process.argv[2],
  dependencies: false, allowMissingRepository: true, skipLicense: true,
});

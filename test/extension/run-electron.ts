/**
 * The same host suite through @vscode/test-electron, for machines that can download a desktop VS Code
 * (this one cannot: there, `npm run test:extension` uses code-server). Needs Node >= 22 and the sandbox
 * the code-server runner makes, so it reuses that module:
 *   npm run build && node test/extension/build-tests.mjs && npx esbuild test/extension/run-electron.ts \
 *     --bundle --platform=node --format=cjs --outfile=out/test/extension/run-electron.js --external:@vscode/test-electron \
 *   && node out/test/extension/run-electron.js
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'devcert-electron-'));
  // The sandbox module is ESM (.mjs): load it the way Node loads ESM from CommonJS.
  const { makeSandbox } = await (new Function('p', 'return import(p)'))(path.join(root, 'test/extension/host/sandbox.mjs'));
  const sandbox = makeSandbox(path.join(tmp, 'sandbox'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'test/extension/workspace'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: [root, path.join(root, 'test/extension/fixtures/test-debugger')],
      extensionTestsPath: path.join(root, 'out/test/extension/suite/index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user')],
      extensionTestsEnv: sandbox.env,
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch(err => { console.error(err); process.exit(1); });

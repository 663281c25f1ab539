// Runs the extension-host suite inside a real VS Code extension host (code-server's remote Node host,
// opened in headless Chromium), then the UI test against the packaged VSIX.
//   node test/extension/run-host-tests.mjs [--no-ui] [--ui-only]
// Needs .vscode-host/ (scripts/setup-vscode-host.sh; `npm run test:extension` runs both).
// Exits non-zero on any failure or timeout. DEVCERT_HOST_GREP=pattern runs some tests only.
import path from 'node:path';
import { clock, root } from './host/codeServer.mjs';
import { buildAll, runInHost } from './host/runInHost.mjs';

const args = new Set(process.argv.slice(2));
const log = clock();

let code = 0;
if (!args.has('--ui-only')) {
  log('building extension and suite');
  buildAll();
  code = await runInHost({ testsPath: path.join(root, 'out/test/extension/suite'), log });
  log(`suite exit ${code}`);
}
if (code === 0 && !args.has('--no-ui')) {
  const { runUiTest } = await import('./ui-test.mjs');
  code = await runUiTest(log);
}
process.exit(code);

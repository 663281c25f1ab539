// Runs the extension-host suite inside a real VS Code extension host (code-server's remote Node host,
// opened in headless Chromium), then the UI test against the packaged VSIX.
//   node test/extension/run-host-tests.mjs [--no-ui] [--ui-only]
// Needs .vscode-host/ (scripts/setup-vscode-host.sh). Exits non-zero on any failure or timeout.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clock, installExtension, launchBrowser, node24, NOISE, root, startCodeServer, writeUserSettings } from './host/codeServer.mjs';
import { makeSandbox } from './host/sandbox.mjs';

const args = new Set(process.argv.slice(2));
const log = clock();
const SUITE_TIMEOUT_MS = 360_000;

async function runSuite() {
  log('building extension and suite');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['test/extension/build-tests.mjs'], { cwd: root, stdio: 'inherit' });

  const tmp = mkdtempSync(path.join(tmpdir(), 'devcert-host-'));
  const sandbox = makeSandbox(path.join(tmp, 'sandbox'));
  const workspace = path.join(tmp, 'workspace');
  cpSync(path.join(root, 'test/extension/workspace'), workspace, { recursive: true });
  writeUserSettings(path.join(tmp, 'user'));
  mkdirSync(path.join(tmp, 'exts'), { recursive: true });
  // The `devcert-test` debug type (declared by its own extension, as VS Code requires for its adapter).
  const fixtureVsix = path.join(tmp, 'devcert-test-debugger.vsix');
  execFileSync(node24, ['test/extension/host/packFixture.mjs', fixtureVsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  await installExtension(fixtureVsix, { tmp, extensionsDir: path.join(tmp, 'exts'), env: sandbox.env });

  let cs, browser, finished = false;
  const finish = async (code, why) => {
    if (finished) return; finished = true;
    if (why) console.error(why);
    else if (code !== 0 && process.env.VERBOSE) console.error(cs?.output() ?? '');
    await browser?.close().catch(() => {});
    await cs?.stop();
    rmSync(tmp, { recursive: true, force: true });
    log(`suite exit ${code}`);
    return code;
  };
  return new Promise(async resolve => {
    const timer = setTimeout(async () => resolve(await finish(124, `TIMEOUT after ${SUITE_TIMEOUT_MS / 1000} s\n${cs?.output() ?? ''}`)), SUITE_TIMEOUT_MS);
    try {
      cs = await startCodeServer({ tmp, extensionsDir: path.join(tmp, 'exts'), env: sandbox.env });
      cs.server.on('exit', async c => { if (!finished) { clearTimeout(timer); resolve(await finish(1, `code-server exited (${c})\n${cs.output()}`)); } });
      log('code-server on port', cs.port);
      browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.exposeFunction('codeAutomationLog', (type, a) => {
        if (process.env.VERBOSE || typeof a?.[0] !== 'string' || !NOISE.test(a[0])) (console[type] ?? console.log)(...a);
      });
      await page.exposeFunction('codeAutomationExit', async code => {
        if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT }).catch(() => {});
        clearTimeout(timer);
        resolve(await finish(code));
      });
      const payload = JSON.stringify([
        ['extensionDevelopmentPath', cs.remote(root)],
        ['extensionTestsPath', cs.remote(path.join(root, 'out/test/extension/suite'))],
        ['skipWelcome', 'true'],
      ]);
      await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    } catch (err) {
      clearTimeout(timer);
      resolve(await finish(1, `host setup failed: ${err.stack ?? err}\n${cs?.output() ?? ''}`));
    }
  });
}

let code = 0;
if (!args.has('--ui-only')) code = await runSuite();
if (code === 0 && !args.has('--no-ui')) {
  const { runUiTest } = await import('./ui-test.mjs');
  code = await runUiTest(log);
}
process.exit(code);

// Runs an extensionTestsPath entry (a module exporting run()) inside code-server's extension host, with
// the sandbox's environment and a copy of test/extension/workspace open. Resolves with its exit code.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installExtension, launchBrowser, node24, NOISE, root, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { makeSandbox } from './sandbox.mjs';

/** Builds dist/ and the host entries (suite and bench) into out/test/extension/. */
export function buildAll() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['test/extension/build-tests.mjs'], { cwd: root, stdio: 'inherit' });
}

export async function runInHost({ testsPath, log, timeoutMs = 360_000, env = {} }) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'devcert-host-'));
  const sandbox = makeSandbox(path.join(tmp, 'sandbox'));
  const workspace = path.join(tmp, 'workspace');
  cpSync(path.join(root, 'test/extension/workspace'), workspace, { recursive: true });
  writeUserSettings(path.join(tmp, 'user'));
  const exts = path.join(tmp, 'exts');
  mkdirSync(exts, { recursive: true });
  // The `devcert-test` debug type (declared by its own extension, as VS Code requires for its adapter).
  const fixtureVsix = path.join(tmp, 'devcert-test-debugger.vsix');
  execFileSync(node24, ['test/extension/host/packFixture.mjs', fixtureVsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  await installExtension(fixtureVsix, { tmp, extensionsDir: exts, env: sandbox.env });

  let cs, browser, finished = false;
  return new Promise(async resolve => {
    const finish = async (code, why) => {
      if (finished) return; finished = true;
      clearTimeout(timer);
      if (why) console.error(why);
      else if (code !== 0 && process.env.VERBOSE) console.error(cs?.output() ?? '');
      await browser?.close().catch(() => {});
      await cs?.stop();
      // DEVCERT_HOST_LOGS=dir keeps VS Code's logs (the extension's and the language server's output among them).
      if (process.env.DEVCERT_HOST_LOGS) cpSync(path.join(tmp, 'user', 'logs'), process.env.DEVCERT_HOST_LOGS, { recursive: true });
      rmSync(tmp, { recursive: true, force: true });
      resolve(code);
    };
    const timer = setTimeout(() => finish(124, `TIMEOUT after ${timeoutMs / 1000} s\n${cs?.output() ?? ''}`), timeoutMs);
    try {
      cs = await startCodeServer({ tmp, extensionsDir: exts, env: { ...sandbox.env, ...env } });
      cs.server.on('exit', c => finish(1, `code-server exited (${c})\n${cs.output()}`));
      log('code-server on port', cs.port);
      browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.exposeFunction('codeAutomationLog', (type, a) => {
        if (process.env.VERBOSE || typeof a?.[0] !== 'string' || !NOISE.test(a[0])) (console[type] ?? console.log)(...a);
      });
      await page.exposeFunction('codeAutomationExit', async code => {
        if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT }).catch(() => {});
        finish(code);
      });
      // code-server honours one extensionDevelopmentPath: this extension; the fixture is installed.
      const payload = JSON.stringify([
        ['extensionDevelopmentPath', cs.remote(root)],
        ['extensionTestsPath', cs.remote(testsPath)],
        ['skipWelcome', 'true'],
      ]);
      await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    } catch (err) {
      finish(1, `host setup failed: ${err.stack ?? err}\n${cs?.output() ?? ''}`);
    }
  });
}

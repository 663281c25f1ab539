// UI test: the packaged VSIX installed into code-server like a user would install it, a workspace that
// declares one HTTPS endpoint served with an untrusted (self-signed) certificate, and headless Chromium
// checking what a person sees: the status bar item's text, the quick pick on click, a notification.
// Screenshots go to media/screenshots/ with UPDATE_SCREENSHOTS=1 (the README uses them), else into the run's temp folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { installExtension, launchBrowser, node24, root, startCodeServer, writeUserSettings } from './host/codeServer.mjs';
import { makeSandbox } from './host/sandbox.mjs';

const UI_TIMEOUT_MS = 240_000;
// The README's screenshots are refreshed only on request, so a test run leaves the checkout as it was.
const readmeShots = process.env.UPDATE_SCREENSHOTS ? path.join(root, 'media/screenshots') : undefined;

function selfSignedServer(dir) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
  const server = tls.createServer({ cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) },
    s => { s.on('error', () => {}); s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'); });
  server.on('tlsClientError', () => {});
  return new Promise(res => server.listen(0, '127.0.0.1', () => res(server)));
}

function check(cond, what) { if (!cond) throw new Error(`UI: ${what}`); console.log(`  ✓ ${what}`); }

export async function runUiTest(log) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'devcert-ui-'));
  let cs, browser, server, passed = 0, failed = 0;
  const timer = setTimeout(() => { console.error('UI test TIMEOUT'); process.exit(124); }, UI_TIMEOUT_MS);
  try {
    log('UI test: building and packaging the VSIX');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    const vsix = path.join(tmp, 'devcert-doctor.vsix');
    execFileSync(node24, ['scripts/package.mjs', '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

    mkdirSync(path.join(tmp, 'server'));
    server = await selfSignedServer(path.join(tmp, 'server'));
    const port = server.address().port;
    const workspace = path.join(tmp, 'web-app');
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'devcertDoctor.endpoints': [`https://localhost:${port}`] }, null, 2));
    writeFileSync(path.join(workspace, '.vscode/launch.json'), JSON.stringify({ version: '0.2.0', configurations: [] }, null, 2));
    // An ASP.NET Core project file declaring the same endpoint: the language server's diagnostic sits on its URL.
    mkdirSync(path.join(workspace, 'Api/Properties'), { recursive: true });
    writeFileSync(path.join(workspace, 'Api/Properties/launchSettings.json'), JSON.stringify({
      profiles: { Api: { commandName: 'Project', launchBrowser: true, applicationUrl: `https://localhost:${port};http://localhost:5080`,
        environmentVariables: { ASPNETCORE_ENVIRONMENT: 'Development' } } } }, null, 2));

    const sandbox = makeSandbox(path.join(tmp, 'sandbox'));
    writeUserSettings(path.join(tmp, 'user'), { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.commandCenter.enabled': false });
    const exts = path.join(tmp, 'exts');
    mkdirSync(exts, { recursive: true });
    await installExtension(vsix, { tmp, extensionsDir: exts, env: sandbox.env });
    log('UI test: VSIX installed');

    // As a user runs it: no test driver (it changes how the workbench shows some UI).
    cs = await startCodeServer({ tmp, extensionsDir: exts, env: sandbox.env, testDriver: false });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}`);
    const shots = readmeShots ?? path.join(tmp, 'screenshots');
    mkdirSync(shots, { recursive: true });

    const step = async (what, fn) => {
      try { await fn(); passed++; } catch (err) {
        failed++; console.error(`  ✗ ${what}: ${err.message}`);
        await page.screenshot({ path: path.join(tmp, `failed-${passed + failed}.png`) }).catch(() => {});
      }
    };

    // The item carries our accessibility label, so it is found by what it says, not by DOM internals.
    const item = page.locator('.statusbar-item', { has: page.locator('[aria-label^="DevCert Doctor"]') }).or(page.locator('.statusbar-item[aria-label^="DevCert Doctor"]')).first();
    await step('status bar shows the untrusted endpoint', async () => {
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      // The item passes through "checking" (a re-check on focus, say): wait for this item's settled text.
      let text = '';
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(200)) {
        text = (await item.textContent()) ?? '';
        if (/HTTPS: untrusted/.test(text)) break;
      }
      check(/HTTPS: untrusted/.test(text), `status bar text "${text.trim()}"`);
      await page.screenshot({ path: path.join(shots, 'status-bar-untrusted.png'), clip: { x: 0, y: 800 - 22, width: 1280, height: 22 } });
    });

    await step('tooltip shows the endpoint table', async () => {
      await item.hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: `localhost:${port}` }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      check((await hover.textContent()).includes('Browsers'), 'tooltip has the trust columns');
      await page.screenshot({ path: path.join(shots, 'status-bar-tooltip.png'), clip: { x: 0, y: 500, width: 760, height: 300 } });
      await page.keyboard.press('Escape');
      await page.mouse.move(640, 300);
      await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    });

    await step('click opens the endpoints quick pick', async () => {
      await item.click();
      const qp = page.locator('.quick-input-widget');
      await qp.waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: `localhost:${port}` }).first().waitFor({ timeout: 10_000 });
      const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
      check(rows.some(r => r.includes(`localhost:${port}`)) && rows.some(r => /trust|repair|regenerate/i.test(r)),
        `quick pick lists the endpoint and its fixes (${rows.length} rows)`);
      await page.screenshot({ path: path.join(shots, 'quick-pick.png') });
      await page.keyboard.press('Escape');
    });

    const palette = async (title) => {
      await page.locator('.monaco-workbench').click({ position: { x: 660, y: 400 } });
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.type(`DevCert: ${title}`);
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
    };

    await step('"Check HTTPS endpoints now" shows a notification', async () => {
      await palette('Check HTTPS endpoints now');
      const toast = page.locator('.notification-toast').filter({ hasText: `localhost:${port}` }).first();
      await toast.waitFor({ state: 'visible', timeout: 20_000 });
      check(/self-signed|not trust|untrusted/i.test(await toast.textContent()), 'notification names the problem');
      await page.waitForTimeout(800); // the toast fades in; a screenshot taken at once is half transparent
      await page.screenshot({ path: path.join(shots, 'notification.png') });
    });

    await step('the endpoint\'s line in launchSettings.json carries the diagnostic', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.monaco-workbench').click({ position: { x: 660, y: 400 } });
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.type('launchSettings.json');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'launchSettings.json' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const squiggle = page.locator('.monaco-editor .squiggly-error').first();
      await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
      // Hover the URL itself (a few characters into the string token), as a person would; the editor's
      // hover can miss the first move while it is still laying out, so move away and back if needed.
      const urlToken = page.locator('.monaco-editor .view-lines span', { hasText: `https://localhost:${port}` }).last();
      const hover = page.locator('.monaco-hover').filter({ hasText: 'DevCert Doctor' }).first();
      for (let attempt = 1; ; attempt++) {
        await urlToken.hover({ position: { x: 40, y: 8 } });
        try { await hover.waitFor({ state: 'visible', timeout: 5_000 }); break; } catch (err) {
          if (attempt === 3) throw err;
          await page.mouse.move(700, 600);
        }
      }
      check(/self-signed|not trust/i.test(await hover.textContent()), 'hover on the URL explains the problem');
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shots, 'diagnostic.png') });
      await page.keyboard.press('Escape');
    });

    await step('"Show certificate details" opens a readable view', async () => {
      await page.keyboard.press('Escape');
      await palette('Show certificate details');
      // Rendered by the built-in Markdown preview (in its iframe), or the plain document when it is absent.
      const rendered = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame').locator('body');
      const plain = page.locator('.monaco-editor .view-lines');
      const deadline = Date.now() + 20_000;
      let shown = '';
      for (;;) {
        const texts = [await plain.first().textContent({ timeout: 500 }).catch(() => ''), await rendered.first().textContent({ timeout: 500 }).catch(() => '')];
        shown = texts.find(t => t?.includes('SHA-256')) ?? '';
        if (shown) break;
        if (Date.now() > deadline) throw new Error('no certificate details on screen');
        await page.waitForTimeout(250);
      }
      await page.waitForTimeout(500);
      check(/SHA-256/.test(shown) && /[0-9A-F]{64}/.test(shown.replace(/[\s:]/g, '')), 'certificate details show the thumbprints');
      await page.screenshot({ path: path.join(shots, 'certificate-details.png') });
    });
  } catch (err) {
    failed++;
    console.error(`UI test setup failed: ${err.stack ?? err}\n${cs?.output() ?? ''}`);
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await cs?.stop();
    server?.close();
    if (failed === 0) rmSync(tmp, { recursive: true, force: true }); else console.error(`UI test files kept in ${tmp}`);
  }
  console.log(`ui: ${passed} passed, ${failed} failed`);
  log(`UI test exit ${failed ? 1 : 0}`);
  return failed ? 1 : 0;
}

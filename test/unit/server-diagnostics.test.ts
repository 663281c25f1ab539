/**
 * The language server over a real LSP session, against real TLS servers on 127.0.0.1 serving
 * certificates made by openssl: diagnostics land on the exact text that declares the endpoint, with the
 * right code, severity and words; code actions and hovers follow from them.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { BUNDLE, LspSession, slice, uri } from '../helpers/lspSession';
import type { RunFixArgs } from '../../src/protocol';

const launchSettings = (port: number) => `{
  "profiles": {
    "WebApp": {
      "commandName": "Project",
      "applicationUrl": "https://localhost:${port};http://localhost:5080",
      "environmentVariables": { "ASPNETCORE_ENVIRONMENT": "Development" }
    }
  }
}
`;

describe('language server: diagnostics, code actions, hovers', function () {
  this.timeout(20000);
  let tmp: ReturnType<typeof makeTempDir>;
  let cert: CertFiles;
  let server: RunningServer;
  let session: LspSession;
  let workspace: string;

  before(async () => {
    tmp = makeTempDir('devcert-lsp-');
    cert = makeCert(tmp.dir, 'selfsigned', { cn: 'localhost' });
    server = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    workspace = path.join(tmp.dir, 'ws');
    mkdirSync(path.join(workspace, 'WebApp', 'Properties'), { recursive: true });
    session = await LspSession.start({ folders: [workspace] });
  });

  after(async () => {
    await session?.stop();
    await server?.close();
    tmp?.cleanup();
  });

  const file = () => path.join(workspace, 'WebApp', 'Properties', 'launchSettings.json');
  const isCode = (code: string) => (d: Diagnostic) => d.code === code;
  const text_ = (d: Diagnostic): string => typeof d.message === 'string' ? d.message : d.message.value;

  let diagnostic: Diagnostic;
  let openToDiagnosticsMs = 0;

  it('puts an error on the exact URL of an endpoint serving an untrusted self-signed certificate', async () => {
    const text = launchSettings(server.port);
    const started = Date.now();
    await session.open(file(), text);
    const diags = await session.waitForDiagnostics(file(), d => d.some(isCode('self-signed')));
    openToDiagnosticsMs = Date.now() - started;
    diagnostic = diags.find(isCode('self-signed'))!;
    assert.equal(slice(text, diagnostic.range), `https://localhost:${server.port}`);
    assert.equal(diagnostic.severity, 1 /* Error */);
    assert.equal(diagnostic.source, 'DevCert Doctor');
    assert.match(text_(diagnostic), new RegExp(`https://localhost:${server.port}`));
    assert.match(text_(diagnostic), /self-signed/);
    // One short sentence: who refuses it and why; the long explanation (error names) is the hover's.
    assert.match(text_(diagnostic), /^https:\/\/localhost:\d+ — (Browsers, )?Node and curl\/\.NET refuse it: self-signed, not trusted\.$/);
    assert.doesNotMatch(text_(diagnostic), /ERR_CERT|DEPTH_ZERO/);
    const data = diagnostic.data as { url: string; port: number; fixes: string[]; folder: string };
    assert.equal(data.url, `https://localhost:${server.port}`);
    assert.equal(data.port, server.port);
    assert.equal(data.folder, uri(workspace));
    assert.ok(data.fixes.includes('trust'), `fixes: ${data.fixes}`);
    // The http:// URL of the same list is not an HTTPS endpoint: nothing on it.
    assert.ok(diags.every(d => !slice(text, d.range).startsWith('http://')));
    assert.ok(openToDiagnosticsMs < 3000, `didOpen → diagnostics took ${openToDiagnosticsMs} ms`);
    console.log(`      didOpen → diagnostics with a live TLS server (first check, trust stores read): ${openToDiagnosticsMs} ms`);
  });

  it('offers quick fixes that run the extension repair command with the endpoint and fix id', async () => {
    const actions = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(file()) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    }) as CodeAction[];
    const trust = actions.find(a => (a.command?.arguments?.[0] as RunFixArgs | undefined)?.fix === 'trust');
    assert.ok(trust, `actions: ${actions.map(a => a.title).join(' | ')}`);
    assert.equal(trust.kind, 'quickfix');
    assert.equal(trust.command!.command, 'devcertDoctor.repair');
    assert.deepEqual(trust.command!.arguments![0], {
      fix: 'trust', url: `https://localhost:${server.port}`, port: server.port, folder: uri(workspace), file: uri(file()),
    });
    assert.deepEqual(trust.diagnostics, [diagnostic]);
    // A diagnostic from someone else gets nothing from this server.
    const foreign = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(file()) }, range: diagnostic.range,
      context: { diagnostics: [{ ...diagnostic, source: 'json' }] },
    }) as CodeAction[];
    assert.deepEqual(foreign, []);
  });

  it('hovers the URL with the served certificate: subject, SANs, thumbprints, trust', async () => {
    const hover = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: uri(file()) },
      position: { line: diagnostic.range.start.line, character: diagnostic.range.start.character + 3 },
    }) as Hover;
    assert.ok(hover, 'no hover');
    const md = (hover.contents as MarkupContent).value as string;
    const x = new X509Certificate(cert.certPem);
    const sha256 = x.fingerprint256.replace(/:/g, '');
    const sha1 = x.fingerprint.replace(/:/g, '');
    assert.match(md, /CN=localhost/);
    assert.ok(md.includes(sha256), 'SHA-256 thumbprint missing');
    assert.ok(md.includes(sha1), 'SHA-1 thumbprint missing');
    assert.match(md, /127\.0\.0\.1/); // a SAN
    assert.match(md, /system: \*\*no\*\*/);
    // Acceptance first, then the long explanation, once.
    assert.match(md, /Node: \*\*refuse\*\* · curl\/OpenSSL: \*\*refuse\*\*/);
    assert.ok(md.indexOf('refuse**') < md.indexOf('| Subject'), 'acceptance comes before the certificate table');
    assert.equal(md.split('is self-signed and not trusted').length - 1, 1, `the long message once: ${md}`);
    assert.match(md, /command:devcertDoctor\.repair\?/);
    assert.deepEqual(hover.range, diagnostic.range);
    // Outside any declaration: no hover.
    const none = await session.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file()) }, position: { line: 0, character: 0 } });
    assert.equal(none, null);
  });

  it('re-parses unsaved edits: the diagnostic follows the URL to its new place', async () => {
    const text = `{\n  // moved\n  "profiles": { "Api": { "commandName": "Project", "applicationUrl": "http://localhost:5080;https://127.0.0.1:${server.port}" } }\n}\n`;
    await session.change(file(), text);
    const diags = await session.waitForDiagnostics(file(), d => d.some(x => isCode('self-signed')(x) && x.range.start.line === 2));
    const d = diags.find(isCode('self-signed'))!;
    assert.equal(slice(text, d.range), `https://127.0.0.1:${server.port}`);
  });

  it('turns a malformed file into a warning on the line of the error', async () => {
    const bad = `{\n  "profiles": {\n    "WebApp": {\n      "applicationUrl": "https://localhost:${server.port}"\n      "commandName": "Project"\n    }\n  }\n}\n`;
    await session.change(file(), bad);
    const diags = await session.waitForDiagnostics(file(), d => d.some(isCode('unreadable-config')));
    const w = diags.find(isCode('unreadable-config'))!;
    assert.equal(w.severity, 2 /* Warning */);
    assert.equal(w.range.start.line, 4, `warning on line ${w.range.start.line + 1}: ${w.message}`);
    assert.equal(slice(bad, w.range), '"commandName": "Project"');
    assert.match(text_(w), /not valid JSON/);
  });

  it('clears the diagnostics of a file outside every folder when it is closed', async () => {
    const outside = path.join(tmp.dir, 'elsewhere', 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(outside), { recursive: true });
    // A listener nothing has probed yet: this open pays for a real handshake (trust stores already read).
    const second = await startTlsServer({ cert: cert.certPem, key: cert.keyPem });
    try {
      const started = Date.now();
      await session.open(outside, launchSettings(second.port));
      await session.waitForDiagnostics(outside, d => d.some(isCode('self-signed')));
      console.log(`      didOpen → diagnostics, new endpoint, warm server: ${Date.now() - started} ms`);
    } finally {
      await second.close();
    }
    await session.close(outside);
    await session.waitForDiagnostics(outside, d => d.length === 0);
  });

  it('publishes for files on disk it discovered, and follows changes reported by the file watcher', async () => {
    const onDisk = path.join(workspace, 'Other', 'Properties', 'launchSettings.json');
    mkdirSync(path.dirname(onDisk), { recursive: true });
    writeFileSync(onDisk, launchSettings(server.port));
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(onDisk), type: 1 }] });
    const diags = await session.waitForDiagnostics(onDisk, d => d.some(isCode('self-signed')));
    assert.equal(slice(launchSettings(server.port), diags.find(isCode('self-signed'))!.range), `https://localhost:${server.port}`);
    writeFileSync(onDisk, '{ "profiles": {} }\n');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(onDisk), type: 2 }] });
    await session.waitForDiagnostics(onDisk, d => d.length === 0);
  });

  it('tells the client the verdicts per folder (status bar, debug gate)', async () => {
    const v = await session.waitFor(() => session.verdicts.filter(x => x.folder === uri(workspace)).pop(), 5000, 'verdicts');
    assert.ok(v.verdicts.some(x => x.port === server.port && x.problems.some(p => p.code === 'self-signed')));
    const asked = await session.connection.sendRequest('devcertDoctor/verdictsFor', { folder: uri(workspace) }) as { verdicts: Array<{ port: number }> };
    assert.ok(asked.verdicts.some(x => x.port === server.port));
    assert.equal(await session.connection.sendRequest('devcertDoctor/verdictsFor', { folder: 'file:///nowhere' }), null);
  });

  it('stops publishing when diagnostics are disabled in settings', async () => {
    await session.change(file(), launchSettings(server.port));
    await session.waitForDiagnostics(file(), d => d.some(isCode('self-signed')));
    session.configuration = { diagnostics: { enable: false } };
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await session.waitForDiagnostics(file(), d => d.length === 0);
    session.configuration = {};
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await session.waitForDiagnostics(file(), d => d.some(isCode('self-signed')));
  });

  it('is what the bundled dist/server.js does too (the file the extension starts)', async function () {
    if (!existsSync(BUNDLE)) this.skip(); // `npm test` builds first; a bare mocha run may not have
    const bundled = await LspSession.start({ folders: [workspace], bundled: true });
    try {
      const text = launchSettings(server.port);
      const started = Date.now();
      await bundled.open(file(), text);
      const diags = await bundled.waitForDiagnostics(file(), d => d.some(isCode('self-signed')));
      console.log(`      bundled server: didOpen → diagnostics ${Date.now() - started} ms`);
      assert.equal(slice(text, diags.find(isCode('self-signed'))!.range), `https://localhost:${server.port}`);
    } finally {
      await bundled.stop();
    }
  });
});

/**
 * Certificate paths in Kestrel configuration get the certificate's problems too: an endpoint's own
 * `Certificate:Path`, and `Certificates:Default` for the project's endpoints that name none.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';
import { LspSession, slice, uri } from '../helpers/lspSession';

const messageOf = (d: Diagnostic): string => typeof d.message === 'string' ? d.message : d.message.value;

describe('language server: certificate paths in Kestrel configuration', function () {
  this.timeout(20000);
  let tmp: ReturnType<typeof makeTempDir>;
  let own: RunningServer;
  let byDefault: RunningServer;
  let session: LspSession;

  before(async () => {
    tmp = makeTempDir('devcert-lsp-cert-');
    const c = makeCert(tmp.dir, 'selfsigned', { cn: 'localhost' });
    own = await startTlsServer({ cert: c.certPem, key: c.keyPem });
    byDefault = await startTlsServer({ cert: c.certPem, key: c.keyPem });
  });
  after(async () => {
    await session?.stop();
    await own?.close();
    await byDefault?.close();
    tmp?.cleanup();
  });

  it('marks the URL and the certificate path of an endpoint, and the default certificate for the project', async () => {
    const ws = path.join(tmp.dir, 'ws');
    const project = path.join(ws, 'Api');
    mkdirSync(path.join(project, 'Properties'), { recursive: true });
    session = await LspSession.start({ folders: [ws] });

    const launch = path.join(project, 'Properties', 'launchSettings.json');
    await session.open(launch, `{ "profiles": { "Api": { "commandName": "Project", "applicationUrl": "https://localhost:${byDefault.port}" } } }\n`);
    const appsettings = path.join(project, 'appsettings.json');
    const text = `{
  "Kestrel": {
    "Endpoints": {
      "Https": {
        "Url": "https://localhost:${own.port}",
        "Certificate": { "Path": "certs/dev.pfx", "Password": "secret" }
      }
    },
    "Certificates": { "Default": { "Path": "certs/default.pfx" } }
  }
}
`;
    await session.open(appsettings, text);
    const diags = await session.waitForDiagnostics(appsettings, d => d.filter(x => x.code === 'self-signed').length >= 3);
    const at = (s: string) => diags.filter(d => d.code === 'self-signed' && slice(text, d.range) === s);

    assert.equal(at(`https://localhost:${own.port}`).length, 1);
    const ownCert = at('certs/dev.pfx');
    assert.equal(ownCert.length, 1);
    assert.match(messageOf(ownCert[0]), new RegExp(`certificate configured here .*dev\\.pfx.* is served on https://localhost:${own.port}`));
    assert.equal((ownCert[0].data as { url: string }).url, `https://localhost:${own.port}`);

    const def = at('certs/default.pfx');
    assert.equal(def.length, 1, 'the default certificate carries the problem of the endpoint that uses it');
    assert.equal((def[0].data as { url: string }).url, `https://localhost:${byDefault.port}`);
    assert.ok(!messageOf(def[0]).includes(`:${own.port}`), 'an endpoint with its own certificate does not use the default');

    const hover = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: uri(appsettings) }, position: { line: def[0].range.start.line, character: def[0].range.start.character + 2 },
    }) as Hover;
    assert.match((hover.contents as MarkupContent).value, new RegExp(`https://localhost:${byDefault.port}`));
  });
});

/**
 * `*.localhost` (RFC 6761) declared by a workspace, as Aspire AppHosts do (`https://app.dev.localhost:PORT`):
 * discovery keeps the name, the probe connects on loopback (127.0.0.1, not DNS) and sends the name as
 * SNI, and the certificate is checked against that name — against a real TLS server on 127.0.0.1.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import type * as tls from 'node:tls';
import * as path from 'node:path';
import { checkEndpoints, targetsFrom } from '../../src/core/check/checkEndpoints';
import { discoverEndpoints } from '../../src/core/endpoints';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';

describe('*.localhost endpoints: probed on loopback with the name as SNI and in the name check', function () {
  this.timeout(60000);
  const tmp = makeTempDir('devcert-localhost-sub-');
  const running: RunningServer[] = [];
  after(async () => { await Promise.all(running.map(s => s.close())); tmp.cleanup(); });

  async function scenario(san: string) {
    const dir = path.join(tmp.dir, san.replace(/\W/g, '_'));
    mkdirSync(path.join(dir, 'home'), { recursive: true });
    const ca = makeCert(dir, 'ca', { ca: true, days: 365 });
    const leaf = makeCert(dir, 'leaf', { issuer: ca, cn: 'app.dev.localhost', san });
    const sni: string[] = [];
    // Recorded during the ClientHello: the probe may close before the server sees the handshake end.
    const server = await startTlsServer({
      key: leaf.keyPem, cert: leaf.certPem,
      SNICallback: (name: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => { sni.push(name); cb(null); },
    });
    running.push(server);
    const project = path.join(dir, 'AppHost', 'Properties');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'launchSettings.json'), JSON.stringify({
      profiles: { https: { commandName: 'Project', applicationUrl: `https://app.dev.localhost:${server.port};http://app.dev.localhost:15000` } },
    }, null, 2));
    // The same port as plain localhost elsewhere stays a second endpoint: the name is what is tested.
    writeFileSync(path.join(dir, '.env'), `HTTPS=true\nPORT=${server.port}\n`);
    const discovery = await discoverEndpoints(dir);
    const env = { SSL_CERT_FILE: ca.cert, SSL_CERT_DIR: path.join(dir, 'none'), NODE_EXTRA_CA_CERTS: ca.cert, HOME: path.join(dir, 'home') };
    const { targets, notProbed } = targetsFrom(discovery);
    const verdicts = await checkEndpoints(targets, { timeoutMs: 5000, env, homeDir: env.HOME, platform: 'linux' });
    return { discovery, targets, notProbed, verdicts, sni, port: server.port };
  }

  it('a certificate for app.dev.localhost: probed at 127.0.0.1 with SNI app.dev.localhost, no problem', async () => {
    const r = await scenario('DNS:app.dev.localhost');
    const named = r.discovery.endpoints.find(e => e.host === 'app.dev.localhost')!;
    assert.equal(named.loopback, true);
    assert.equal(named.url, `https://app.dev.localhost:${r.port}`);
    assert.deepEqual(r.notProbed, []);
    assert.deepEqual(r.targets.map(t => t.host).sort(), ['app.dev.localhost', 'localhost']);
    const v = r.verdicts.find(x => x.host === 'app.dev.localhost')!;
    assert.deepEqual(v.problems.map(p => p.code), []);
    assert.ok(r.sni.includes('app.dev.localhost'), `SNI seen: ${JSON.stringify(r.sni)}`);
    // Plain localhost on the same listener is checked against `localhost`, which this certificate lacks.
    assert.ok(r.verdicts.find(x => x.host === 'localhost')!.problems.some(p => p.code === 'name-mismatch'));
  });

  it('a certificate for localhost only: app.dev.localhost is a name mismatch', async () => {
    const r = await scenario('DNS:localhost,IP:127.0.0.1');
    const v = r.verdicts.find(x => x.host === 'app.dev.localhost')!;
    assert.ok(v.problems.some(p => p.code === 'name-mismatch'), JSON.stringify(v.problems.map(p => [p.code, p.message])) + JSON.stringify(r.sni));
    assert.ok(r.sni.includes('app.dev.localhost'));
  });
});

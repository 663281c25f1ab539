/**
 * A certificate made by `devcert-doctor client-cert create` works where it is meant to: the server
 * that pins the thumbprint the command printed answers 200 (presented from the PFX with its password
 * from an environment variable, and from the PEM pair), a different created certificate gets 403,
 * one signed by the local CA passes a server that validates the chain, and the forwarded header
 * carries it to an app behind a proxy.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import { startForwardedHeaderServer, startThumbprintServer, startTlsRejectingServer, type MtlsServer } from '../helpers/mtlsServers';
import { makeTempDir } from '../helpers/sandbox';
import { CLI, runCli, sandboxEnv } from '../helpers/mtlsCli';

interface Created { pfx: string; cert: string; key: string; sha1: string; sha256: string; subject: string; notAfter: string }

describe('client-cert create → accepted by the server that pins it (dist/cli.js)', function () {
  this.timeout(60000);
  let tmp: ReturnType<typeof makeTempDir>;
  let set: MtlsCertSet;
  let env: NodeJS.ProcessEnv;
  const servers: MtlsServer[] = [];
  const id = () => ({ certPem: set.server.certPem, keyPem: set.server.keyPem });

  before(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmp = makeTempDir('mtls-create-');
    set = makeMtlsCertSet(tmp.dir);
    env = sandboxEnv(set, tmp.dir, { CLIENT_PFX_PASSWORD: 'correct horse' });
  });
  afterEach(async () => { await Promise.all(servers.splice(0).map(s => s.close())); });
  after(() => tmp.cleanup());

  async function create(name: string, extra: string[] = []): Promise<Created> {
    const r = await runCli(['client-cert', 'create', '--cn', name, '--out', path.join(tmp.dir, `${name}.pfx`),
      '--password-env', 'CLIENT_PFX_PASSWORD', '--json', ...extra], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Created;
  }

  async function check(port: number, args: string[]): Promise<{ code: number; verdict: { httpStatus?: number; problems: { code: string; message: string }[] } }> {
    const r = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--request-path', '/api/values', ...args], env);
    assert.ok(r.stdout, r.stderr);
    return { code: r.code, verdict: JSON.parse(r.stdout).endpoints[0] };
  }

  it('the pinning server answers 200 to the created certificate (PFX and PEM), 403 to another created one', async () => {
    const mine = await create('api-caller');
    const other = await create('someone-else');
    assert.notEqual(mine.sha1, other.sha1);
    // The server pins exactly what the command printed, as an allow-list in appsettings would.
    const s = await startThumbprintServer({ ...id(), allow: [mine.sha1] });
    servers.push(s);

    const viaPfx = await check(s.port, ['--client-cert', mine.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD']);
    assert.equal(viaPfx.verdict.httpStatus, 200);
    assert.deepEqual(viaPfx.verdict.problems.map(p => p.code), []);
    assert.equal(viaPfx.code, 0);

    const viaPem = await check(s.port, ['--client-cert', mine.cert, '--client-key', mine.key]);
    assert.equal(viaPem.verdict.httpStatus, 200);

    const wrong = await check(s.port, ['--client-cert', other.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD']);
    assert.equal(wrong.verdict.httpStatus, 403);
    assert.deepEqual(wrong.verdict.problems.map(p => p.code).filter(c => c.startsWith('client-cert')), []);

    assert.deepEqual(s.requests.map(r => [r.path, r.sha1, r.status]), [
      ['/api/values', mine.sha1, 200], ['/api/values', mine.sha1, 200], ['/api/values', other.sha1, 403],
    ]);
  });

  it('SHA-256 pins work too (the thumbprint printed is the one the server computes)', async () => {
    const mine = await create('sha256-caller', ['--key', 'ecdsa']);
    const s = await startThumbprintServer({ ...id(), allow: [mine.sha256], maxVersion: 'TLSv1.2' });
    servers.push(s);
    const r = await check(s.port, ['--client-cert', mine.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD']);
    assert.equal(r.verdict.httpStatus, 200);
  });

  it('--signed-by local-ca: a server that validates against the local CA accepts it; self-signed is refused there', async () => {
    const signed = await create('ca-signed', ['--signed-by', 'local-ca']);
    const selfSigned = await create('self-signed');
    const caPem = fs.readFileSync(path.join(String(env.DEVCERT_DOCTOR_HOME), 'ca', 'rootCA.pem'), 'utf8');
    const s = await startTlsRejectingServer({ ...id(), caPem });
    servers.push(s);
    const ok = await check(s.port, ['--client-cert', signed.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD']);
    assert.equal(ok.verdict.httpStatus, 200);
    assert.deepEqual(ok.verdict.problems, []);
    const refused = await check(s.port, ['--client-cert', selfSigned.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD']);
    assert.deepEqual(refused.verdict.problems.map(p => p.code), ['client-cert-rejected']);
    assert.equal(refused.code, 1);
    // The hint the seed article's readers needed: self-signed + online revocation checking never works.
    assert.match(refused.verdict.problems[0].message, /RevocationMode/);
  });

  it('behind a forwarding proxy: --forward-client-cert carries the created certificate in X-ARR-ClientCert → 200', async () => {
    const mine = await create('forwarded-caller');
    const s = await startForwardedHeaderServer({ ...id(), allow: [mine.sha1] });
    servers.push(s);
    const r = await check(s.port, ['--client-cert', mine.pfx, '--client-cert-password-env', 'CLIENT_PFX_PASSWORD', '--forward-client-cert']);
    assert.equal(r.verdict.httpStatus, 200);
    assert.deepEqual(s.requests.map(q => q.sha1), [mine.sha1]);
  });
});

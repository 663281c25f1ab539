/**
 * `node dist/cli.js check --host localhost --port N --json --client-cert … --request-path /` against
 * real mTLS servers: no certificate, the right one, one from another CA, an expired one, one without
 * clientAuth — each told apart as required / rejected / accepted-but-403 / accepted-200.
 * Needs `npm run build` first (it grades the shipped bundle, as a user runs it).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeClientCert, makeMtlsCertSet, type MtlsCertSet } from '../helpers/clientCerts';
import { makeCert } from '../helpers/openssl';
import { MtlsServerPool, assertOutcome, caseTitle, clientFiles, mtlsCases, type VerdictLike } from '../helpers/mtlsCases';
import { makeTempDir } from '../helpers/sandbox';
import { CLI, runCli, sandboxEnv, type CliRun } from '../helpers/mtlsCli';

describe('check --client-cert against real mTLS servers (dist/cli.js)', function () {
  this.timeout(60000);
  let tmp: ReturnType<typeof makeTempDir>;
  let set: MtlsCertSet;
  let pool: MtlsServerPool;
  let env: NodeJS.ProcessEnv;

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmp = makeTempDir('mtls-cli-');
    set = makeMtlsCertSet(tmp.dir);
    pool = new MtlsServerPool(set);
    env = sandboxEnv(set, tmp.dir);
  });
  after(async () => { await pool?.close(); tmp?.cleanup(); });

  async function check(port: number, extra: string[]): Promise<{ run: CliRun; verdict: VerdictLike }> {
    const run = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--timeout', '4000', '--request-path', '/', ...extra], env);
    let doc: { endpoints: VerdictLike[] };
    try { doc = JSON.parse(run.stdout); } catch { throw new Error(`no JSON (exit ${run.code}): ${run.stderr}`); }
    assert.equal(doc.endpoints.length, 1);
    return { run, verdict: doc.endpoints[0] };
  }

  for (const c of mtlsCases()) {
    const test = c.knownIssue ? it.skip : it;
    test(caseTitle(c) + (c.knownIssue ? ` [known issue: ${c.knownIssue}]` : ''), async () => {
      const port = await pool.port(c.server, c.tls);
      const files = clientFiles(set, c.client);
      const args = files ? ['--client-cert', files.cert, '--client-key', files.key] : [];
      if (files && c.server === 'forwarded') args.push('--forward-client-cert');
      const { run, verdict } = await check(port, args);
      assertOutcome(verdict, c);
      // Exit status: 0 only when nothing is wrong; a TLS-level refusal is a problem.
      if (c.expect === 'ok') assert.equal(run.code, 0, run.stderr);
      if (c.expect === 'required' || c.expect === 'rejected') assert.equal(run.code, 1, run.stderr);
    });
  }

  it('forwarded-header server without --forward-client-cert: the certificate never reaches the app → 403', async () => {
    const port = await pool.port('forwarded', 'TLSv1.3');
    const { verdict } = await check(port, ['--client-cert', set.good.cert, '--client-key', set.good.key]);
    assertOutcome(verdict, { server: 'forwarded', tls: 'TLSv1.3', client: 'good', expect: 'forbidden' });
  });

  it('--client-cert without --request-path requests / (issue 5): a thumbprint server\'s 403 is reported, not hidden', async () => {
    const port = await pool.port('forwarded', 'TLSv1.3');
    const run = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--timeout', '4000',
      '--client-cert', set.good.cert, '--client-key', set.good.key], env);
    const verdict = JSON.parse(run.stdout).endpoints[0] as VerdictLike;
    assert.equal(verdict.httpStatus, 403, run.stdout);
    assertOutcome(verdict, { server: 'forwarded', tls: 'TLSv1.3', client: 'good', expect: 'forbidden' });
    // Without a client certificate nothing is requested after the handshake.
    const plain = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--timeout', '4000'], env);
    assert.equal(JSON.parse(plain.stdout).endpoints[0].httpStatus, undefined);
  });

  it('a certificate under an intermediate CA: without the intermediate it is rejected (chain not sent); with it, 200', async () => {
    const intermediate = makeCert(tmp.dir, 'client-int', { ca: true, issuer: set.clientCa, days: 365 });
    const leaf = makeClientCert(tmp.dir, 'leaf-under-int', { issuer: intermediate });
    const withChain = path.join(tmp.dir, 'leaf-with-chain.pem');
    fs.writeFileSync(withChain, leaf.certPem + intermediate.certPem);
    // The server knows only the root, as Kestrel does with the root in its store.
    const port = await pool.port('tls-reject', 'TLSv1.3');
    const bare = await check(port, ['--client-cert', leaf.cert, '--client-key', leaf.key]);
    assert.deepEqual(bare.verdict.problems.map(p => p.code), ['client-cert-rejected']);
    assert.ok((bare.verdict.clientCertificate?.findings ?? []).some(f => f.code === 'chain-not-sent'), JSON.stringify(bare.verdict.clientCertificate));
    assert.match(bare.verdict.problems[0].message, /client-int CA/, 'names the issuer that was not sent');
    const chained = await check(port, ['--client-cert', withChain, '--client-key', leaf.key]);
    assert.equal(chained.verdict.httpStatus, 200);
    assert.deepEqual(chained.verdict.problems, []);
  });

  it('a PFX with its password from --client-cert-password-env is presented (200); a wrong password is a clear error', async () => {
    const pfx = path.join(tmp.dir, 'good.pfx');
    await new Promise<void>((res, rej) => execFile('openssl', ['pkcs12', '-export', '-in', set.good.cert, '-inkey', set.good.key,
      '-out', pfx, '-passout', 'pass:pfx-pw'], err => (err ? rej(err) : res())));
    const port = await pool.port('tls-reject', 'TLSv1.3');
    const ok = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json', '--request-path', '/',
      '--client-cert', pfx, '--client-cert-password-env', 'MY_PFX_PASSWORD'], { ...env, MY_PFX_PASSWORD: 'pfx-pw' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).endpoints[0].httpStatus, 200);
    const bad = await runCli(['check', '--host', 'localhost', '--port', String(port), '--json',
      '--client-cert', pfx, '--client-cert-password-env', 'MY_PFX_PASSWORD'], { ...env, MY_PFX_PASSWORD: 'nope' });
    assert.notEqual(bad.code, 0);
    assert.ok(bad.stderr.includes(`wrong password for ${pfx}`), bad.stderr);
    assert.doesNotMatch(bad.stderr + bad.stdout, /nope/, 'the password is never echoed');
  });
});

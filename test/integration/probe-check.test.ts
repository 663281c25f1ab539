/**
 * checkEndpoints: many endpoints at once, in order, within the timeout — a crowd of silent peers must
 * not push the run past it — and judged against the sandboxed anchors it loads meanwhile.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkEndpoints } from '../../src/core/check/checkEndpoints';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';
import { freePort, startTcpServer, startTlsServer, type RunningServer } from '../helpers/servers';

describe('probe: checkEndpoints', function () {
  this.timeout(60000);
  const tmp = makeTempDir('devcert-check-');
  const running: RunningServer[] = [];
  after(async () => { await Promise.all(running.map(s => s.close())); tmp.cleanup(); });

  it('probes concurrently, keeps the order, and the whole run stays near the timeout', async () => {
    const ca = makeCert(tmp.dir, 'ca', { ca: true, days: 365 });
    const leaf = makeCert(tmp.dir, 'leaf', { issuer: ca });
    mkdirSync(path.join(tmp.dir, 'home'));
    const env = { SSL_CERT_FILE: ca.cert, SSL_CERT_DIR: path.join(tmp.dir, 'none'), NODE_EXTRA_CA_CERTS: ca.cert, HOME: path.join(tmp.dir, 'home') };
    const good = await startTlsServer({ key: leaf.keyPem, cert: leaf.certPem });
    running.push(good);
    const silent: RunningServer[] = [];
    for (let i = 0; i < 40; i++) silent.push(await startTcpServer(() => { /* accepts, never answers */ }));
    running.push(...silent);
    const closed = await freePort();
    const targets = [
      { host: 'localhost', port: good.port },
      ...silent.map(s => ({ host: '127.0.0.1', port: s.port })),
      { host: 'localhost', port: closed },
      { host: 'localhost', port: good.port }, // the same endpoint twice is probed once
    ];
    const timeoutMs = 600;
    const t0 = performance.now();
    const verdicts = await checkEndpoints(targets, { timeoutMs, env, homeDir: env.HOME, platform: 'linux' });
    const took = performance.now() - t0;
    assert.equal(verdicts.length, 42);
    assert.deepEqual(verdicts[0].problems, []);
    assert.equal(verdicts[0].trusted, true);
    assert.ok(verdicts.slice(1, 41).every(v => v.problems.length === 1 && v.problems[0].code === 'timeout'));
    assert.deepEqual(verdicts[41].problems.map(p => p.code), ['not-listening']);
    assert.deepEqual(verdicts.map(v => v.port), [good.port, ...silent.map(s => s.port), closed]);
    // 40 silent peers at 16 at a time would take 3 × 600 ms if each held its slot to the end.
    assert.ok(took < timeoutMs + 500, `run took ${took.toFixed(0)} ms`);
  });
});

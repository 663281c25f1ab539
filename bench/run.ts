/**
 * `npm run bench`: speed measured against baselines in the same run, medians over repeated runs.
 * Never asserted in tests. Writes bench/results.md.
 *
 *  1. one probe vs a bare `tls.connect` handshake (same process), `openssl s_client` and `curl` (processes)
 *  2. a check of the IIS Express range 44300–44399 with none and with 10 ports listening
 *  3. certificate generation vs `mkcert` and `openssl req -x509 -newkey rsa:2048`
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { probeEndpoint } from '../src/core/probe/handshake';
import { checkEndpoints } from '../src/core/check/checkEndpoints';
import { makeCert } from '../test/helpers/openssl';
import { makeTempDir } from '../test/helpers/sandbox';
import { startTlsServer, type RunningServer } from '../test/helpers/servers';
import { benchGeneration } from './generation';
import { timeRuns, type Stats } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);

function bareHandshake(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      s.destroy(); resolve();
    });
    s.on('error', reject);
  });
}

/** Async, so the in-process server keeps answering while the baseline process runs. */
function runProcess(cmd: string, args: string[]): Promise<unknown> {
  const child = promisify(execFile)(cmd, args, { timeout: 10_000 });
  child.child.stdin?.end();
  return child;
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Free loopback ports in 44300–44399 (some may be taken on a developer machine). */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise(res => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

const fmt = (n: number) => n.toFixed(2);
const row = (name: string, s: Stats, base?: Stats) =>
  `| ${name} | ${fmt(s.median)} | ${fmt(s.p95)} | ${s.n} | ${base ? (s.median / base.median).toFixed(2) + '×' : '—'} |`;

async function main(): Promise<void> {
  const tmp = makeTempDir('devcert-bench-');
  const servers: RunningServer[] = [];
  const lines: string[] = [];
  const say = (l = '') => { lines.push(l); console.log(l); };
  try {
    const leaf = makeCert(tmp.dir, 'leaf');
    const server = await startTlsServer({ cert: leaf.certPem, key: leaf.keyPem });
    servers.push(server);
    const port = server.port;

    say(`# DevCert Doctor benchmark`);
    say();
    say(`${new Date().toISOString()} · Node ${process.version} · ${RUNS} runs each, after one warm-up · times in ms`);
    say();
    say('## One endpoint: the probe against baselines (same local Node TLS server)');
    say();
    say('| what | median | p95 | runs | vs bare handshake |');
    say('| --- | ---: | ---: | ---: | ---: |');
    const bare = await timeRuns(RUNS, () => bareHandshake(port));
    say(row('bare `tls.connect` handshake (in process)', bare));
    const probe = await timeRuns(RUNS, () => probeEndpoint({ host: '127.0.0.1', port, servername: 'localhost', timeoutMs: 3000 }));
    say(row('`probeEndpoint` (handshake + chain capture)', probe, bare));
    const check = await timeRuns(RUNS, () => checkEndpoints([{ host: 'localhost', port }], { timeoutMs: 3000 }));
    say(row('`checkEndpoints` (probe + judge + trust per consumer)', check, bare));
    const procRuns = Math.max(5, Math.floor(RUNS / 3));
    if (hasCommand('openssl')) {
      const s = await timeRuns(procRuns, () => runProcess('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost']));
      say(row('`openssl s_client` (process)', s, bare));
    }
    if (hasCommand('curl')) {
      const s = await timeRuns(procRuns, () => runProcess('curl', ['-sk', '-o', '/dev/null', `https://localhost:${port}/`]));
      say(row('`curl -k` (process, handshake + request)', s, bare));
    }
    say();

    say('## The IIS Express range: 100 ports (44300–44399)');
    say();
    const range = Array.from({ length: 100 }, (_, i) => 44300 + i);
    const targets = range.map(p => ({ host: 'localhost', port: p }));
    const none = await timeRuns(Math.max(5, Math.floor(RUNS / 5)), () => checkEndpoints(targets, { timeoutMs: 3000 }));
    const free = [];
    for (const p of range) { if (free.length < 10 && await portIsFree(p)) free.push(p); }
    for (const p of free) {
      const s = await listenTlsOn(p, leaf.certPem, leaf.keyPem);
      servers.push(s);
    }
    const ten = await timeRuns(Math.max(5, Math.floor(RUNS / 5)), () => checkEndpoints(targets, { timeoutMs: 3000 }));
    say('| what | median | p95 | runs | vs bare handshake |');
    say('| --- | ---: | ---: | ---: | ---: |');
    say(row('check 100 ports, none listening', none, bare));
    say(row(`check 100 ports, ${free.length} listening`, ten, bare));
    say();

    say('## Certificate generation');
    say();
    // RSA prime search takes a random time: generation needs more runs than the handshakes for a stable median.
    for (const l of await benchGeneration(tmp.dir, Math.max(5, Math.floor(RUNS / 2)))) say(l);
    say();
    writeFileSync(path.join(__dirname, 'results.md'), lines.join('\n') + '\n');
    console.log(`\nwritten to bench/results.md`);
  } finally {
    for (const s of servers) await s.close();
    tmp.cleanup();
  }
}

async function listenTlsOn(port: number, cert: string, key: string): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert, key }, s => { s.on('error', () => {}); s.end(); });
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>(res => server.listen(port, '127.0.0.1', res));
  return { port, close: () => new Promise(res => { for (const s of sockets) s.destroy(); server.close(() => res()); }) };
}

main().catch(err => { console.error(err); process.exit(1); });

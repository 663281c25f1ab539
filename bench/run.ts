/**
 * `npm run bench`: speed measured against baselines in the same run, medians over repeated runs.
 * Never asserted in tests. Writes bench/results.md (README's speed table is copied from it).
 *
 *  1. in process: one check vs a bare `tls.connect` handshake; the gate's case, 5 healthy endpoints
 *     checked at once vs 5 bare handshakes at once
 *  2. whole processes, interleaved: `devcert-doctor check` vs `node -e 0`, `curl -k`, `openssl s_client`
 *  3. a check of the IIS Express range 44300–44399 with none and with 10 ports listening
 *  4. certificate generation vs `mkcert` and `openssl req -x509 -newkey rsa:2048`
 *  5. the language server at rest (CPU, RSS); 6. bundle and VSIX sizes
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { probeEndpoint } from '../src/core/probe/handshake';
import { checkEndpoints } from '../src/core/check/checkEndpoints';
import { makeCert } from '../test/helpers/openssl';
import { makeTempDir } from '../test/helpers/sandbox';
import { startTlsServer, type RunningServer } from '../test/helpers/servers';
import { linuxSystemBundle, loadTrustAnchors } from '../src/core/trust/anchors';
import { benchGeneration } from './generation';
import { measureIdleServer } from './idle';
import { compareProcesses, startServerProcess, type ProcessCase } from './processes';
import { timeInterleaved, timeRuns, type Stats } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
/** Whole processes: 20 interleaved rounds (BENCH_PROCESS_RUNS), after one warm-up each. */
const PROCESS_RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 20);
const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/** The system bundle the healthy cases extend: the one OpenSSL reads here, without SSL_CERT_FILE. */
const LINUX_BUNDLE_FOR_BENCH = linuxSystemBundle({}) ?? '/dev/null';

function bareHandshake(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      s.destroy(); resolve();
    });
    s.on('error', reject);
  });
}

const bareHandshakes = (ports: number[]) => Promise.all(ports.map(bareHandshake));

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
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const tmp = makeTempDir('devcert-bench-');
  const servers: RunningServer[] = [];
  const stops: (() => void)[] = [];
  const lines: string[] = [];
  const say = (l = '') => { lines.push(l); console.log(l); };
  try {
    const leaf = makeCert(tmp.dir, 'leaf');
    const server = await startTlsServer({ cert: leaf.certPem, key: leaf.keyPem });
    servers.push(server);
    const port = server.port;
    // A healthy endpoint: a leaf from a CA that the system store (a sandbox copy of this machine's bundle
    // plus the CA) and Node (NODE_EXTRA_CA_CERTS) trust, so the check builds and verifies a whole path.
    const ca = makeCert(tmp.dir, 'bench-ca', { ca: true, cn: 'Bench Local CA', days: 30 });
    const trustedLeaf = makeCert(tmp.dir, 'trusted-leaf', { issuer: ca, days: 30 });
    const trustedServer = await startTlsServer({ cert: trustedLeaf.certPem, key: trustedLeaf.keyPem });
    servers.push(trustedServer);
    const systemBundle = path.join(tmp.dir, 'system-bundle.pem');
    writeFileSync(systemBundle, readFileSync(LINUX_BUNDLE_FOR_BENCH, 'utf8') + ca.certPem);

    // The whole-process runs read the machine's system store (read-only) but a sandbox HOME and config
    // folder: no NSS database there, nothing of the real HOME read or written. Every process of a table
    // gets this same environment: Node reads NODE_EXTRA_CA_CERTS at start-up, so a baseline started
    // with it and a check started without it would not compare.
    const home = path.join(tmp.dir, 'home');
    mkdirSync(home, { recursive: true });
    const sandboxEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') };
    for (const k of ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) delete sandboxEnv[k];

    say(`# DevCert Doctor benchmark`);
    say();
    say(`${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)} at start · times in ms`);
    say();
    say('Every figure is a median, after one warm-up run that is not counted, and every ratio is taken against a');
    say('baseline measured **in the same run** on the same machine (absolute times move with the machine\'s load;');
    say('the ratios are what to compare). Whole processes run interleaved, one of each per round.');
    say();
    say('## One endpoint in process: the check against a bare handshake (same local Node TLS server)');
    say();
    const healthyEnv = { ...sandboxEnv, SSL_CERT_FILE: systemBundle, SSL_CERT_DIR: '', NODE_EXTRA_CA_CERTS: ca.cert };
    const heldAnchors = await loadTrustAnchors({ env: healthyEnv, homeDir: home });
    const one = await timeInterleaved(RUNS, {
      bare: () => bareHandshake(port),
      probe: () => probeEndpoint({ host: '127.0.0.1', port, servername: 'localhost', timeoutMs: 3000 }),
      check: () => checkEndpoints([{ host: 'localhost', port }], { timeoutMs: 3000, env: sandboxEnv, homeDir: home }),
      bareHealthy: () => bareHandshake(trustedServer.port),
      checkHealthy: () => checkEndpoints([{ host: 'localhost', port: trustedServer.port }], { timeoutMs: 3000, env: healthyEnv, homeDir: home }),
      checkHeld: () => checkEndpoints([{ host: 'localhost', port: trustedServer.port }], { timeoutMs: 3000, anchors: heldAnchors }),
    });
    say(`${RUNS} interleaved rounds, each case once per round.`);
    say();
    say('| what | median | p95 | runs | vs bare handshake |');
    say('| --- | ---: | ---: | ---: | ---: |');
    say(row('bare `tls.connect` handshake (in process)', one.bare));
    say(row('`probeEndpoint` (handshake + chain capture)', one.probe, one.bare));
    say(row('`checkEndpoints`, self-signed (probe + judge + trust and acceptance per client, stores read per call)', one.check, one.bare));
    say(row('bare `tls.connect` handshake, CA-issued server', one.bareHealthy));
    say(row('`checkEndpoints`, CA-issued and trusted (a whole path built and verified per client)', one.checkHealthy, one.bareHealthy));
    say(row('`checkEndpoints`, CA-issued and trusted, anchors held (as the language server does)', one.checkHeld, one.bareHealthy));
    say();

    // The debug gate: the language server answers `checkLaunch` with checkEndpoints over anchors it holds.
    say('## The debug gate\'s case: 5 healthy endpoints checked at once');
    say();
    const five: RunningServer[] = [];
    for (let i = 0; i < 5; i++) five.push(await startTlsServer({ cert: trustedLeaf.certPem, key: trustedLeaf.keyPem }));
    servers.push(...five);
    const ports = five.map(s => s.port);
    const anchors = await loadTrustAnchors({ env: healthyEnv, homeDir: home });
    const healthy = await checkEndpoints(ports.map(p => ({ host: 'localhost', port: p })), { timeoutMs: 3000, anchors });
    if (!healthy.every(v => v.severity === 'ok')) throw new Error(`the gate's endpoints are meant to be healthy: ${healthy.map(v => v.severity).join(', ')}`);
    const { bare5, gate5 } = await timeInterleaved(RUNS, {
      bare5: () => bareHandshakes(ports),
      gate5: () => checkEndpoints(ports.map(p => ({ host: 'localhost', port: p })), { timeoutMs: 3000, anchors }),
    });
    say(`${RUNS} interleaved rounds.`);
    say();
    say('| what | median | p95 | runs | vs 5 bare handshakes |');
    say('| --- | ---: | ---: | ---: | ---: |');
    say(row('5 bare `tls.connect` handshakes at once', bare5));
    say(row('`checkEndpoints`, 5 endpoints, anchors held (as the server does)', gate5, bare5));
    say();
    say(`The gate's check adds **${fmt(gate5.median - bare5.median)} ms** (median) to 5 bare handshakes.`);
    say();

    say('## Whole processes: one endpoint');
    say();
    const served = await startServerProcess(leaf.cert, leaf.key);
    stops.push(served.stop);
    // A HOME with a browser NSS database (Chromium on Linux makes ~/.pki/nssdb on its first run): the check
    // then also reads the browsers' trust from its cert9.db (made here with certutil).
    let nssHome: string | undefined;
    if (hasCommand('certutil')) {
      nssHome = path.join(tmp.dir, 'nss-home');
      mkdirSync(path.join(nssHome, '.pki', 'nssdb'), { recursive: true });
      execFileSync('certutil', ['-N', '-d', `sql:${path.join(nssHome, '.pki', 'nssdb')}`, '--empty-password']);
    }
    const bareScript = `const s = require('tls').connect({ host: '127.0.0.1', port: ${served.port}, servername: 'localhost', rejectUnauthorized: false }, () => s.destroy());`;
    const processCases = (env: NodeJS.ProcessEnv): ProcessCase[] => [
      { name: '`node -e 0` (empty Node process)', cmd: process.execPath, args: ['-e', '0'], env },
      { name: 'a bare `tls.connect` handshake as a Node process (the floor for any Node tool)', cmd: process.execPath, args: ['-e', bareScript], env },
      { name: '`devcert-doctor check --port N --json`', cmd: process.execPath, args: [CLI, 'check', '--port', String(served.port), '--json'], env, okCodes: [1] },
      ...(nssHome ? [{ name: 'the same check, HOME with a browser NSS database (~/.pki/nssdb, read from its cert9.db)', cmd: process.execPath, args: [CLI, 'check', '--port', String(served.port), '--json'], env: { ...env, HOME: nssHome }, okCodes: [1] }] : []),
      ...(hasCommand('curl') ? [{ name: '`curl -sk` (handshake + request)', cmd: 'curl', args: ['-sk', '-o', '/dev/null', `https://localhost:${served.port}/`], env }] : []),
      // s_client exits 1 when the server closes the connection after its reply: still a full handshake.
      ...(hasCommand('openssl') ? [{ name: '`openssl s_client`', cmd: 'openssl', args: ['s_client', '-connect', `127.0.0.1:${served.port}`, '-servername', 'localhost'], env, okCodes: [1] }] : []),
    ];
    const processTable = async (env: NodeJS.ProcessEnv, what: string) => {
      const cases = processCases(env);
      const procs = await compareProcesses(cases, PROCESS_RUNS);
      const node0 = procs.get(cases[0].name)!;
      say(`${PROCESS_RUNS} interleaved rounds, all in one environment: ${what}; the server is a Node TLS server in a process of its own.`);
      say();
      say('| what | median | p95 | runs | vs `node -e 0` |');
      say('| --- | ---: | ---: | ---: | ---: |');
      for (const c of cases) say(row(c.name, procs.get(c.name)!, node0));
      say();
    };
    await processTable(sandboxEnv, "this machine's system store, an empty sandbox HOME (no NSS database), no NODE_EXTRA_CA_CERTS, SSL_CERT_FILE or SSL_CERT_DIR");
    say('A Node process builds its store of bundled roots (~15 ms here) on its first TLS connection with the default');
    say('context (the bare handshake above pays it; the check\'s probe uses its own context and does not), or at');
    say('start-up when NODE_EXTRA_CA_CERTS is set — as in many developers\' shells, this machine\'s included. The same');
    say('processes with it set:');
    say();
    await processTable({ ...sandboxEnv, NODE_EXTRA_CA_CERTS: LINUX_BUNDLE_FOR_BENCH }, `as above, with NODE_EXTRA_CA_CERTS=${LINUX_BUNDLE_FOR_BENCH}`);

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
    say(row('check 100 ports, none listening', none, one.bare));
    say(row(`check 100 ports, ${free.length} listening`, ten, one.bare));
    say();

    say('## Certificate generation');
    say();
    // RSA prime search takes a random time: generation needs more runs than the handshakes for a stable median.
    for (const l of await benchGeneration(tmp.dir, PROCESS_RUNS, sandboxEnv)) say(l);
    say();

    say('## The language server at rest');
    say();
    if (process.platform === 'linux') {
      const ws = path.join(tmp.dir, 'workspace');
      mkdirSync(path.join(ws, 'Properties'), { recursive: true });
      writeFileSync(path.join(ws, 'Properties', 'launchSettings.json'), JSON.stringify({
        profiles: { web: { commandName: 'Project', applicationUrl: `https://localhost:${port}` } },
      }));
      const idle = await measureIdleServer(path.join(ROOT, 'dist', 'server.js'), ws, sandboxEnv);
      say('`dist/server.js` over stdio with a one-endpoint workspace; measured from 10 s after start (it has discovered and probed), nothing changing:');
      say();
      say('| what | value |');
      say('| --- | ---: |');
      say(`| CPU time in a ${idle.windowMs / 1000} s quiet window | ${idle.cpuMsInWindow} ms |`);
      say(`| resident memory (RSS) | ${idle.rssMb.toFixed(1)} MB |`);
    } else {
      say('(read from /proc: Linux only)');
    }
    say();

    say('## Sizes');
    say();
    say('| bundle | size | gzip -9 | loaded by |');
    say('| --- | ---: | ---: | --- |');
    const loadedBy: Record<string, string> = {
      'extension.js': 'the extension host, at activation', 'engine.js': 'the extension, on the first repair / export / client certificate',
      'server.js': 'the language server process', 'cli.js': '`devcert-doctor` (its launcher)', 'forge.js': 'whoever reads a PFX file (node-forge), on first use',
      'core.js': 'the CLI (its commands are in it), the language server and the engine',
      'core.js.cache': '`devcert-doctor` (V8 code cache; not in the VSIX)',
    };
    for (const f of readdirSync(path.join(ROOT, 'dist')).filter(f => f.endsWith('.js') || f.endsWith('.js.cache')).sort()) {
      const bytes = readFileSync(path.join(ROOT, 'dist', f));
      say(`| \`dist/${f}\` | ${kib(bytes.length)} | ${kib(gzipSync(bytes, { level: 9 }).length)} | ${loadedBy[f] ?? ''} |`);
    }
    // `npm run package` builds, then packs: its VSIX holds these bundles when their sources have not changed since.
    const vsix = readdirSync(ROOT).filter(f => f.endsWith('.vsix')).map(f => path.join(ROOT, f));
    say();
    say(vsix.length ? `VSIX (\`npm run package\`, ${path.basename(vsix[0])}): **${kib(statSync(vsix[0]).size)}**.`
      : 'VSIX: run `npm run package` to add its size here.');
    say();
    writeFileSync(path.join(__dirname, 'results.md'), lines.join('\n') + '\n');
    console.log(`\nwritten to bench/results.md`);
  } finally {
    for (const s of servers) await s.close();
    for (const stop of stops) stop();
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

/**
 * Whole processes side by side, hyperfine-style: every command once as a warm-up, then `runs` rounds in
 * which each command runs once (interleaved, so a busy moment on the machine hits all of them alike),
 * medians reported as ratios to a baseline measured in the same rounds.
 */
import { execFile, spawn } from 'node:child_process';
import { timeInterleaved, type Stats } from './stats';

export interface ProcessCase {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Exit codes that still count as a run (a check that finds problems exits 1). */
  okCodes?: number[];
}

/** Async, so an in-process server keeps answering while the process runs. */
function runOnce(c: ProcessCase): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(c.cmd, c.args, { env: c.env ?? process.env, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, err => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (code === 0 || (c.okCodes ?? []).includes(code)) resolve();
      else reject(new Error(`${c.name}: exit ${code}: ${err?.message}`));
    });
    child.stdin?.end();
  });
}

export async function compareProcesses(cases: ProcessCase[], runs: number): Promise<Map<string, Stats>> {
  const timed = await timeInterleaved(runs, Object.fromEntries(cases.map(c => [c.name, () => runOnce(c)])));
  return new Map(cases.map(c => [c.name, timed[c.name]]));
}

/**
 * A Node TLS server in a process of its own, for the whole-process tables: one inside the bench's own
 * process would answer only when the bench's event loop gets the CPU, which adds its wait to every
 * process measured (a bare handshake then looked 3× slower than `node -e 0`).
 */
export async function startServerProcess(certFile: string, keyFile: string): Promise<{ port: number; stop(): void }> {
  const script = [
    "const fs = require('fs');",
    `const server = require('tls').createServer({ cert: fs.readFileSync(${JSON.stringify(certFile)}), key: fs.readFileSync(${JSON.stringify(keyFile)}) },`,
    "  s => { s.on('error', () => {}); s.end('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok'); });",
    "server.on('tlsClientError', () => {});",
    "server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));",
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', code => reject(new Error(`the bench's TLS server exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  child.removeAllListeners('exit');
  return { port, stop: () => { child.kill(); } };
}

/**
 * The language server at rest: started as the extension starts it (dist/server.js, here over stdio),
 * given a workspace that declares an endpoint, left alone; then its CPU time over a quiet window and its
 * resident memory, read from /proc (Linux only). Start-up (discovery, the first probe, warming the trust
 * stores, a garbage collection) is left out: the window starts 10 s in. The client side answers the
 * server's requests (configuration, capability registration) the way VS Code would, with defaults.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface IdleReading { cpuMsInWindow: number; windowMs: number; rssMb: number }

const TICK_MS = 10; // USER_HZ = 100 on Linux

function procCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime
}

function procRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function measureIdleServer(serverJs: string, workspace: string, env: NodeJS.ProcessEnv, settleMs = 10_000, windowMs = 10_000): Promise<IdleReading> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (msg: object) => {
    const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  let buf = Buffer.alloc(0);
  child.stdout.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
      if (buf.length < head + 4 + len) return;
      const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString());
      buf = buf.subarray(head + 4 + len);
      // A request from the server: answer as a client with default settings would.
      if (msg.id !== undefined && msg.method) {
        const result = msg.method === 'workspace/configuration' ? (msg.params?.items ?? []).map(() => null) : null;
        send({ id: msg.id, result });
      }
    }
  });
  const uri = `file://${workspace}`;
  try {
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: uri, capabilities: { workspace: { configuration: true, workspaceFolders: true } }, workspaceFolders: [{ uri, name: 'bench' }] } });
    await new Promise(r => setTimeout(r, 300));
    send({ method: 'initialized', params: {} });
    await new Promise(r => setTimeout(r, settleMs));
    const before = procCpuMs(child.pid!);
    await new Promise(r => setTimeout(r, windowMs));
    const cpuMsInWindow = procCpuMs(child.pid!) - before;
    return { cpuMsInWindow, windowMs, rssMb: procRssMb(child.pid!) };
  } finally {
    child.kill();
  }
}

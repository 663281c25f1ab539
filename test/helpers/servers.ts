/** Real servers on 127.0.0.1 for tests; each returns its port and a close() that the test must await. */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { spawn } from 'node:child_process';

export interface RunningServer { port: number; close(): Promise<void> }

/** `port` 0 (the default) is any free port; a given one is for a server that must answer where a config says. */
export async function startTlsServer(options: tls.TlsOptions, onSecure?: (s: tls.TLSSocket) => void, port = 0): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(options, s => {
    s.on('error', () => {});
    if (onSecure) onSecure(s); else s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
  });
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('tlsClientError', () => {});
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>(res => { for (const s of sockets) s.destroy(); server.close(() => res()); }),
  };
}

/** A raw TCP server with a custom connection handler (plain HTTP, silent peers, resets). */
export async function startTcpServer(onConnection: (s: net.Socket) => void): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(s => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); onConnection(s); });
  await new Promise<void>(res => server.listen(0, '127.0.0.1', res));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>(res => { for (const s of sockets) s.destroy(); server.close(() => res()); }),
  };
}

/** A port that nothing listens on (bound, read, released). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>(res => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>(res => s.close(() => res()));
  return port;
}

/** `openssl s_server` on a free port; resolves once it accepts connections. */
export async function startOpensslServer(args: string[]): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-www', '-quiet', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', d => { stderr += d; });
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>(res => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) { child.kill(); throw new Error(`openssl s_server did not start: ${stderr}`); }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    port,
    close: () => new Promise<void>(res => { if (child.exitCode !== null) return res(); child.on('exit', () => res()); child.kill(); }),
  };
}

/** Running the built CLI (`dist/cli.js`) against in-process mTLS servers, in a trust sandbox. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { MtlsCertSet } from './clientCerts';

export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliRun { code: number; stdout: string; stderr: string }

/** Asynchronous on purpose: the servers live in the test process and must keep answering meanwhile. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise(resolve => {
    execFile(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** An environment that trusts only the test server CA (system and Node), has no NSS database and a private config dir. */
export function sandboxEnv(set: MtlsCertSet, home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: home, DEVCERT_DOCTOR_HOME: path.join(home, 'config'),
    SSL_CERT_FILE: set.serverCa.cert, SSL_CERT_DIR: '', NODE_EXTRA_CA_CERTS: set.serverCa.cert, ...extra,
  };
}

/**
 * Certificate generation against `mkcert` and `openssl req -x509 -newkey rsa:2048`, same run, same
 * machine. RSA key generation dominates and its time is random (prime search), so medians need runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { generateCertificate, writeCertificateFiles } from '../src/core/certs/generate';
import { createLocalCa } from '../src/core/certs/localCa';
import { timeRuns, type Stats } from './stats';

const fmt = (n: number) => n.toFixed(1);
const row = (name: string, s: Stats, base?: Stats) =>
  `| ${name} | ${fmt(s.median)} | ${fmt(s.p95)} | ${s.n} | ${base ? (s.median / base.median).toFixed(2) + '×' : '—'} |`;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export async function benchGeneration(dir: string, runs: number): Promise<string[]> {
  const out = ['| what | median | p95 | runs | vs mkcert |', '| --- | ---: | ---: | ---: | ---: |'];
  const env = { ...process.env, DEVCERT_DOCTOR_HOME: path.join(dir, 'home') };
  const work = path.join(dir, 'gen');
  mkdirSync(work, { recursive: true });

  let mkcert: Stats | undefined;
  if (has('mkcert')) {
    const caroot = path.join(dir, 'mkcert-ca');
    mkdirSync(caroot, { recursive: true });
    const mkEnv = { ...process.env, CAROOT: caroot, TRUST_STORES: 'none' };
    execFileSync('mkcert', ['-cert-file', path.join(work, 'warm.pem'), '-key-file', path.join(work, 'warm-key.pem'), 'localhost'], { env: mkEnv, stdio: 'ignore' });
    mkcert = await timeRuns(runs, () => execFileSync('mkcert', ['-cert-file', path.join(work, 'mk.pem'), '-key-file', path.join(work, 'mk-key.pem'),
      'localhost', '127.0.0.1', '::1'], { env: mkEnv, stdio: 'ignore' }));
    out.push(row('`mkcert localhost 127.0.0.1 ::1` (process, CA exists)', mkcert, mkcert));
  } else {
    out.push('| mkcert | not installed | | | |');
  }
  if (has('openssl')) {
    const s = await timeRuns(runs, () => execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'o-key.pem'),
      '-out', path.join(work, 'o.pem'), '-days', '365', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'], { stdio: 'ignore' }));
    out.push(row('`openssl req -x509 -newkey rsa:2048` (process)', s, mkcert));
  }
  const ca = await createLocalCa(env);
  const leaf = await timeRuns(runs, async () => {
    const gen = await generateCertificate({ profile: 'local-ca', ca, env });
    writeCertificateFiles(gen, work, 'leaf', ['pem']);
  });
  out.push(row('DevCert Doctor `local-ca` leaf, RSA 2048, PEM pair written (API)', leaf, mkcert));
  const asp = await timeRuns(runs, () => generateCertificate({ profile: 'aspnetcore', env }));
  out.push(row('DevCert Doctor `aspnetcore`, RSA 2048 (API)', asp, mkcert));
  const ec = await timeRuns(runs, () => generateCertificate({ profile: 'local-ca', key: 'ecdsa', ca, env }));
  out.push(row('DevCert Doctor `local-ca` leaf, ECDSA P-256 (API)', ec, mkcert));
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  const cliRun = await timeRuns(runs, () => execFileSync(process.execPath, [cli, 'generate', '--out', path.join(work, 'cli'), '--force'], { env, stdio: 'ignore' }));
  out.push(row('`devcert-doctor generate` (process, incl. Node start-up)', cliRun, mkcert));
  return out;
}

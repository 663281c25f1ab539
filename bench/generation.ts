/**
 * Certificate generation against `mkcert` and `openssl req -x509 -newkey rsa:2048`, same run, same
 * machine. RSA key generation dominates and its time is random (prime search), so medians need runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { generateCertificate, writeCertificateFiles } from '../src/core/certs/generate';
import { createLocalCa } from '../src/core/certs/localCa';
import { compareProcesses, type ProcessCase } from './processes';
import { timeRuns, type Stats } from './stats';

const fmt = (n: number) => n.toFixed(1);
const row = (name: string, s: Stats, base?: Stats) =>
  `| ${name} | ${fmt(s.median)} | ${fmt(s.p95)} | ${s.n} | ${base ? (s.median / base.median).toFixed(2) + '×' : '—'} |`;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** @param baseEnv the environment every process runs in (the same for the tools and the baseline). */
export async function benchGeneration(dir: string, runs: number, baseEnv: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const out: string[] = [];
  const env = { ...baseEnv, DEVCERT_DOCTOR_HOME: path.join(dir, 'home') };
  const work = path.join(dir, 'gen');
  mkdirSync(work, { recursive: true });
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');

  // Whole processes, interleaved; each tool's CA exists before the first counted run.
  const cases: ProcessCase[] = [];
  if (has('mkcert')) {
    const caroot = path.join(dir, 'mkcert-ca');
    mkdirSync(caroot, { recursive: true });
    const mkEnv = { ...baseEnv, CAROOT: caroot, TRUST_STORES: 'none' };
    execFileSync('mkcert', ['-cert-file', path.join(work, 'warm.pem'), '-key-file', path.join(work, 'warm-key.pem'), 'localhost'], { env: mkEnv, stdio: 'ignore' });
    cases.push({ name: '`mkcert localhost 127.0.0.1 ::1` (CA exists; RSA 2048)', cmd: 'mkcert', env: mkEnv,
      args: ['-cert-file', path.join(work, 'mk.pem'), '-key-file', path.join(work, 'mk-key.pem'), 'localhost', '127.0.0.1', '::1'] });
    cases.push({ name: '`mkcert -ecdsa localhost 127.0.0.1 ::1` (P-256)', cmd: 'mkcert', env: mkEnv,
      args: ['-ecdsa', '-cert-file', path.join(work, 'mk-ec.pem'), '-key-file', path.join(work, 'mk-ec-key.pem'), 'localhost', '127.0.0.1', '::1'] });
  }
  cases.push({ name: '`node -e 0` (empty Node process)', cmd: process.execPath, args: ['-e', '0'], env });
  cases.push({ name: '`devcert-doctor generate` (local CA exists; its default, a P-256 leaf; PEM pair)', cmd: process.execPath, args: [cli, 'generate', '--out', path.join(work, 'cli'), '--force'], env });
  cases.push({ name: '`devcert-doctor generate --key rsa` (local CA exists; RSA 2048, as mkcert\'s default)', cmd: process.execPath, args: [cli, 'generate', '--key', 'rsa', '--out', path.join(work, 'cli-rsa'), '--force'], env });
  if (has('openssl')) {
    cases.push({ name: '`openssl req -x509 -newkey rsa:2048`', cmd: 'openssl', args: ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'o-key.pem'),
      '-out', path.join(work, 'o.pem'), '-days', '365', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'], env });
  }
  const procs = await compareProcesses(cases, runs);
  const baseName = cases[0].cmd === 'mkcert' ? cases[0].name : undefined;
  const base = baseName ? procs.get(baseName) : undefined;
  out.push(`Whole processes, ${runs} interleaved rounds${base ? '' : ' (mkcert is not installed: no ratio)'}. RSA key generation dominates and takes a random time (prime search).`, '');
  out.push('| what | median | p95 | runs | vs mkcert |', '| --- | ---: | ---: | ---: | ---: |');
  for (const c of cases) out.push(row(c.name, procs.get(c.name)!, base));

  // In process: what generation costs without Node's start-up.
  out.push('', 'In process (the API), same run:', '', '| what | median | p95 | runs | vs mkcert |', '| --- | ---: | ---: | ---: | ---: |');
  const ca = await createLocalCa(env);
  const leaf = await timeRuns(runs, async () => {
    const gen = await generateCertificate({ profile: 'local-ca', key: 'rsa', ca, env });
    writeCertificateFiles(gen, work, 'leaf', ['pem']);
  });
  out.push(row('`local-ca` leaf, RSA 2048, PEM pair written', leaf, base));
  const ec = await timeRuns(runs, () => generateCertificate({ profile: 'local-ca', key: 'ecdsa', ca, env }));
  out.push(row('`local-ca` leaf, ECDSA P-256', ec, base));
  return out;
}

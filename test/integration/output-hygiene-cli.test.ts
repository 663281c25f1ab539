/**
 * Output hygiene end to end (issue 9, point 7): a real TLS server on 127.0.0.1 serves an openssl-made
 * self-signed certificate whose subject retitles the terminal (ESC ] 0 ; … BEL), adds a line that looks
 * like a plan step, and reverses text (U+202E); the workspace declaring it sits in a folder whose name
 * does the same. The built CLI shows all of it escaped (`check`, `repair --dry-run`), and `check --json`
 * still carries the exact subject.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeCert } from '../helpers/openssl';
import { runCli } from '../helpers/mtlsCli';
import { makeTempDir } from '../helpers/sandbox';
import { startTlsServer, type RunningServer } from '../helpers/servers';

const ROOT = path.resolve(__dirname, '..', '..');

const FORGED = '2.   Trust attacker root   [ELEVATED]'; // a CN holds at most 64 characters
const CN = `localhost\n  ${FORGED}\u202egnp.exe`;
const ORG = 'evil\x1b]0;pwned\x07org';
/** A folder name from a cloned repository: a terminal title, a screen clear and a forged line. */
const FOLDER = `ws\x1b]0;owned\x07\x1b[2J\n  ${FORGED}\u202e`;

/** Characters that must never reach the terminal raw. */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

function assertClean(output: string, what: string): void {
  const hit = RAW.exec(output);
  assert.equal(hit, null, `${what}: raw U+${hit?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in\n${output}`);
  const forged = output.split('\n').filter(l => l.trimStart().startsWith(FORGED));
  assert.deepEqual(forged, [], `${what}: a line forged by the peer or the workspace`);
}

describe('output hygiene: the CLI with a hostile peer and workspace', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('devcert-hygiene-');
  let server: RunningServer;
  /** Serves an expired certificate with the same subject: its repair regenerates and writes into the workspace. */
  let expiredServer: RunningServer;
  let env: NodeJS.ProcessEnv;
  let workspace: string;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
    const cert = makeCert(tmp.dir, 'hostile', { subject: `/O=${ORG}/CN=${CN}` });
    server = await startTlsServer({ key: cert.keyPem, cert: cert.certPem });
    const expired = makeCert(tmp.dir, 'hostile-expired', { subject: `/O=${ORG}/CN=${CN}`, notBeforeDays: -40, days: 30 });
    expiredServer = await startTlsServer({ key: expired.keyPem, cert: expired.certPem });
    const home = path.join(tmp.dir, 'home');
    fs.mkdirSync(home);
    env = {
      PATH: process.env.PATH, HOME: home, DEVCERT_DOCTOR_HOME: path.join(home, 'config'),
      SSL_CERT_FILE: makeCert(tmp.dir, 'unrelated-ca', { ca: true }).cert, SSL_CERT_DIR: '', NO_COLOR: '1',
    };
    workspace = path.join(tmp.dir, FOLDER);
    fs.mkdirSync(path.join(workspace, 'Properties'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'Properties', 'launchSettings.json'), JSON.stringify({
      profiles: { [`web${ORG}`]: { commandName: 'Project', applicationUrl: `https://localhost:${expiredServer.port}` } },
    }, null, 2));
  });
  after(async () => { await server?.close(); await expiredServer?.close(); tmp.cleanup(); });

  it('the certificate really carries the hostile subject, and check --json keeps it exactly', async () => {
    const r = await runCli(['check', '--port', String(server.port), '--json'], env);
    assert.equal(r.code, 1, r.stderr);
    const [e] = JSON.parse(r.stdout).endpoints;
    // Most specific first; the ';' of the OSC sequence is escaped as RFC 4514 names escape it.
    assert.equal(e.certificate.subject, `CN=${CN}, O=${ORG.replace(';', '\\;')}`);
    assert.equal(e.certificate.issuer, e.certificate.subject);
  });

  it('check --port: the table shows the subject escaped, on one line', async () => {
    const r = await runCli(['check', '--port', String(server.port)], env);
    assert.equal(r.code, 1, r.stderr);
    assertClean(r.stdout + r.stderr, 'check');
    assert.ok(r.stdout.includes(`certificate  CN=localhost\\n  ${FORGED}\\u202egnp.exe, O=evil\\x1b]0\\;pwned\\x07org`), r.stdout);
  });

  it('check PATH: the workspace\'s folder name is shown escaped', async () => {
    const r = await runCli(['check', workspace], env);
    assert.equal(r.code, 1, r.stderr);
    assertClean(r.stdout + r.stderr, 'check PATH');
    assert.ok(r.stdout.includes('ws\\x1b]0;owned\\x07\\x1b[2J\\n'), r.stdout);
  });

  it('repair --dry-run --port: the plan has only its own steps and no raw character', async () => {
    const r = await runCli(['repair', '--port', String(server.port), '--dry-run'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assertClean(r.stdout + r.stderr, 'repair --dry-run --port');
    assert.match(r.stdout, /^Plan: /m);
    const steps = r.stdout.split('\n').filter(l => /^ {2}\d+\.\s/.test(l)).map(l => Number(l.trim().split('.')[0]));
    assert.ok(steps.length > 0, r.stdout);
    assert.deepEqual(steps, steps.map((_, i) => i + 1), 'step numbers are the plan\'s own, in order');
  });

  it('repair --dry-run PATH: paths in the workspace\'s hostile folder are shown escaped', async () => {
    const r = await runCli(['repair', workspace, '--dry-run'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assertClean(r.stdout + r.stderr, 'repair --dry-run PATH');
    // The expired certificate is regenerated and bound in the workspace: the plan writes under the hostile folder.
    assert.match(r.stdout, /write: {2}\S*ws\\x1b\]0;owned\\x07\\x1b\[2J\\n {2}2\. {3}Trust attacker root {3}\[ELEVATED\]\\u202e\//, r.stdout);
  });
});

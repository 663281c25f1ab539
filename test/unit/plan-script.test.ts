/**
 * "Copy commands" / `repair --dry-run --script`: a script a user can paste and run. The POSIX one is run
 * here with sh in a temp folder (file writes land byte-exact with their mode, accepted exit codes do not
 * stop it); elevated steps get sudo; the Windows one is PowerShell with exact bytes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planScript, type RepairPlan } from '../../src/core/plan';

describe('planScript (Copy commands, repair --dry-run --script)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devcert-script-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const plan = (d: string, elevated = false, join: (...p: string[]) => string = path.join): RepairPlan => ({
    title: 'Trust the certificate\n rm -rf ~', platform: 'linux', notes: [],
    steps: [
      { id: 'key', title: 'Write a key', elevated: false, changes: 'a file', action: { type: 'write-file', path: join(d, 'sub dir', 'k.pem'), contents: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n', mode: 0o600 } },
      { id: 'json', title: 'Write settings', elevated: false, changes: 'a file', action: { type: 'write-file', path: join(d, "it's.json"), contents: '{"a": "$HOME `x`"}' } },
      { id: 'bin', title: 'Write bytes', elevated: false, changes: 'a file', action: { type: 'write-file', path: join(d, 'b.bin'), contents: Buffer.from([0, 1, 27, 255]).toString('base64'), encoding: 'base64' } },
      { id: 'cmd', title: 'Exit 4 is fine', elevated, changes: 'nothing', action: { type: 'command', command: 'sh', args: ['-c', 'exit 4'], okExitCodes: [4] } },
      { id: 'rm', title: 'Remove', elevated: false, changes: 'a file', action: { type: 'remove-file', path: join(d, 'gone.txt') } },
      { id: 'you', title: 'Restart', elevated: false, changes: 'you', action: { type: 'manual', instructions: 'restart the server\nthen reload' } },
    ],
  });

  it('runs in sh: exact bytes, modes, accepted exit codes, removals; instructions stay comments', () => {
    fs.writeFileSync(path.join(dir, 'gone.txt'), 'x');
    const script = planScript(plan(dir));
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    assert.equal(r.status, 0, r.stderr + script);
    assert.equal(fs.readFileSync(path.join(dir, 'sub dir', 'k.pem'), 'utf8'), '-----BEGIN KEY-----\nabc\n-----END KEY-----\n');
    assert.equal(fs.statSync(path.join(dir, 'sub dir', 'k.pem')).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(path.join(dir, "it's.json"), 'utf8'), '{"a": "$HOME `x`"}');
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'b.bin'))], [0, 1, 27, 255]);
    assert.equal(fs.existsSync(path.join(dir, 'gone.txt')), false);
    // The text file is a readable heredoc; the title's line break cannot start a command.
    assert.match(script, /install -m 0600 \/dev\/stdin '.*k\.pem' <<'DEVCERT_EOF'\n-----BEGIN KEY-----/);
    assert.match(script, /^# restart the server$|You do: restart the server/m);
    assert.ok(script.split('\n').every(l => !/^ ?rm -rf ~/.test(l)), script);
  });

  it('stops at a command that fails', () => {
    const p = plan(dir);
    p.steps.splice(3, 1, { id: 'bad', title: 'Fails', elevated: false, changes: 'nothing', action: { type: 'command', command: 'sh', args: ['-c', 'exit 3'] } });
    const r = spawnSync('sh', ['-c', planScript(p)], { encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.equal(fs.existsSync(path.join(dir, 'gone.txt')), false, 'not reached, nothing removed either way');
  });

  it('prefixes elevated steps with sudo, and says it', () => {
    const script = planScript(plan(dir, true));
    assert.match(script, /^# 4\. Exit 4 is fine \(sudo\)$/m);
    assert.match(script, /^sudo sh -c 'exit 4' \|\| \{ rc=\$\?; case \$rc in 4\) ;; \*\) exit \$rc ;; esac; \}$/m);
  });

  it('is PowerShell for Windows: Administrator note, exact bytes, exit-code checks', () => {
    const p = { ...plan('C:\\Users\\me\\proj', true, path.win32.join), platform: 'win32' as const };
    const script = planScript(p);
    assert.match(script, /Run it in PowerShell opened as Administrator/);
    assert.match(script, /\[IO\.File\]::WriteAllBytes\('C:\\Users\\me\\proj\\it''s\.json', \[Convert\]::FromBase64String\('/);
    assert.match(script, /^sh -c 'exit 4'$/m);
    assert.match(script, /^if \(@\(0, 4\) -notcontains \$LASTEXITCODE\)/m);
    assert.doesNotMatch(script, /sudo/);
  });
});

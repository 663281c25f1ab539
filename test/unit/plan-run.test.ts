import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { buildPosixScript, buildPowerShellScript, explainExecutionPolicy, formatPowerShellCommand, parsePosixResults, parsePowerShellPolicy, runElevated, windowsElevatedCommandLine, SUDO_PROMPT_CANCELLED, type ElevationRunner } from '../../src/core/io/exec';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { renderPlan } from '../../src/core/plan/render';
import type { PlanStep, RepairPlan } from '../../src/core/plan/types';
import { writeFileStep, contiguousElevation } from '../../src/core/plan/steps';
import { makeTempDir } from '../helpers/sandbox';

const platform = process.platform as 'linux';

/**
 * Elevation is injected in these tests: a real prompt (pkexec/UAC) cannot be answered by a test, and a
 * test must never gain root. `shRunner` runs the script the prompt would run, without the prompt;
 * `cancelRunner` answers exactly as @vscode/sudo-prompt does when the user presses Cancel.
 */
function shRunner(calls: string[]): ElevationRunner {
  return async line => {
    calls.push(line);
    // What sudo-prompt does with the line (bash -c), minus the prompt and the root.
    try { return { stdout: execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' }), stderr: '' }; }
    catch (err) { throw Object.assign(new Error('Command failed'), { stdout: String((err as { stdout?: string }).stdout ?? ''), stderr: '' }); }
  };
}
const cancelRunner: ElevationRunner = async () => { throw new Error(SUDO_PROMPT_CANCELLED); };

function plan(steps: PlanStep[]): RepairPlan { return { title: 'test plan', platform, steps, notes: [] }; }

describe('plan execution', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let ledger: Ledger;
  beforeEach(() => { tmp = makeTempDir(); ledger = new Ledger(path.join(tmp.dir, 'home', 'ledger.json')); });
  afterEach(() => tmp.cleanup());

  const write = (name: string, contents: string, extra: Partial<PlanStep> = {}, record?: { kind: 'file' }): PlanStep =>
    ({ ...writeFileStep({ id: `w-${name}`, title: `write ${name}`, path: path.join(tmp.dir, name), contents, record })!, ...extra });
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const fail: PlanStep = { id: 'boom', title: 'fails', elevated: false, action: { type: 'command', command: 'false', args: [] }, changes: 'nothing' };

  it('renders every step with its exact command, ELEVATED marker, changes and undo', () => {
    const text = renderPlan(plan([
      write('a.pem', 'x'),
      { id: 'cmd', title: 'Trust it', elevated: true, changes: 'adds it',
        action: { type: 'command', command: 'certutil', args: ['-A', '-n', "it's mine", '-t', 'C,,'] },
        undo: { type: 'command', command: 'certutil', args: ['-D', '-n', "it's mine"] } },
    ]));
    assert.match(text, /1\. +write a\.pem/);
    assert.match(text, /Trust it {3}\[ELEVATED\]/);
    assert.match(text, /run: +certutil -A -n 'it'\\''s mine' -t C,,/);
    assert.match(text, /undo: +run certutil -D -n 'it'\\''s mine'/);
    assert.match(text, /changes: adds it/);
    assert.match(text, /Step 2 needs administrator rights: it runs in one script after one prompt/);
  });

  it('a command that waits for a person is never killed by the plan timeout; any other one is', async () => {
    const sleeper = (waitsForUser: boolean): PlanStep => ({ id: `sleep-${waitsForUser}`, title: 'answers a dialog', elevated: false, changes: 'nothing',
      action: { type: 'command', command: 'sleep', args: ['1'], ...(waitsForUser ? { waitsForUser: true } : {}) } });
    const waited = await executePlan(plan([sleeper(true)]), { ledger, elevate: false, timeoutMs: 100 });
    assert.equal(waited.ok, true, JSON.stringify(waited));
    const killed = await executePlan(plan([sleeper(false)]), { ledger, elevate: false, timeoutMs: 100 });
    assert.equal(killed.ok, false);
  });

  it('runs steps in order, records ledger entries, and a second run of the same plan changes nothing', async () => {
    const s = write('a.txt', 'hello', {}, { kind: 'file' });
    const out = await executePlan(plan([s]), { ledger, elevate: false });
    assert.equal(out.ok, true, out.summary);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'a.txt'), 'utf8'), 'hello');
    assert.deepEqual(ledger.entries().map(e => [e.kind, e.path, e.written, e.intended]), [['file', path.join(tmp.dir, 'a.txt'), sha('hello'), undefined]]);
    // Planned again: the builder sees the file in place and plans nothing.
    assert.equal(writeFileStep({ id: 'w', title: 't', path: path.join(tmp.dir, 'a.txt'), contents: 'hello' }), undefined);
  });

  it('rolls back completed steps in reverse when a step fails, restoring the previous file', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'b.txt'), 'original');
    const steps = [write('a.txt', 'new a', {}, { kind: 'file' }), write('b.txt', 'new b'), fail];
    const events: string[] = [];
    const out = await executePlan(plan(steps), { ledger, elevate: false, onProgress: p => events.push(p.phase) });
    assert.equal(out.ok, false);
    assert.equal(out.failed?.id, 'boom');
    assert.deepEqual(out.rolledBack, ['w-b.txt', 'w-a.txt']);
    assert.deepEqual(out.notUndone, []);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'a.txt')), false);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'b.txt'), 'utf8'), 'original');
    assert.deepEqual(ledger.entries(), []);
    assert.match(out.summary, /failed: .*false failed: exit code 1.*were undone/);
    assert.ok(events.includes('undone'));
  });

  it('a command cut short by a signal (Ctrl-C reaches the whole process group) is undone too: it may have acted', async () => {
    const marker = path.join(tmp.dir, 'half-done');
    const killed: PlanStep = {
      id: 'cut', title: 'acts, then is killed', elevated: false, changes: 'creates a file',
      action: { type: 'command', command: 'sh', args: ['-c', `touch '${marker}'; kill -INT $$`] },
      undo: { type: 'remove-file', path: marker },
      record: { kind: 'trust', target: `node:${path.join(tmp.dir, 'b.pem')}`, thumbprint: 'C'.repeat(40) },
    };
    const out = await executePlan(plan([write('a.txt', 'x'), killed]), { ledger, elevate: false });
    assert.equal(out.ok, false);
    assert.match(out.summary, /was interrupted/);
    assert.deepEqual(out.rolledBack, ['cut', 'w-a.txt']);
    assert.equal(fs.existsSync(marker), false);
    assert.deepEqual(ledger.entries(), []);
  });

  it('reports what it could not undo', async () => {
    const noUndo: PlanStep = { id: 'one-way', title: 'one way', elevated: false, changes: 'x', action: { type: 'command', command: 'true', args: [] } };
    const out = await executePlan(plan([noUndo, fail]), { ledger, elevate: false });
    assert.deepEqual(out.notUndone, [{ id: 'one-way', reason: 'this step has no undo' }]);
    assert.match(out.summary, /could not be undone: one-way/);
  });

  it('a missing tool is a clear failure and nothing stays changed', async () => {
    const missing: PlanStep = { id: 'tool', title: 'needs a tool', elevated: false, changes: 'x', action: { type: 'command', command: 'devcert-no-such-tool', args: [] } };
    const out = await executePlan(plan([write('a.txt', 'x'), missing]), { ledger, elevate: false });
    assert.equal(out.ok, false);
    assert.match(out.failed!.error!, /devcert-no-such-tool is not installed or not on PATH/);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'a.txt')), false);
  });

  it('an unwritable target is a clear failure', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'file'), 'not a folder');
    const s = writeFileStep({ id: 'w', title: 'write', path: path.join(tmp.dir, 'file', 'x.pem'), contents: 'x' })!;
    const out = await executePlan(plan([write('a.txt', 'x'), s]), { ledger, elevate: false });
    assert.match(out.failed!.error!, /cannot write .*file\/x\.pem: a parent of it is not a folder/);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'a.txt')), false);
  });

  it('batches every elevated step into one script behind one prompt', async () => {
    const calls: string[] = [];
    const e = (n: string): PlanStep => ({ ...write(n, `${n} $HOME 'q' "d"`), elevated: true });
    const out = await executePlan(plan([write('pre.txt', 'p'), e('e1.txt'), e('e2.txt'),
      { id: 'cmd', title: 'cmd', elevated: true, changes: 'x', action: { type: 'command', command: 'touch', args: [path.join(tmp.dir, "we ird'$x")] }, undo: { type: 'remove-file', path: path.join(tmp.dir, "we ird'$x") } }]),
    { ledger, elevate: shRunner(calls) });
    assert.equal(out.ok, true, out.summary);
    assert.equal(calls.length, 1);
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'e2.txt'), 'utf8'), `e2.txt $HOME 'q' "d"`);
    assert.ok(fs.existsSync(path.join(tmp.dir, "we ird'$x")));
  });

  it('an elevated step failing half-way: the steps before it (elevated and not) are undone, with one prompt for the undo', async () => {
    const calls: string[] = [];
    const out = await executePlan(plan([write('pre.txt', 'p'), { ...write('e1.txt', 'x'), elevated: true }, { ...fail, elevated: true }]),
      { ledger, elevate: shRunner(calls) });
    assert.equal(out.ok, false);
    assert.deepEqual(out.rolledBack, ['w-e1.txt', 'w-pre.txt']);
    assert.equal(calls.length, 2); // the plan's script, then the undo script
    assert.equal(fs.existsSync(path.join(tmp.dir, 'e1.txt')), false);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'pre.txt')), false);
  });

  it('cancelled elevation: "Elevation was cancelled; nothing was changed", files and ledger untouched', async () => {
    fs.mkdirSync(path.dirname(ledger.file), { recursive: true });
    ledger.add({ kind: 'file', target: '/x/existing', path: '/x/existing', written: sha('x'), addedAt: 'then' });
    const before = fs.readFileSync(ledger.file, 'utf8');
    const out = await executePlan(plan([write('pre.txt', 'p', {}, { kind: 'file' }), { ...write('e1.txt', 'x'), elevated: true }]),
      { ledger, elevate: cancelRunner });
    assert.equal(out.ok, false);
    assert.equal(out.cancelled, true);
    assert.equal(out.summary, 'Elevation was cancelled; nothing was changed');
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['home']);
    assert.equal(fs.readFileSync(ledger.file, 'utf8'), before);
  });

  it('an unreadable ledger stops the plan before anything runs', async () => {
    fs.mkdirSync(path.dirname(ledger.file), { recursive: true });
    fs.writeFileSync(ledger.file, '{not json');
    await assert.rejects(executePlan(plan([write('a.txt', 'x')]), { ledger, elevate: false }), /ledger .* is not valid/);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'a.txt')), false);
  });

  it('dry run runs nothing', async () => {
    const out = await executePlan(plan([write('a.txt', 'x')]), { ledger, dryRun: true });
    assert.equal(out.dryRun, true);
    assert.equal(fs.existsSync(path.join(tmp.dir, 'a.txt')), false);
    assert.match(out.rendered, /write a\.txt/);
  });

  it('writeFileStep: one helper for every file write — a mode change alone is a step, undo restores bytes and mode, records carry previous/written', async () => {
    const file = path.join(tmp.dir, 'key.pem');
    fs.writeFileSync(file, 'old', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    const s = writeFileStep({ id: 'k', title: 'key', path: file, contents: 'new', mode: 0o600, record: { kind: 'config-edit', target: `x:${file}` } })!;
    assert.deepEqual(s.undo, { type: 'write-file', path: file, contents: Buffer.from('old').toString('base64'), encoding: 'base64', mode: 0o640, ifMatch: sha('new') });
    assert.deepEqual(s.record, { kind: 'config-edit', target: `x:${file}`, path: file, previous: Buffer.from('old').toString('base64'), previousMode: 0o640, written: sha('new') });
    assert.equal((await executePlan(plan([s]), { ledger, elevate: false })).ok, true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    // The same bytes with another mode still plan the mode; the same bytes and mode plan nothing.
    fs.chmodSync(file, 0o644);
    if (process.platform !== 'win32') assert.ok(writeFileStep({ id: 'k', title: 'key', path: file, contents: 'new', mode: 0o600 }));
    fs.chmodSync(file, 0o600);
    assert.equal(writeFileStep({ id: 'k', title: 'key', path: file, contents: 'new', mode: 0o600 }), undefined);
    // A config edit of a file that is not there yet creates a file this tool owns (clean removes it).
    const fresh = writeFileStep({ id: 'n', title: 'new', path: path.join(tmp.dir, 'n.json'), contents: '{}', record: { kind: 'config-edit', target: 'kestrel:n' } })!;
    assert.equal(fresh.record?.kind, 'file');
    assert.equal(fresh.record?.target, path.join(tmp.dir, 'n.json'));
    assert.deepEqual(fresh.undo, { type: 'remove-file', path: path.join(tmp.dir, 'n.json'), ifMatch: sha('{}') });
  });

  it('keeps elevated steps contiguous', () => {
    const s = (id: string, elevated: boolean): PlanStep => ({ id, title: id, elevated, changes: '', action: { type: 'manual', instructions: '' } });
    assert.deepEqual(contiguousElevation([s('a', false), s('b', true), s('c', false), s('d', true), s('e', false)]).map(x => x.id), ['a', 'b', 'd', 'c', 'e']);
  });
});

describe('elevated script text', () => {
  it('POSIX: every argument single-quoted, so nothing is expanded', () => {
    const tmp = makeTempDir();
    try {
      const args = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', 'new\nline', '*'];
      const units = [{ id: 'x', ops: [{ kind: 'exec' as const, command: 'printf', args: ['%s|', ...args] }] }];
      const stdout = execFileSync('/bin/sh', ['-c', buildPosixScript(units)], { encoding: 'utf8', cwd: tmp.dir });
      assert.deepEqual(parsePosixResults(stdout, units), [{ id: 'x', code: 0, stdout: args.join('|') + '|', stderr: '' }]);
      assert.deepEqual(fs.readdirSync(tmp.dir), [], 'no working files');
    } finally { tmp.cleanup(); }
  });

  it('POSIX: the script travels in the command line, writes through mktemp + rename (never through a link), reads no file of the user', async () => {
    const tmp = makeTempDir();
    try {
      const target = path.join(tmp.dir, 'etc', 'anchor.crt');
      const link = path.join(tmp.dir, 'etc', 'linked.crt');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(path.join(tmp.dir, 'victim'), 'untouched');
      fs.symlinkSync(path.join(tmp.dir, 'victim'), link);
      const lines: string[] = [];
      const result = await runElevated([
        { id: 'w', ops: [{ kind: 'write', to: target, contents: Buffer.from('PEM\n').toString('base64'), mode: 0o640 }] },
        { id: 'l', ops: [{ kind: 'write', to: link, contents: Buffer.from('over the link').toString('base64') }] },
        { id: 'f', ops: [{ kind: 'exec', command: 'false', args: [] }] },
      ], { runner: async line => { lines.push(line); return shRunner([])(line, { name: 't' }); }, platform: 'linux' });
      assert.match(lines[0], /^echo [A-Za-z0-9+/=]+ \| base64 --decode \| \/bin\/sh$/);
      assert.deepEqual(result.results.map(r => [r.id, r.code]), [['w', 0], ['l', 0], ['f', 1]]);
      assert.equal(fs.readFileSync(target, 'utf8'), 'PEM\n');
      assert.equal(fs.statSync(target).mode & 0o777, 0o640);
      assert.equal(fs.readFileSync(path.join(tmp.dir, 'victim'), 'utf8'), 'untouched', 'the link was replaced, not followed');
      assert.equal(fs.lstatSync(link).isSymbolicLink(), false);
      assert.deepEqual(fs.readdirSync(path.dirname(target)).sort(), ['anchor.crt', 'linked.crt'], 'no temporary file left');
    } finally { tmp.cleanup(); }
  });

  it('PowerShell: single-quoted literals, native commands judged by $LASTEXITCODE alone (no Stop + stderr trap)', () => {
    const script = buildPowerShellScript([{ id: 'bind', ops: [{ kind: 'exec', command: 'netsh', args: ['http', 'add', 'sslcert', "ipport=0.0.0.0:44300", "x'y"], okExitCodes: [1] }] }]);
    assert.match(script, /\$o = & 'netsh' 'http' 'add' 'sslcert' 'ipport=0\.0\.0\.0:44300' 'x''y' 2>&1 \| ForEach-Object \{ "\$_" \}; \$c = \$LASTEXITCODE; /);
    assert.match(script, /if \(@\(0,1\) -notcontains \$c\) \{ \$rc = \$c \}/);
    // 5.1 turns a native command's stderr into a terminating error under a global 'Stop': none here.
    assert.doesNotMatch(script, /^\$ErrorActionPreference = 'Stop'/m);
    assert.match(script, /^\$ErrorActionPreference = 'Continue'$/m);
    // No redirection to files (1>> / 2>> write UTF-16 under 5.1); results go to stdout as ASCII lines.
    assert.doesNotMatch(script, /[12]>>/);
    assert.match(script, /Write-DcdResult 0 \$rc \$out\.ToString\(\)/);
    assert.ok(script.split('\r\n').length > 5, 'CRLF lines');
    assert.match(script, /\r\nif \(\$failed\) \{ exit 1 \} else \{ exit 0 \}\r\n$/, 'exit only on the last line');
  });

  it('PowerShell: a powershell.exe -Command step runs inline with Stop in its own scope', () => {
    const script = buildPowerShellScript([{ id: 'pfx', ops: [{ kind: 'exec', command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', "Import-PfxCertificate -FilePath 'C:\\x.pfx'"] }] }]);
    assert.ok(script.includes(`$o = & { $ErrorActionPreference = 'Stop'; Import-PfxCertificate -FilePath 'C:\\x.pfx' } 2>&1`));
    assert.doesNotMatch(script, /& 'powershell\.exe'/);
  });

  const decodeEncoded = (line: string) => {
    const m = /^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(line);
    assert.ok(m, line);
    return Buffer.from(m![1], 'base64').toString('utf16le');
  };
  const resultLine = (i: number, rc: number, text: string) => `DEVCERT-DOCTOR-RESULT ${i} ${rc} ${Buffer.from(text, 'utf8').toString('base64')}`;

  it('Windows: a small script travels whole as -EncodedCommand (UTF-16LE), no file anywhere', async () => {
    const units = [{ id: 'bind', ops: [{ kind: 'exec' as const, command: 'netsh', args: ['http', 'show', 'sslcert'] }] }];
    const before = fs.readdirSync(os.tmpdir()).filter(f => f.startsWith('devcert-doctor-elevated-')).length;
    let seen = '';
    const result = await runElevated(units, { platform: 'win32', runner: async line => {
      seen = decodeEncoded(line);
      assert.equal(fs.readdirSync(os.tmpdir()).filter(f => f.startsWith('devcert-doctor-elevated-')).length, before, 'no working folder');
      // What the script prints under a German Windows: the output is UTF-8 inside base64, never re-decoded.
      return { stdout: `DEVCERT-DOCTOR-POLICY Undefined Undefined\r\n${resultLine(0, 0, 'Zertifikathash : ab…')}\r\n`, stderr: '' };
    } });
    assert.equal(seen, buildPowerShellScript(units));
    assert.deepEqual(result.results, [{ id: 'bind', code: 0, stdout: 'Zertifikathash : ab…', stderr: '' }]);
  });

  it('Windows: a large script is a UTF-8-with-BOM file read once by a loader that checks its SHA-256 (any path shape)', async () => {
    const big = Buffer.alloc(6000, 1).toString('base64');
    const units = [{ id: 'pfx', ops: [{ kind: 'write' as const, to: 'C:\\Users\\JOHNDO~1\\AppData\\Roaming\\devcert-doctor\\trusted\\x.pfx', contents: big }] }];
    const script = buildPowerShellScript(units);
    const shortName = "C:\\Users\\JOHNDO~1\\AppData\\Local\\Temp\\Jürgen's\\steps.ps1";
    const { commandLine, fileBytes } = windowsElevatedCommandLine(script, () => shortName);
    assert.ok(commandLine.length <= 8000);
    const loader = decodeEncoded(commandLine);
    assert.ok(loader.startsWith("$b = [IO.File]::ReadAllBytes('C:\\Users\\JOHNDO~1\\AppData\\Local\\Temp\\Jürgen''s\\steps.ps1'); "), loader);
    assert.deepEqual([...fileBytes!.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM: 5.1 reads a BOM-less file in the ANSI code page');
    assert.equal(fileBytes!.subarray(3).toString('utf8'), script);
    const hash = createHash('sha256').update(fileBytes!).digest('hex').toUpperCase();
    assert.ok(loader.includes(`if ($h -ne '${hash}') { 'DEVCERT-DOCTOR-RESULT-TAMPERED'; exit 3 }`));
    assert.ok(loader.endsWith('& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString($b, 3, $b.Length - 3)))'), 'no -File: no .ps1 execution policy');
    assert.doesNotMatch(loader, /-File/);

    // Through runElevated: the file exists while the prompt runs, is private, and is gone afterwards.
    let file = '';
    const result = await runElevated(units, { platform: 'win32', runner: async line => {
      file = /ReadAllBytes\('([^']+)'\)/.exec(decodeEncoded(line))![1];
      assert.deepEqual([...fs.readFileSync(file).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      return { stdout: resultLine(0, 0, ''), stderr: '' };
    } });
    assert.equal(result.failed, undefined);
    assert.equal(fs.existsSync(path.dirname(file)), false, 'the folder is removed');
    await assert.rejects(runElevated(units, { platform: 'win32', runner: async () => ({ stdout: 'DEVCERT-DOCTOR-RESULT-TAMPERED\r\n', stderr: '' }) }), /changed on disk/);
  });

  it('Windows: a step that fails under a Group Policy AllSigned/Restricted policy says so', async () => {
    assert.deepEqual(parsePowerShellPolicy('DEVCERT-DOCTOR-POLICY AllSigned Undefined\r\n'), { machine: 'AllSigned', user: 'Undefined' });
    assert.equal(explainExecutionPolicy({ machine: 'Undefined', user: 'Undefined' }), undefined);
    assert.equal(explainExecutionPolicy({ machine: 'RemoteSigned', user: 'Undefined' }), undefined);
    const units = [{ id: 'a', ops: [{ kind: 'exec' as const, command: 'netsh', args: [] }] }, { id: 'b', ops: [{ kind: 'exec' as const, command: 'netsh', args: [] }] }];
    const failure = Object.assign(new Error('Command failed'), { stdout: `DEVCERT-DOCTOR-POLICY Undefined Restricted\r\n${resultLine(0, 0, 'ok')}\r\n${resultLine(1, 1, 'Import-Module: cannot be loaded')}\r\n` });
    const result = await runElevated(units, { platform: 'win32', runner: async () => { throw failure; } });
    assert.deepEqual(result.results.map(r => [r.id, r.code]), [['a', 0], ['b', 1]]);
    assert.match(result.failed!.stderr, /Group Policy sets the PowerShell execution policy to Restricted on this computer \(UserPolicy\); "-ExecutionPolicy Bypass" cannot override it/);
    await assert.rejects(runElevated(units, { platform: 'win32', runner: async () => { throw new Error(SUDO_PROMPT_CANCELLED); } }), /cancelled/);
  });

  it('commands shown for pasting are PowerShell: braces and $ quoted, & before a quoted program, env as $env:', () => {
    assert.equal(formatPowerShellCommand('netsh', ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44300', 'certhash=AB12', 'appid={214124cd-d05b-4309-9af9-9caa44b2b74a}']),
      "netsh http add sslcert ipport=0.0.0.0:44300 certhash=AB12 'appid={214124cd-d05b-4309-9af9-9caa44b2b74a}'");
    assert.equal(formatPowerShellCommand('C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe', ['setupSslUrl', '-url:https://localhost:44300/', '-CertHash:AB12']),
      "& 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe' setupSslUrl '-url:https://localhost:44300/' '-CertHash:AB12'");
    // The outer shell expands nothing: the script is one single-quoted literal, its quotes doubled.
    assert.equal(formatPowerShellCommand('powershell.exe', ['-NoProfile', '-Command', "$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\CurrentUser\\Root\\AB'"]),
      "powershell.exe -NoProfile -Command '$ErrorActionPreference = ''Stop''; Remove-Item -Path ''Cert:\\CurrentUser\\Root\\AB'''");
    assert.equal(formatPowerShellCommand('dotnet', ['dev-certs', 'https'], { HOME: "C:\\Users\\o'brien" }), "$env:HOME = 'C:\\Users\\o''brien'; dotnet dev-certs https");
  });
});

import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { psQuote, type ExecResult } from '../../src/core/io/exec';
import type { CommandAction, PlanStep } from '../../src/core/plan/types';
import type { CertificateRef } from '../../src/core/certs/types';
import type { TrustContext } from '../../src/core/trust/store';
import { asIisExpressCertificate, createWindowsMyStore, createWindowsRootStore, queryStoreAction } from '../../src/core/trust/windows';
import { parsePowerShellDate, parseWindowsCertJson } from '../../src/core/trust/windowsCertJson';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');

function certRef(file: string, nickname: string): CertificateRef {
  const pem = fixture(file);
  const x = new X509Certificate(pem);
  const hex = (fp: string) => fp.replace(/:/g, '');
  return { pem, sha1: hex(x.fingerprint), sha256: hex(x.fingerprint256), subject: x.subject.replace(/\n/g, ', '), nickname };
}
const LOCALHOST = certRef('localhost-cert.pem', 'localhost');
const CA = certRef('local-ca-cert.pem', 'devcert-local-ca');

/**
 * PowerShell's Cert: drive does not exist on this Linux machine: the runner returns captured-format
 * ConvertTo-Json output, so what is tested is the parsing of that format and the plans built from it.
 */
function runnerReturning(stdout: string, code = 0) {
  const calls: string[][] = [];
  const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
    calls.push([command, ...args]);
    return { command, args: [...args], code, stdout, stderr: code ? 'Get-ChildItem : Access denied' : '', durationMs: 1, timedOut: false };
  };
  return { runner, calls };
}

const ctx: TrustContext = { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming' } };
const argv = (s: PlanStep) => s.action.type === 'command' ? [s.action.command, ...s.action.args] : null;

describe('Windows store query output (ConvertTo-Json)', () => {
  it('reads a single object with BOM, CRLF and the Windows PowerShell 5.1 /Date(ms)/ form', () => {
    const [e, ...rest] = parseWindowsCertJson(fixture('ps-currentuser-root-one-ps51.json'));
    assert.equal(rest.length, 0);
    assert.equal(e.thumbprint, LOCALHOST.sha1);
    assert.equal(e.friendlyName, 'IIS Express Development Certificate');
    assert.equal(e.notAfter?.toISOString(), '2035-12-31T23:59:59.000Z');
    assert.equal(e.hasPrivateKey, false);
  });

  it('reads an array with PowerShell 7 ISO dates and a null friendly name', () => {
    const all = parseWindowsCertJson(fixture('ps-currentuser-root-many-ps7.json'));
    assert.deepEqual(all.map(e => [e.thumbprint, e.subject, e.notAfter?.toISOString(), e.friendlyName]), [
      [LOCALHOST.sha1, 'CN=localhost', '2035-12-31T22:59:59.000Z', ''],
      [CA.sha1, 'CN=DevCert Doctor Local CA', '2036-01-01T00:00:00.000Z', ''],
    ]);
  });

  it('reads a date wrapped with its localized DateTime text without reading the text', () => {
    const [e] = parseWindowsCertJson(fixture('ps-localmachine-my-one-wrapped-date.json'));
    assert.equal(e.notAfter?.getTime(), 2082758399000);
    assert.equal(e.hasPrivateKey, true);
  });

  it('reads no output as no match, and rejects non-JSON clearly', () => {
    assert.deepEqual(parseWindowsCertJson(fixture('ps-no-match.json')), []);
    assert.throws(() => parseWindowsCertJson('Get-ChildItem : Zugriff verweigert'), /not read the certificate store query output as JSON/);
    assert.equal(parsePowerShellDate('/Date(-1000)/')?.getTime(), -1000);
    assert.equal(parsePowerShellDate('Mittwoch'), undefined);
  });
});

describe('windows-root (CurrentUser\\Root)', () => {
  it('queries exactly one thumbprint as JSON, single-quoted, never double quotes', () => {
    const a = queryStoreAction('CurrentUser\\Root', LOCALHOST.sha1);
    assert.deepEqual([a.command, ...a.args], ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command',
      "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; Get-ChildItem -Path 'Cert:\\CurrentUser\\Root'"
      + ` | Where-Object Thumbprint -eq '${LOCALHOST.sha1}'`
      + " | Select-Object Thumbprint,Subject,NotAfter,FriendlyName,HasPrivateKey,@{n='RawData';e={[Convert]::ToBase64String($_.RawData)}} | ConvertTo-Json -Compress"]);
  });

  it('escapes quotes, including typographic ones PowerShell also treats as quotes', () => {
    assert.equal(psQuote("C:\\Users\\o'brien\\x.cer"), "'C:\\Users\\o''brien\\x.cer'");
    assert.equal(psQuote('a\u2019b'), "'a\u2019\u2019b'");
  });

  it('check: true when the thumbprint is in the store, false on no output', async () => {
    assert.equal(await createWindowsRootStore(runnerReturning(fixture('ps-currentuser-root-many-ps7.json')).runner).check(CA, ctx), true);
    assert.equal(await createWindowsRootStore(runnerReturning('').runner).check(LOCALHOST, ctx), false);
  });

  it('check: a failing query is an error, not "absent"', async () => {
    await assert.rejects(createWindowsRootStore(runnerReturning('', 1).runner).check(LOCALHOST, ctx), /could not read Cert:\\CurrentUser\\Root \(exit 1\)/);
  });

  it('add: writes the DER .cer, imports it with the IIS Express friendly name, warns about the dialog', async () => {
    const store = createWindowsRootStore(runnerReturning('').runner);
    const steps = await store.add(asIisExpressCertificate(LOCALHOST), ctx);
    const cer = `C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor\\trusted\\localhost-${LOCALHOST.sha1.slice(0, 8)}.cer`;
    assert.deepEqual(steps.map(s => s.id), ['windows-root-file', 'trust-windows-root']);
    assert.deepEqual(steps.map(s => s.beforeElevated), [true, true], 'the dialog comes before any administrator prompt');
    const write = steps[0].action;
    assert.equal(write.type, 'write-file');
    if (write.type === 'write-file') {
      assert.equal(write.path, cer);
      assert.equal(write.encoding, 'base64');
      assert.ok(Buffer.from(write.contents, 'base64').equals(new X509Certificate(LOCALHOST.pem).raw), 'DER bytes of the certificate');
    }
    assert.deepEqual(argv(steps[1]), ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command',
      `$ErrorActionPreference = 'Stop'; $c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2(,[IO.File]::ReadAllBytes('${cer}')); `
      + "$c.FriendlyName = 'IIS Express Development Certificate'; $s = New-Object System.Security.Cryptography.X509Certificates.X509Store('Root', 'CurrentUser'); "
      + "$s.Open('ReadWrite'); try { $s.Add($c) } finally { $s.Close() }"]);
    assert.equal(steps[1].elevated, false);
    assert.match(steps[1].title, /security warning/);
    assert.match(steps[1].changes, /dialog/);
    const remove = ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command',
      `$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\CurrentUser\\Root\\${LOCALHOST.sha1}'`];
    assert.deepEqual([(steps[1].undo as CommandAction).command, ...(steps[1].undo as CommandAction).args], remove);
    assert.deepEqual(steps[1].record?.kind, 'trust');
    assert.deepEqual(steps[1].record?.target, 'windows-root');
    assert.deepEqual(steps[1].record?.thumbprint, LOCALHOST.sha1);
    assert.ok((steps[1].action as CommandAction).args.every(a => !a.includes('"')), 'no double quotes reach the command line');
  });

  it('add is empty and remove plans removal when already trusted; remove is empty when absent', async () => {
    const trusted = createWindowsRootStore(runnerReturning(fixture('ps-currentuser-root-one-ps51.json')).runner);
    assert.deepEqual(await trusted.add(LOCALHOST, ctx), []);
    const steps = await trusted.remove(LOCALHOST, ctx);
    assert.deepEqual(steps.map(s => s.id), ['windows-root-file', 'untrust-windows-root', 'windows-root-file-cleanup']);
    assert.equal((steps[1].action as CommandAction).args[3], `$ErrorActionPreference = 'Stop'; Remove-Item -Path 'Cert:\\CurrentUser\\Root\\${LOCALHOST.sha1}'`);
    assert.match((steps[1].undo as CommandAction).args[3], /ReadAllBytes\('.*\.cer'\)\); \$s = New-Object System\.Security\.Cryptography\.X509Certificates\.X509Store\('Root', 'CurrentUser'\)/);
    assert.deepEqual(await createWindowsRootStore(runnerReturning('').runner).remove(LOCALHOST, ctx), []);
  });

  it('is not available off Windows', async () => {
    assert.deepEqual(await createWindowsRootStore().available({ ...ctx, platform: 'linux' }),
      { ok: false, reason: 'Windows certificate stores exist only on Windows' });
  });
});

describe('windows-my (LocalMachine\\My)', () => {
  const withPfx = { ...asIisExpressCertificate(LOCALHOST), pfx: { base64: Buffer.from('pfx-bytes').toString('base64'), password: "s3cr'et" } };

  it('check needs the private key', async () => {
    assert.equal(await createWindowsMyStore(runnerReturning(fixture('ps-localmachine-my-one-wrapped-date.json')).runner).check(LOCALHOST, ctx), true);
    assert.equal(await createWindowsMyStore(runnerReturning(fixture('ps-localmachine-my-no-key-ps51.json')).runner).check(LOCALHOST, ctx), false);
  });

  it('add: PFX and password go through 0600 files, never the command line; the elevated import deletes the copies', async () => {
    const steps = await createWindowsMyStore(runnerReturning('').runner).add(withPfx, ctx);
    const base = `C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor\\trusted\\localhost-${LOCALHOST.sha1.slice(0, 8)}.pfx`;
    assert.deepEqual(steps.map(s => [s.id, s.elevated, s.action.type]), [
      ['windows-my-pfx', false, 'write-file'],
      ['windows-my-pfx-password', false, 'write-file'],
      ['install-windows-my', true, 'command'],
    ]);
    assert.deepEqual(steps.slice(0, 2).map(s => s.action.type === 'write-file' && [s.action.path, s.action.mode]), [[base, 0o600], [`${base}.pass`, 0o600]]);
    assert.deepEqual(argv(steps[2]), ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command',
      `$ErrorActionPreference = 'Stop'; $p = Get-Content -LiteralPath '${base}.pass' -Raw | ConvertTo-SecureString -AsPlainText -Force; `
      + `$c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2('${base}', $p, 'MachineKeySet,PersistKeySet'); `
      + "$c.FriendlyName = 'IIS Express Development Certificate'; $s = New-Object System.Security.Cryptography.X509Certificates.X509Store('My', 'LocalMachine'); "
      + "$s.Open('ReadWrite'); try { $s.Add($c) } finally { $s.Close() }; "
      + `Remove-Item -LiteralPath '${base}', '${base}.pass' -Force`]);
    const everything = JSON.stringify(steps.filter(s => s.action.type === 'command'));
    assert.ok(!everything.includes("s3cr'et") && !everything.includes("s3cr''et"), 'the password is in no command');
    assert.match((steps[2].undo as CommandAction).args[3], /Remove-Item -Path 'Cert:\\LocalMachine\\My\\55E7A6D89F0C9B5CFBF65A89891B888AF8AA7D58' -DeleteKey$/);
    assert.deepEqual(steps[2].record?.target, 'windows-my');
  });

  it('add refuses without a PFX, and is empty when the key is already there', async () => {
    await assert.rejects(createWindowsMyStore(runnerReturning('').runner).add(LOCALHOST, ctx), /private key.*PFX/);
    assert.deepEqual(await createWindowsMyStore(runnerReturning(fixture('ps-localmachine-my-one-wrapped-date.json')).runner).add(withPfx, ctx), []);
  });

  it('remove is elevated, deletes the key, and says it cannot be undone', async () => {
    const steps = await createWindowsMyStore(runnerReturning(fixture('ps-localmachine-my-no-key-ps51.json')).runner).remove(LOCALHOST, ctx);
    assert.equal(steps.length, 1);
    assert.equal(steps[0].elevated, true);
    assert.equal(steps[0].undo, undefined);
    assert.match(steps[0].changes, /not recoverable/);
  });
});

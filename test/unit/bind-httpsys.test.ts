import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import { httpSysUndoStep, interpretIisExpressAdminCmd, planHttpSysBindings, planIisExpressSetupSslUrl, readHttpSysBinding, readHttpSysBindings } from '../../src/core/bind/httpSys';
import { findBinding, parseNetshShowSslcert } from '../../src/core/bind/netshParse';
import { BindInputError, IIS_EXPRESS_APP_ID, validateAppId, validatePort, validateThumbprint } from '../../src/core/bind/validate';
import type { Runner } from '../../src/core/bind/types';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');

/**
 * netsh cannot run on this Linux machine: these runners hand the parsers captured-format output, so what
 * is tested is the parsing of the tool's real output format and the plan built from it.
 */
function fakeRunner(outputs: Record<string, { code?: number; stdout: string }>): Runner & { calls: string[][] } {
  const calls: string[][] = [];
  const runner = (async (command: string, args: readonly string[]): Promise<ExecResult> => {
    calls.push([command, ...args]);
    const key = [command, ...args].join(' ');
    const out = outputs[key];
    if (!out) throw new Error(`unexpected command: ${key}`);
    return { command, args: [...args], code: out.code ?? 0, stdout: out.stdout, stderr: '', durationMs: 1, timedOut: false };
  }) as Runner & { calls: string[][] };
  runner.calls = calls;
  return runner;
}

const NEW = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
const OLD = '7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01';

describe('netsh http show sslcert parser (value shapes, any language)', () => {
  it('reads every block of the English listing, CRLF line endings, IPv6 and SNI endpoints', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-all-en-crlf.txt'));
    assert.deepEqual(b, [
      { endpoint: '0.0.0.0:44300', kind: 'ipport', host: '0.0.0.0', port: 44300, certHash: OLD, appId: IIS_EXPRESS_APP_ID },
      { endpoint: '0.0.0.0:44301', kind: 'ipport', host: '0.0.0.0', port: 44301, certHash: OLD, appId: IIS_EXPRESS_APP_ID },
      { endpoint: '[::]:443', kind: 'ipport', host: '[::]', port: 443, certHash: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C', appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}' },
      { endpoint: 'www.contoso.com:8443', kind: 'hostnameport', host: 'www.contoso.com', port: 8443, certHash: 'FEDCBA98765432100123456789ABCDEFFEDCBA98', appId: '{12345678-1234-1234-1234-123456789012}' },
    ]);
  });

  it('reads a German single-port answer without knowing a German label', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-port-de.txt'));
    assert.equal(b.length, 1);
    assert.equal(findBinding(b, '0.0.0.0:44300')?.certHash, '9C0B8A7F6E5D4C3B2A1908F7E6D5C4B3A2918070');
    assert.equal(b[0].appId, IIS_EXPRESS_APP_ID);
  });

  it('reads the same German output as raw OEM code page bytes decoded as UTF-8 (mangled umlauts)', () => {
    const raw = readFileSync(path.join(FIX, 'netsh-show-sslcert-port-de-cp850.txt')).toString('utf8');
    assert.ok(raw.includes('\ufffd'), 'the fixture really is not UTF-8');
    assert.equal(parseNetshShowSslcert(raw)[0]?.certHash, '9C0B8A7F6E5D4C3B2A1908F7E6D5C4B3A2918070');
  });

  it('reads the French listing', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-all-fr.txt'));
    assert.deepEqual(b.map(x => [x.endpoint, x.certHash, x.appId]), [
      ['0.0.0.0:44302', '1111111111222222222233333333334444444444', IIS_EXPRESS_APP_ID],
      ['0.0.0.0:44399', 'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD', '{00112233-4455-6677-8899-aabbccddeeff}'],
    ]);
  });

  it('finds no binding in a localized "not found" answer or an empty listing', () => {
    assert.deepEqual(parseNetshShowSslcert(fixture('netsh-show-sslcert-notfound-de.txt')), []);
    assert.deepEqual(parseNetshShowSslcert(fixture('netsh-show-sslcert-empty-en-crlf.txt')), []);
  });

  it('does not take a block without a hash as a binding', () => {
    const b = parseNetshShowSslcert('    IP:port : 0.0.0.0:44300\n    Certificate Store Name : MY\n');
    assert.equal(b.length, 1);
    assert.equal(findBinding(b, '0.0.0.0:44300'), undefined);
  });
});

describe('http.sys binding inputs', () => {
  it('accepts ports 1–65535 only', () => {
    assert.equal(validatePort(44300), 44300);
    for (const bad of [0, 65536, -1, 443.5, Number.NaN, '443' as unknown as number]) {
      assert.throws(() => validatePort(bad), BindInputError);
    }
  });

  it('normalises thumbprints and explains the invisible character copied from certmgr', () => {
    assert.equal(validateThumbprint('ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01'), NEW);
    assert.equal(validateThumbprint(`\u200e${NEW.toLowerCase()}`), NEW);
    assert.throws(() => validateThumbprint('\u200e1234'), /40 hexadecimal digits \(it also contained invisible characters/);
    assert.throws(() => validateThumbprint('Z'.repeat(40)), BindInputError);
    assert.throws(() => validateThumbprint(`${NEW}00`), BindInputError);
  });

  it('normalises app ids to {lower-case}', () => {
    assert.equal(validateAppId('214124CD-D05B-4309-9AF9-9CAA44B2B74A'), IIS_EXPRESS_APP_ID);
    assert.throws(() => validateAppId('{not-a-guid}'), BindInputError);
  });
});

describe('reading http.sys bindings', () => {
  it('lists all bindings with one netsh call', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-en-crlf.txt') } });
    const b = await readHttpSysBindings(runner);
    assert.equal(b.length, 4);
    assert.deepEqual(runner.calls, [['netsh', 'http', 'show', 'sslcert']]);
  });

  it('fails clearly when listing fails', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { code: 1, stdout: 'Der Vorgang ist fehlgeschlagen.' } });
    await assert.rejects(readHttpSysBindings(runner), /netsh http show sslcert failed \(exit 1\)/);
  });

  it('reads one port; a localized not-found answer (non-zero exit) means no binding', async () => {
    const runner = fakeRunner({
      'netsh http show sslcert ipport=0.0.0.0:44300': { stdout: fixture('netsh-show-sslcert-port-de.txt') },
      'netsh http show sslcert ipport=0.0.0.0:44305': { code: 1, stdout: fixture('netsh-show-sslcert-notfound-de.txt') },
    });
    assert.equal((await readHttpSysBinding('0.0.0.0:44300', runner))?.certHash, '9C0B8A7F6E5D4C3B2A1908F7E6D5C4B3A2918070');
    assert.equal(await readHttpSysBinding('0.0.0.0:44305', runner), undefined);
  });
});

describe('planHttpSysBindings', () => {
  const listing = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-en-crlf.txt') } });

  it('records and replaces an existing binding, adds a missing one, as exact argument arrays', async () => {
    const plan = await planHttpSysBindings({ ports: [44300, 44310], thumbprint: NEW.toLowerCase() }, { runner: listing });
    assert.deepEqual(plan.steps.map(s => [s.id, s.elevated, s.action.type === 'command' ? [s.action.command, ...s.action.args] : null]), [
      ['unbind-44300', true, ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300']],
      ['bind-44300', true, ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${NEW}`, `appid=${IIS_EXPRESS_APP_ID}`]],
      ['bind-44310', true, ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44310', `certhash=${NEW}`, `appid=${IIS_EXPRESS_APP_ID}`]],
    ]);
    const [unbind, bind, fresh] = plan.steps;
    // Rollback runs undos in reverse: delete ours, then put the old one back exactly.
    assert.deepEqual(bind.undo, { type: 'command', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300'] });
    assert.deepEqual(unbind.undo, { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`] });
    assert.deepEqual(bind.record, {
      kind: 'binding', target: 'httpsys:0.0.0.0:44300', thumbprint: NEW,
      previous: JSON.stringify({ certHash: OLD, appId: IIS_EXPRESS_APP_ID }),
    });
    assert.equal(fresh.record?.previous, undefined);
    // What clean does with those facts later: put the old binding back, or delete ours.
    assert.deepEqual(httpSysUndoStep(bind.record!, 'u').action,
      { type: 'command', command: 'netsh', args: ['http', 'update', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`] });
    assert.deepEqual(httpSysUndoStep(fresh.record!, 'u').action, { type: 'command', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44310'] });
    // A hand-edited fact is refused, never turned into a command.
    assert.throws(() => httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300 & calc', previous: undefined }, 'u'), /not an http.sys binding/);
    assert.throws(() => httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300', previous: JSON.stringify({ certHash: 'x & calc', appId: IIS_EXPRESS_APP_ID }) }, 'u'));
    assert.deepEqual(plan.notes, []);
  });

  it('changes nothing for ports already bound to the same certificate and app id', async () => {
    const plan = await planHttpSysBindings({ ports: [44300, 44301], thumbprint: OLD }, { runner: listing });
    assert.deepEqual(plan.steps, []);
    assert.match(plan.notes.join('\n'), /Already bound to 7A1E.*: 44300, 44301/);
  });

  it('covers the whole IIS Express range with one listing call', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-fr.txt') } });
    const plan = await planHttpSysBindings({ ports: 'iisexpress-range', thumbprint: NEW }, { runner });
    assert.equal(plan.steps.filter(s => s.id.startsWith('bind-')).length, 100);
    assert.deepEqual(plan.steps.filter(s => s.id.startsWith('unbind-')).map(s => s.id), ['unbind-44302', 'unbind-44399']);
    assert.equal(runner.calls.length, 1);
    assert.ok(plan.steps.every(s => s.elevated));
  });

  it('warns about ports outside 44300–44399 and rejects bad input before running anything', async () => {
    const plan = await planHttpSysBindings({ ports: [5001], thumbprint: NEW }, { runner: listing });
    assert.match(plan.notes[0], /Port 5001 is outside 44300–44399/);
    const untouched = fakeRunner({});
    await assert.rejects(planHttpSysBindings({ ports: [70000], thumbprint: NEW }, { runner: untouched }), /not a valid TCP port/);
    await assert.rejects(planHttpSysBindings({ ports: [44300], thumbprint: 'nope' }, { runner: untouched }), /not a SHA-1 thumbprint/);
    await assert.rejects(planHttpSysBindings({ ports: [], thumbprint: NEW }, { runner: untouched }), /at least one port/);
    assert.deepEqual(untouched.calls, []);
  });
});

const HASH = '55E7A6D89F0C9B5CFBF65A89891B888AF8AA7D58';

describe('planIisExpressSetupSslUrl', () => {
  it('runs setupSslUrl -CertHash per port (deleting an existing binding first) with deleteSslUrl as undo', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-en-crlf.txt') } });
    const plan = await planIisExpressSetupSslUrl({ ports: [44300, 44305], thumbprint: HASH }, { runner });
    const exe = 'C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe';
    assert.deepEqual(plan.steps.map(s => s.action.type === 'command' ? [s.action.command, ...s.action.args] : null), [
      ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300'],
      [exe, 'setupSslUrl', '-url:https://localhost:44300/', `-CertHash:${HASH}`],
      [exe, 'setupSslUrl', '-url:https://localhost:44305/', `-CertHash:${HASH}`],
    ]);
    assert.deepEqual(plan.steps[1].undo, { type: 'command', command: exe, args: ['deleteSslUrl', '-url:https://localhost:44300/'] });
    assert.equal(plan.steps[1].record?.target, 'httpsys:0.0.0.0:44300');
    assert.equal(plan.steps[1].record?.thumbprint, HASH);
    assert.ok(plan.steps.every(s => s.elevated));
    assert.match(plan.notes.join('\n'), /Program Files \(x86\)/);
  });

  it('uses the configured IisExpressAdminCmd path', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-empty-en-crlf.txt') } });
    const plan = await planIisExpressSetupSslUrl({ ports: [44350], thumbprint: HASH }, { runner, tools: { iisExpressAdminCmd: 'D:\\IIS Express\\IisExpressAdminCmd.exe' } });
    assert.equal(plan.steps.length, 1);
    assert.equal((plan.steps[0].action as { command: string }).command, 'D:\\IIS Express\\IisExpressAdminCmd.exe');
    assert.doesNotMatch(plan.notes.join('\n'), /Program Files \(x86\)/);
  });

  it('reads IisExpressAdminCmd results by exit code', () => {
    assert.deepEqual(interpretIisExpressAdminCmd({ code: 0, stdout: fixture('iisexpressadmincmd-setupsslurl-ok.txt'), stderr: '' }),
      { ok: true, message: "Command 'setupsslUrl' completed." });
    const failed = interpretIisExpressAdminCmd({ code: 1, stdout: fixture('iisexpressadmincmd-setupsslurl-not-elevated.txt'), stderr: '' });
    assert.equal(failed.ok, false);
    assert.match(failed.message, /requires elevation/);
  });
});

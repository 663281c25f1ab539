import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import { httpSysUndoStep, planHttpSysBindings, planIisExpressSetupSslUrl, readHttpSysBinding, readHttpSysBindings } from '../../src/core/bind/httpSys';
import { interpretIisExpressAdminCmd } from '../../src/core/bind/iisExpressAdminCmd';
import { findBinding, parseNetshShowSslcert } from '../../src/core/bind/netshParse';
import { sslcertArgs, validateSslcertSettings } from '../../src/core/bind/sslcertSettings';
import { BindInputError, IIS_EXPRESS_APP_ID, validateAppId, validatePort, validateThumbprint } from '../../src/core/bind/validate';
import type { Runner } from '../../src/core/bind/types';
import { buildPowerShellScript } from '../../src/core/io/exec';
import type { CommandAction, PlanAction, PlanStep } from '../../src/core/plan/types';

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

/** The documented settings of a binding made with netsh's defaults, as read back (IIS Express's own bindings look so). */
const DEFAULTS = {
  certstorename: 'MY', verifyclientcertrevocation: 'enable', verifyrevocationwithcachedclientcertonly: 'disable', usagecheck: 'enable',
  dsmapperusage: 'disable', clientcertnegotiation: 'disable',
};

/**
 * The fixtures follow Microsoft's `show sslcert` / `add sslcert` reference (the documented field order and
 * sample output, see test/fixtures/platform/README.md); their labels in German, French and Japanese are
 * illustrative — the parser must not need them.
 */
describe('netsh http show sslcert parser (value shapes and field order, any language)', () => {
  it('reads every block of the English listing: hash, app id and every setting add sslcert takes; CRLF, IPv6 and SNI endpoints', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-all-en-crlf.txt'));
    assert.deepEqual(b, [
      { endpoint: '0.0.0.0:44300', kind: 'ipport', host: '0.0.0.0', port: 44300, certHash: OLD, appId: IIS_EXPRESS_APP_ID, settings: DEFAULTS, unread: [] },
      {
        endpoint: '0.0.0.0:44301', kind: 'ipport', host: '0.0.0.0', port: 44301, certHash: OLD, appId: IIS_EXPRESS_APP_ID, unread: [],
        settings: {
          certstorename: 'MY', verifyclientcertrevocation: 'disable', verifyrevocationwithcachedclientcertonly: 'enable', usagecheck: 'disable',
          revocationfreshnesstime: '3600', urlretrievaltimeout: '15000', sslctlidentifier: 'DevClientIssuers', sslctlstorename: 'ClientAuthIssuer',
          dsmapperusage: 'enable', clientcertnegotiation: 'enable', disablehttp2: 'enable', disablelegacytls: 'enable',
        },
      },
      { endpoint: '[::]:443', kind: 'ipport', host: '[::]', port: 443, certHash: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C', appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}', settings: { ...DEFAULTS, certstorename: 'My' }, unread: [] },
      { endpoint: 'www.contoso.com:8443', kind: 'hostnameport', host: 'www.contoso.com', port: 8443, certHash: 'FEDCBA98765432100123456789ABCDEFFEDCBA98', appId: '{12345678-1234-1234-1234-123456789012}', settings: { ...DEFAULTS, certstorename: 'WebHosting' }, unread: [] },
    ]);
    // What `add sslcert` is given to make 44301 again: every value as it was, in netsh's order.
    assert.deepEqual(sslcertArgs(b[1].settings), [
      'certstorename=MY', 'verifyclientcertrevocation=disable', 'verifyrevocationwithcachedclientcertonly=enable', 'usagecheck=disable',
      'revocationfreshnesstime=3600', 'urlretrievaltimeout=15000', 'sslctlidentifier=DevClientIssuers', 'sslctlstorename=ClientAuthIssuer',
      'dsmapperusage=enable', 'clientcertnegotiation=enable', 'disablehttp2=enable', 'disablelegacytls=enable',
    ]);
  });

  it('reads a German single-port answer without knowing a German label', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-port-de.txt'));
    assert.equal(b.length, 1);
    assert.equal(findBinding(b, '0.0.0.0:44300')?.certHash, '9C0B8A7F6E5D4C3B2A1908F7E6D5C4B3A2918070');
    assert.equal(b[0].appId, IIS_EXPRESS_APP_ID);
    assert.deepEqual(b[0].settings, DEFAULTS);
    assert.deepEqual(b[0].unread, []);
  });

  it('reads the same German output as raw OEM code page bytes decoded as UTF-8 (mangled umlauts)', () => {
    const raw = readFileSync(path.join(FIX, 'netsh-show-sslcert-port-de-cp850.txt')).toString('utf8');
    assert.ok(raw.includes('\ufffd'), 'the fixture really is not UTF-8');
    const [b] = parseNetshShowSslcert(raw);
    assert.equal(b.certHash, '9C0B8A7F6E5D4C3B2A1908F7E6D5C4B3A2918070');
    assert.deepEqual(b.settings, DEFAULTS);
  });

  it('reads the French listing, settings included', () => {
    const b = parseNetshShowSslcert(fixture('netsh-show-sslcert-all-fr.txt'));
    assert.deepEqual(b.map(x => [x.endpoint, x.certHash, x.appId, x.settings.clientcertnegotiation, x.unread.length]), [
      ['0.0.0.0:44302', '1111111111222222222233333333334444444444', IIS_EXPRESS_APP_ID, 'disable', 0],
      ['0.0.0.0:44399', 'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD', '{00112233-4455-6677-8899-aabbccddeeff}', 'enable', 0],
    ]);
  });

  for (const [name, decode] of [['netsh-show-sslcert-port-ja.txt', 'UTF-8'], ['netsh-show-sslcert-port-ja-cp932.txt', 'code page 932 read as UTF-8']] as const) {
    it(`reads a Japanese binding for client certificates (${decode}); a switch set under a Japanese label is reported, not guessed`, () => {
      const raw = readFileSync(path.join(FIX, name)).toString('utf8');
      if (name.endsWith('cp932.txt')) assert.ok(raw.includes('\ufffd'), 'the fixture really is not UTF-8');
      const [b] = parseNetshShowSslcert(raw);
      assert.equal(b.endpoint, '0.0.0.0:44320');
      assert.equal(b.certHash, '3C2B1A09F8E7D6C5B4A3928170F6E5D4C3B2A190');
      assert.deepEqual(b.settings, { ...DEFAULTS, clientcertnegotiation: 'enable' });
      assert.equal(b.unread.length, 1);
      assert.match(b.unread[0], / : Set$/);
    });
  }

  it('a value of an unexpected form is reported, never turned into a setting', () => {
    const [b] = parseNetshShowSslcert([
      '    IP:port : 0.0.0.0:44300', `    Certificate Hash : ${OLD}`, `    Application ID : ${IIS_EXPRESS_APP_ID}`,
      '    Certificate Store Name : My Store', '    Verify Client Certificate Revocation : Aktiviert',
    ].join('\n'));
    assert.deepEqual(b.settings, {});
    assert.deepEqual(b.unread, ['Certificate Store Name : My Store', 'Verify Client Certificate Revocation : Aktiviert']);
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

  it('recorded settings read back from the ledger: known parameters of the right shape only', () => {
    assert.deepEqual(validateSslcertSettings({ certstorename: 'MY', clientcertnegotiation: 'enable', revocationfreshnesstime: '3600' }),
      { certstorename: 'MY', clientcertnegotiation: 'enable', revocationfreshnesstime: '3600' });
    assert.deepEqual(validateSslcertSettings(undefined), {});
    for (const bad of [{ certstorename: 'MY & calc' }, { clientcertnegotiation: 'yes' }, { revocationfreshnesstime: '-1' }, { appid: IIS_EXPRESS_APP_ID }, { usagecheck: 1 }, ['x'], 'x']) {
      assert.throws(() => validateSslcertSettings(bad), BindInputError, JSON.stringify(bad));
    }
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

  const DEFAULT_ARGS = ['certstorename=MY', 'verifyclientcertrevocation=enable', 'verifyrevocationwithcachedclientcertonly=disable', 'usagecheck=enable',
    'dsmapperusage=disable', 'clientcertnegotiation=disable'];
  /** 44301 in the English listing: a binding set up for client certificates (the seed's mTLS story). */
  const CLIENT_CERT_ARGS = ['certstorename=MY', 'verifyclientcertrevocation=disable', 'verifyrevocationwithcachedclientcertonly=enable', 'usagecheck=disable',
    'revocationfreshnesstime=3600', 'urlretrievaltimeout=15000', 'sslctlidentifier=DevClientIssuers', 'sslctlstorename=ClientAuthIssuer',
    'dsmapperusage=enable', 'clientcertnegotiation=enable', 'disablehttp2=enable', 'disablelegacytls=enable'];

  it('records and replaces an existing binding, adds a missing one, as exact argument arrays', async () => {
    const plan = await planHttpSysBindings({ ports: [44300, 44310], thumbprint: NEW.toLowerCase() }, { runner: listing });
    assert.deepEqual(plan.steps.map(s => [s.id, s.elevated, s.action.type === 'command' ? [s.action.command, ...s.action.args] : null]), [
      ['unbind-44300', true, ['netsh', 'http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300']],
      ['bind-44300', true, ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${NEW}`, `appid=${IIS_EXPRESS_APP_ID}`, ...DEFAULT_ARGS]],
      ['bind-44310', true, ['netsh', 'http', 'add', 'sslcert', 'ipport=0.0.0.0:44310', `certhash=${NEW}`, `appid=${IIS_EXPRESS_APP_ID}`, 'certstorename=MY']],
    ]);
    const [unbind, bind, fresh] = plan.steps;
    // Rollback runs undos in reverse: delete ours, then put the old one back exactly.
    assert.deepEqual(bind.undo, { type: 'command', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300'] });
    assert.deepEqual(unbind.undo, { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`, ...DEFAULT_ARGS] });
    assert.deepEqual(bind.record, {
      kind: 'binding', target: 'httpsys:0.0.0.0:44300', thumbprint: NEW,
      previous: JSON.stringify({ certHash: OLD, appId: IIS_EXPRESS_APP_ID, settings: { certstorename: 'MY', verifyclientcertrevocation: 'enable', verifyrevocationwithcachedclientcertonly: 'disable', usagecheck: 'enable', dsmapperusage: 'disable', clientcertnegotiation: 'disable' } }),
    });
    assert.equal(fresh.record?.previous, undefined);
    // What clean does with those facts later: put the old binding back, or delete ours.
    assert.deepEqual(httpSysUndoStep(bind.record!, 'u').action,
      { type: 'command', command: 'netsh', args: ['http', 'update', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`, ...DEFAULT_ARGS] });
    assert.deepEqual(httpSysUndoStep(fresh.record!, 'u').action, { type: 'command', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44310'] });
    // A hand-edited fact is refused, never turned into a command.
    assert.throws(() => httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300 & calc', previous: undefined }, 'u'), /not an http.sys binding/);
    assert.throws(() => httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300', previous: JSON.stringify({ certHash: 'x & calc', appId: IIS_EXPRESS_APP_ID }) }, 'u'));
    assert.throws(() => httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300', previous: JSON.stringify({ certHash: OLD, appId: IIS_EXPRESS_APP_ID, settings: { certstorename: 'MY" & calc' } }) }, 'u'), BindInputError);
    // An entry written before settings were recorded still puts back what it knows.
    assert.deepEqual(httpSysUndoStep({ target: 'httpsys:0.0.0.0:44300', previous: JSON.stringify({ certHash: OLD, appId: IIS_EXPRESS_APP_ID }) }, 'u').action,
      { type: 'command', command: 'netsh', args: ['http', 'update', 'sslcert', 'ipport=0.0.0.0:44300', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`] });
    assert.deepEqual(plan.notes, []);
  });

  it('a binding set up for client certificates: undo puts back its store, revocation checks, CTL and switches; ours keeps them', async () => {
    const plan = await planHttpSysBindings({ ports: [44301], thumbprint: NEW }, { runner: listing });
    const [unbind, bind] = plan.steps;
    assert.deepEqual(unbind.undo, { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44301', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`, ...CLIENT_CERT_ARGS] });
    // Only the certificate changes: the port still asks for client certificates the way it did.
    assert.deepEqual(bind.action, { type: 'command', command: 'netsh', args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:44301', `certhash=${NEW}`, `appid=${IIS_EXPRESS_APP_ID}`, ...CLIENT_CERT_ARGS] });
    assert.deepEqual(httpSysUndoStep(bind.record!, 'u').action,
      { type: 'command', command: 'netsh', args: ['http', 'update', 'sslcert', 'ipport=0.0.0.0:44301', `certhash=${OLD}`, `appid=${IIS_EXPRESS_APP_ID}`, ...CLIENT_CERT_ARGS] });
    assert.match(unbind.changes, /was certhash=7A1E.* clientcertnegotiation=enable disablehttp2=enable disablelegacytls=enable\)$/);
  });

  it('keeps the application id the port was bound under (full IIS\'s, not IIS Express\'s), and says what it could not read', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-port-ja-cp932.txt').replace(/44320/g, '44330').replace(/214124cd-d05b-4309-9af9-9caa44b2b74a/, '4dc3e181-e14b-4a21-b022-59fc669b0914') } });
    const plan = await planHttpSysBindings({ ports: [44330], thumbprint: NEW }, { runner });
    const bind = plan.steps.find(s => s.id === 'bind-44330')!;
    assert.ok((bind.action as { args: string[] }).args.includes('appid={4dc3e181-e14b-4a21-b022-59fc669b0914}'));
    assert.ok((bind.action as { args: string[] }).args.includes('clientcertnegotiation=enable'));
    assert.equal(plan.notes.length, 1);
    assert.match(plan.notes[0], /^0\.0\.0\.0:44330: netsh showed a setting DevCert Doctor cannot read \(".* : Set"\); undo puts the binding back with everything else/);
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
  it('runs setupSslUrl -CertHash per port (deleting an existing binding first) with deleteSslUrl as undo, finding IisExpressAdminCmd when it runs', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-en-crlf.txt') } });
    const plan = await planIisExpressSetupSslUrl({ ports: [44300, 44305], thumbprint: HASH }, { runner });
    const script = (s: PlanStep | PlanAction | undefined) => {
      const a = (s && 'action' in s ? s.action : s) as CommandAction;
      assert.deepEqual(a.args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-Command']);
      assert.equal(a.command, 'powershell.exe');
      return a.args[3];
    };
    assert.deepEqual((plan.steps[0].action as CommandAction).args, ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:44300']);
    // The program is looked for when the step runs: Program Files, then Program Files (x86); judged by its exit code.
    const find = "$exe = @('C:\\Program Files\\IIS Express\\IisExpressAdminCmd.exe', 'C:\\Program Files (x86)\\IIS Express\\IisExpressAdminCmd.exe') "
      + '| Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1; '
      + "if (-not $exe) { throw 'IisExpressAdminCmd.exe is in neither C:\\Program Files\\IIS Express nor C:\\Program Files (x86)\\IIS Express: install IIS Express, or name it in the machine setting devcertDoctor.iisExpressPath' }; "
      + "$ErrorActionPreference = 'Continue'; ";
    const judged = (verb: string) => `2>&1 | ForEach-Object { [string]$_ }; if ($LASTEXITCODE -ne 0) { throw ('IisExpressAdminCmd.exe ${verb} failed (exit {0})' -f $LASTEXITCODE) }`;
    assert.equal(script(plan.steps[1]), `${find}& $exe 'setupSslUrl' '-url:https://localhost:44300/' '-CertHash:${HASH}' ${judged('setupSslUrl')}`);
    assert.equal(script(plan.steps[2]), `${find}& $exe 'setupSslUrl' '-url:https://localhost:44305/' '-CertHash:${HASH}' ${judged('setupSslUrl')}`);
    assert.equal(script(plan.steps[1].undo), `${find}& $exe 'deleteSslUrl' '-url:https://localhost:44300/' ${judged('deleteSslUrl')}`);
    assert.equal(plan.steps[1].record?.target, 'httpsys:0.0.0.0:44300');
    assert.equal(plan.steps[1].record?.thumbprint, HASH);
    assert.ok(plan.steps.every(s => s.elevated));
    assert.match(plan.notes.join('\n'), /looked for when the steps run: C:\\Program Files\\IIS Express\\IisExpressAdminCmd\.exe, else C:\\Program Files \(x86\)\\IIS Express/);
    // Inside the one elevated script the step runs inline, so the fallback is part of the script text.
    const elevated = buildPowerShellScript([{ id: 'iisexpress-ssl-44300', ops: [{ kind: 'exec', command: 'powershell.exe', args: (plan.steps[1].action as CommandAction).args }] }]);
    assert.ok(elevated.includes(`try { $o = & { $ErrorActionPreference = 'Stop'; ${find}& $exe 'setupSslUrl'`), elevated);
  });

  it('says which settings of the binding there IisExpressAdminCmd does not keep (it binds with defaults)', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-all-en-crlf.txt') } });
    const plan = await planIisExpressSetupSslUrl({ ports: [44300, 44301], thumbprint: HASH }, { runner });
    const kept = plan.notes.filter(n => /not kept/.test(n));
    assert.deepEqual(kept, ['0.0.0.0:44301: IisExpressAdminCmd binds with netsh\'s defaults, so verifyclientcertrevocation=disable verifyrevocationwithcachedclientcertonly=enable '
      + 'usagecheck=disable revocationfreshnesstime=3600 urlretrievaltimeout=15000 sslctlidentifier=DevClientIssuers sslctlstorename=ClientAuthIssuer dsmapperusage=enable '
      + 'clientcertnegotiation=enable disablehttp2=enable disablelegacytls=enable of the binding there now is not kept (undo puts the old binding back with it).']);
  });

  it('uses the configured IisExpressAdminCmd path', async () => {
    const runner = fakeRunner({ 'netsh http show sslcert': { stdout: fixture('netsh-show-sslcert-empty-en-crlf.txt') } });
    const plan = await planIisExpressSetupSslUrl({ ports: [44350], thumbprint: HASH }, { runner, tools: { iisExpressAdminCmd: 'D:\\IIS Express\\IisExpressAdminCmd.exe' } });
    assert.equal(plan.steps.length, 1);
    // The configured program, as it is: no search.
    assert.deepEqual(plan.steps[0].action, { type: 'command', command: 'D:\\IIS Express\\IisExpressAdminCmd.exe', args: ['setupSslUrl', '-url:https://localhost:44350/', `-CertHash:${HASH}`] });
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

/**
 * `dotnet dev-certs https --clean` on macOS as the plan's own steps (bind/devCertsMac.ts): what a Mac holds
 * is found by SHA-1 and removed the way dotnet's MacOSCertificateManager removes it, without its hidden sudo.
 * `security` exists only on macOS: its answers are built in the shapes test/fixtures/platform/README.md
 * describes (`find-certificate -a -c localhost -Z -p` listings, `trust-settings-export [-d]` plists); the
 * ~/.aspnet/https folder is a real one in a temporary HOME.
 */
import * as assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findMacDevCerts, macDevCertsCleanSteps } from '../../src/core/bind/devCertsMac';
import { contiguousElevation } from '../../src/core/plan/steps';
import type { PlanStep } from '../../src/core/plan/types';
import { DOTNET_TRUST, fakeSecurity, sha1Of } from '../helpers/macSecurity';
import { makeCert, type CertFiles } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const MARKER = '1.3.6.1.4.1.311.84.1.1=DER:02';
const sha1 = sha1Of;
const argv = (s: PlanStep) => s.action.type === 'command' ? [s.action.command, ...s.action.args] : [s.action.type, 'path' in s.action ? s.action.path : ''];

describe('dotnet dev-certs --clean on macOS, as explicit steps by SHA-1', function () {
  this.timeout(30000);
  const tmp = makeTempDir('devcert-devcerts-mac-');
  const home = () => path.join(tmp.dir, 'home');
  let current: CertFiles, dotnet6: CertFiles;
  const other = readFileSync(path.join(FIX, 'localhost-cert.pem'), 'utf8');
  const pfxOnly = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
  before(() => {
    current = makeCert(tmp.dir, 'current', { days: 365, extensions: [MARKER] });
    dotnet6 = makeCert(tmp.dir, 'dotnet6', { days: 365, extensions: [MARKER] });
    const https = path.join(home(), '.aspnet', 'https');
    mkdirSync(https, { recursive: true });
    writeFileSync(path.join(https, `aspnetcore-localhost-${sha1(current.certPem)}.pfx`), 'PFX bytes');
    writeFileSync(path.join(https, `aspnetcore-localhost-${pfxOnly}.pfx`), 'older PFX');
    writeFileSync(path.join(https, 'unrelated.pfx'), 'not dotnet\'s');
  });
  after(() => tmp.cleanup());

  const login = () => path.posix.join(home(), 'Library', 'Keychains', 'login.keychain-db');
  const SYSTEM = '/Library/Keychains/System.keychain';

  // The login keychain also holds another "localhost" (no ASP.NET Core marker): not dotnet's, never removed.
  // User domain: dotnet 7+'s -p basic -p ssl for the current one. Admin: .NET 6's unconstrained trust (an empty array) for its own.
  const security = () => fakeSecurity(
    kc => (kc === login() ? [current.certPem, other] : kc === SYSTEM ? [dotnet6.certPem] : []),
    [{ pem: current.certPem, constraints: DOTNET_TRUST }],
    [{ pem: dotnet6.certPem, constraints: '' }],
  );

  it('finds every development certificate (login and System keychains, trust domains, ~/.aspnet/https) and nothing else', async () => {
    const { runner, calls } = security();
    const found = await findMacDevCerts({ homeDir: home() }, runner as never);
    assert.deepEqual(found.map(f => [f.sha1, f.removals.map(r => [r.where, r.inKeychain, !!r.trustSettings]), !!f.pfx]).sort(), [
      [sha1(dotnet6.certPem), [['system', true, true]], false],
      [sha1(current.certPem), [['login', true, true]], true],
      [pfxOnly, [], true],
    ].sort());
    assert.ok(calls.some(c => c.join(' ') === `security find-certificate -a -c localhost -Z -p ${login()}`));
    assert.ok(calls.some(c => c.join(' ') === `security find-certificate -a -c localhost -Z -p ${SYSTEM}`));
  });

  it('removes each by SHA-1: the System keychain ones behind the one prompt, the login keychain ones unelevated, the PFX copies by their exact bytes', async () => {
    const { runner } = security();
    const found = await findMacDevCerts({ homeDir: home() }, runner as never);
    const ctx = { homeDir: home(), env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') } };
    const steps = contiguousElevation(macDevCertsCleanSteps(found, ctx));
    const pem = (c: CertFiles, root = false) => steps.find(s => s.action.type === 'write-file' && s.elevated === root && s.action.contents === new X509Certificate(c.certPem).toString())?.action;
    const file = (c: CertFiles, root = false) => (pem(c, root) as { path: string }).path;
    const pfx = (hash: string) => path.posix.join(home(), '.aspnet', 'https', `aspnetcore-localhost-${hash}.pfx`);
    const expected: [boolean, string[]][] = [
      [true, ['write-file', file(dotnet6, true)]],
      [true, ['security', 'remove-trusted-cert', '-d', file(dotnet6, true)]],
      [true, ['security', 'delete-certificate', '-Z', sha1(dotnet6.certPem), SYSTEM]],
      [true, ['remove-file', file(dotnet6, true)]],
      [false, ['write-file', file(current)]],
      [false, ['security', 'remove-trusted-cert', file(current)]],
      [false, ['security', 'delete-certificate', '-Z', sha1(current.certPem), login()]],
      [false, ['remove-file', file(current)]],
      [false, ['remove-file', pfx(sha1(current.certPem))]],
      [false, ['remove-file', pfx(pfxOnly)]],
    ];
    assert.deepEqual(steps.map(s => [s.elevated, argv(s)]), expected, 'in order');
    assert.match(file(dotnet6, true), /^\/Library\/Application Support\/devcert-doctor\//, 'root reads its PEM from a root-only folder');
    // The elevated steps are contiguous: one prompt.
    const elevated = steps.map((s, i) => s.elevated ? i : -1).filter(i => i >= 0);
    assert.deepEqual(elevated, [0, 1, 2, 3]);
    // The PFX step matches the bytes read while planning, and keeps no copy of the key for an undo.
    const pfxStep = steps.find(s => argv(s)[1] === pfx(sha1(current.certPem)))!;
    assert.deepEqual(pfxStep.action, { type: 'remove-file', path: pfx(sha1(current.certPem)), ifMatch: createHash('sha256').update('PFX bytes').digest('hex') });
    assert.equal(pfxStep.undo, undefined);
    // dotnet's sudo is nowhere; .NET 6's unconstrained trust comes back unconstrained on undo.
    assert.ok(!steps.some(s => s.action.type === 'command' && s.action.command !== 'security'));
    assert.deepEqual(steps[1].undo, { type: 'command', command: 'security', args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM, file(dotnet6, true)] });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ledger } from '../../src/core/plan/ledger';
import { configDir } from '../../src/core/io/paths';
import { makeTempDir } from '../helpers/sandbox';

describe('ledger', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  it('lives in the config dir, DEVCERT_DOCTOR_HOME first, then the platform convention', () => {
    assert.equal(Ledger.default({ DEVCERT_DOCTOR_HOME: tmp.dir }).file, path.join(tmp.dir, 'ledger.json'));
    assert.equal(configDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u'), '/x/cfg/devcert-doctor');
    assert.equal(configDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.config/devcert-doctor');
    assert.equal(configDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/devcert-doctor');
    assert.equal(configDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\devcert-doctor');
  });

  it('another platform\'s folder is its default layout under a placeholder home, never from this machine\'s variables', () => {
    const mine = { DEVCERT_DOCTOR_HOME: '/tmp/mine', XDG_CONFIG_HOME: '/tmp/xdg', APPDATA: '/tmp/appdata', HOME: '/tmp/home' };
    assert.equal(configDir(mine, 'win32'), 'C:\\Users\\<you>\\AppData\\Roaming\\devcert-doctor');
    assert.equal(configDir(mine, 'darwin'), '/Users/<you>/Library/Application Support/devcert-doctor');
    // This machine's own platform still honours them.
    assert.equal(configDir(mine, process.platform as 'linux'), '/tmp/mine');
  });

  const T1 = 'AB'.repeat(20);
  const T2 = 'CD'.repeat(20);

  it('adds, dedupes (recording twice records once), removes; file is 0600 and valid JSON after every write', () => {
    const l = new Ledger(path.join(tmp.dir, 'sub', 'ledger.json'));
    assert.deepEqual(l.entries(), []);
    l.add({ kind: 'trust', target: 'nss:/db', thumbprint: T1, addedAt: '1' });
    l.add({ kind: 'trust', target: 'nss:/db', thumbprint: T1, addedAt: '2' });
    l.add({ kind: 'trust', target: 'linux-system', thumbprint: T1, addedAt: '3' });
    assert.equal(l.entries().length, 2);
    assert.equal(fs.statSync(l.file).mode & 0o777, 0o600);
    assert.equal(l.remove(e => e.target === 'nss:/db'), 1);
    assert.deepEqual(JSON.parse(fs.readFileSync(l.file, 'utf8')).entries.map((e: { target: string }) => e.target), ['linux-system']);
    assert.deepEqual(fs.readdirSync(path.dirname(l.file)), ['ledger.json']); // no temp files left
  });

  it('a corrupt ledger is an error, never silently replaced', () => {
    const file = path.join(tmp.dir, 'ledger.json');
    fs.writeFileSync(file, '[');
    const l = new Ledger(file);
    assert.throws(() => l.add({ kind: 'trust', target: 'node:/b', thumbprint: T1, addedAt: '' }), /is not valid/);
    assert.equal(fs.readFileSync(file, 'utf8'), '[');
  });

  it('holds facts only: a hand-edited entry (a command line, a bad path, an unknown store) is set aside with its reason and kept, the rest still work', () => {
    const file = path.join(tmp.dir, 'ledger.json');
    const good = { kind: 'trust', target: 'node:/b.pem', thumbprint: T1, addedAt: '1' };
    const hostile = [
      { kind: 'file', target: '/etc/passwd', path: '/etc/passwd', written: 'a'.repeat(64), undo: { type: 'command', command: 'touch', args: ['/tmp/pwned'] }, addedAt: '2' },
      { kind: 'binding', target: 'httpsys:0.0.0.0:44300 && calc', addedAt: '3' },
      { kind: 'trust', target: 'evil-store', thumbprint: T2, addedAt: '4' },
      { kind: 'file', target: 'x', path: 'relative/x', written: 'a'.repeat(64), addedAt: '5' },
      { kind: 'file', target: '/k', path: '/k', written: 'a'.repeat(64), elevated: true, addedAt: '6' },
      { kind: 'trust', target: 'nss:/db\u001b]0;x\u0007', thumbprint: T2, addedAt: '7' },
    ];
    fs.writeFileSync(file, JSON.stringify({ version: 2, entries: [good, ...hostile] }));
    const l = new Ledger(file);
    assert.deepEqual(l.entries(), [good]);
    assert.deepEqual(l.rejected().map(r => r.reason), [
      'unexpected field "undo"', 'not an http.sys binding (httpsys:<ip>:<port>)', 'unknown trust store "evil-store"',
      'path is not an absolute path', 'a file entry is never elevated', 'target is not a plain string',
    ]);
    // Changing the ledger keeps what it set aside, untouched (it is the user's to look at).
    l.add({ kind: 'trust', target: 'node:/b.pem', thumbprint: T2, addedAt: '8' });
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).entries.length, 2 + hostile.length);
    // And the tool itself never writes a non-fact.
    assert.throws(() => l.add({ kind: 'file', target: '/x', addedAt: '9' } as never), /not a fact/);
  });

  it('reads a version 1 ledger (undo commands) as facts, ignoring the commands', () => {
    const file = path.join(tmp.dir, 'ledger.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries: [
      { kind: 'trust', target: 'linux-system', thumbprint: T1, undo: { type: 'remove-file', path: '/usr/local/share/ca-certificates/x.crt' }, addedAt: '1' },
      { kind: 'file', target: '/c/certs/a.pem', written: 'b'.repeat(64), undo: { type: 'remove-file', path: '/c/certs/a.pem' }, addedAt: '2' },
    ] }));
    const l = new Ledger(file);
    assert.deepEqual(l.entries().map(e => [e.kind, e.target, e.path]), [['trust', 'linux-system', undefined], ['file', '/c/certs/a.pem', '/c/certs/a.pem']]);
    assert.ok(l.entries().every(e => !('undo' in e)));
  });
});

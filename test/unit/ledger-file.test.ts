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

  it('adds, dedupes (recording twice records once), removes; file is 0600 and valid JSON after every write', () => {
    const l = new Ledger(path.join(tmp.dir, 'sub', 'ledger.json'));
    assert.deepEqual(l.entries(), []);
    l.add({ kind: 'trust', target: 'nss:/db', thumbprint: 'AB', addedAt: '1' });
    l.add({ kind: 'trust', target: 'nss:/db', thumbprint: 'AB', addedAt: '2' });
    l.add({ kind: 'trust', target: 'linux-system', thumbprint: 'AB', addedAt: '3' });
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
    assert.throws(() => l.add({ kind: 'file', target: 'x', addedAt: '' }), /is not valid/);
    assert.equal(fs.readFileSync(file, 'utf8'), '[');
  });
});

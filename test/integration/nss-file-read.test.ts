/**
 * Reading a browser's NSS database (cert9.db) from its file, checked against certutil — the real tool —
 * on databases certutil made: every certificate, and which ones NSS trusts for TLS servers (C or P in the
 * SSL column). The databases are big enough to have interior B-tree pages and a certificate larger than a
 * page (overflow pages). Broken and busy files are left to certutil.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pemToDer } from '../../src/core/certs/parse';
import { loadTrustAnchors } from '../../src/core/trust/anchors';
import { readNssCertDb } from '../../src/core/trust/nssCertDb';
import { readSqliteTable, SqliteReadError } from '../../src/core/trust/sqliteTable';
import { makeTempDir } from '../helpers/sandbox';

const has = (cmd: string) => spawnSync(cmd, ['-H'], { stdio: 'ignore' }).error === undefined;
const sha256 = (der: Buffer) => createHash('sha256').update(der).digest('hex');

/** What certutil says the database holds: each certificate's SHA-256 and whether its SSL trust has C or P. */
function certutilView(db: string): Map<string, boolean> {
  const view = new Map<string, boolean>();
  const listing = execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });
  for (const line of listing.split('\n')) {
    const m = /^(.*\S)\s+([A-Za-z]*),([A-Za-z]*),([A-Za-z]*)\s*$/.exec(line);
    if (!m || line.startsWith('Certificate Nickname')) continue;
    const pem = execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-n', m[1], '-a'], { encoding: 'utf8' });
    for (const der of pemToDer(pem)) view.set(sha256(der), /[CP]/.test(m[2]));
  }
  return view;
}

describe('the NSS database read from cert9.db, as certutil reads it', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let db: string;
  const trustFlags = ['C,,', 'P,,', 'c,,', 'p,,', ',,', 'CT,C,C', 'Pu,u,u', 'T,,'];

  before(function () {
    if (!has('certutil')) { console.log('      skipped: certutil (libnss3-tools) is not installed'); this.skip(); }
    tmp = makeTempDir('devcert-nssfile-');
    home = path.join(tmp.dir, 'home');
    db = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(db, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
    const gen = path.join(tmp.dir, 'gen');
    fs.mkdirSync(gen);
    // 96 small certificates (interior B-tree pages), every trust combination, and one larger than a page.
    for (let i = 0; i < 96; i++) {
      const file = path.join(gen, `c${i}.pem`);
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null',
        '-out', file, '-days', '30', '-subj', `/CN=NSS file test ${i}`], { stdio: 'ignore' });
      execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', `cert ${i}`, '-t', trustFlags[i % trustFlags.length], '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    const san = Array.from({ length: 400 }, (_, j) => `DNS:host${j}.example.localhost`).join(',');
    const big = path.join(gen, 'big.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-out', big, '-days', '30',
      '-subj', '/CN=NSS file test big', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
    execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'big one', '-t', 'C,,', '-i', big]);
  });
  after(() => tmp?.cleanup());

  it('finds every certificate and its TLS server trust exactly as certutil does', () => {
    const ours = new Map(readNssCertDb(fs.readFileSync(path.join(db, 'cert9.db'))).map(c => [sha256(c.der), c.trustedForServers]));
    const theirs = certutilView(db);
    assert.equal(theirs.size, 97);
    assert.deepEqual([...ours].sort(), [...theirs].sort());
    assert.ok([...ours.values()].filter(Boolean).length >= 40 && [...ours.values()].some(v => !v), 'both trusted and untrusted ones');
    assert.ok(readNssCertDb(fs.readFileSync(path.join(db, 'cert9.db'))).some(c => c.der.length > 8192), 'a certificate spread over overflow pages');
  });

  it('the anchors come from the file even with no certutil to run', async () => {
    const a = await loadTrustAnchors({ platform: 'linux', env: { HOME: home, SSL_CERT_FILE: '/nonexistent', SSL_CERT_DIR: '' }, homeDir: home, certutil: path.join(tmp.dir, 'no-certutil') });
    const nss = a.nss?.[0];
    assert.ok(nss, a.warnings.join('; '));
    const view = certutilView(db);
    const trusted = [...view].filter(([, t]) => t).map(([h]) => h).sort();
    // The set also holds the public roots browsers build in (Node's bundled list); the database's own are compared.
    assert.deepEqual(nss.set.certificates.map(c => c.summary.sha256.toLowerCase()).filter(h => view.has(h)).sort(), trusted);
  });

  it('a hot journal beside the file (changes it does not show yet) leaves the reading to certutil', async () => {
    const copy = path.join(tmp.dir, 'journal-home');
    fs.cpSync(home, copy, { recursive: true });
    const dbCopy = path.join(copy, '.pki', 'nssdb');
    fs.writeFileSync(path.join(dbCopy, 'cert9.db-journal'), Buffer.alloc(512, 1));
    const a = await loadTrustAnchors({ platform: 'linux', env: { HOME: copy }, homeDir: copy, certutil: path.join(tmp.dir, 'no-certutil') });
    assert.equal(a.nss, undefined);
    assert.ok(a.warnings.some(w => w.includes(dbCopy) && w.includes('not checked')), a.warnings.join('; '));
  });

  it('a damaged file is refused (then certutil is asked) or read to its end, never looped in: truncated, foreign, flipped bytes', () => {
    const bytes = fs.readFileSync(path.join(db, 'cert9.db'));
    assert.throws(() => readSqliteTable(bytes.subarray(0, bytes.length >> 1), 'nssPublic'), SqliteReadError);
    assert.throws(() => readSqliteTable(Buffer.from('not a database at all, long enough to have a header'.repeat(4)), 'nssPublic'), SqliteReadError);
    assert.throws(() => readSqliteTable(bytes, 'noSuchTable'), SqliteReadError);
    // A B-tree that points back at itself is refused, not followed forever: every interior table page
    // is made to name itself as its right-most child in turn.
    const pageSize = bytes.readUInt16BE(16);
    let loops = 0;
    for (let page = 2; page * pageSize <= bytes.length; page++) {
      const at = (page - 1) * pageSize;
      if (bytes[at] !== 0x05) continue;
      const looped = Buffer.from(bytes);
      looped.writeUInt32BE(page, at + 8);
      assert.throws(() => readSqliteTable(looped, 'nssPublic'), /reached twice/);
      loops++;
    }
    assert.ok(loops > 0, 'the database has interior pages to loop');
    // Hostile bytes: each variant either reads or throws, and it always ends (no page read twice).
    let seed = 11;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed; };
    const outcomes = { read: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(bytes);
      for (let k = 0; k < 64; k++) damaged[next() % damaged.length] = next() & 0xff;
      try { readNssCertDb(damaged); outcomes.read++; } catch (err) { assert.ok(err instanceof Error); outcomes.refused++; }
    }
    assert.ok(outcomes.read > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });
});

/**
 * Where the browsers keep their NSS databases under a home directory: one list for both the write side
 * (trust/nss.ts adds and removes there) and the read side (trust/anchors.ts checks each one), so a
 * database the repair writes to is always a database the probe reads. Dependency-free (fs, path).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface NssDatabase { dir: string; label: string }

function profilesIn(root: string, label: string): NssDatabase[] {
  let names: string[];
  // Most of these folders do not exist on a given machine: asked without an exception, checked on every probe.
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) return [];
  try { names = fs.readdirSync(root); } catch { return []; }
  return names.map(n => path.join(root, n))
    .filter(d => fs.existsSync(path.join(d, 'cert9.db')))
    .map(dir => ({ dir, label: `${label} profile ${path.basename(dir)}` }));
}

/** Every NSS database (sql: format, cert9.db) under `home`. */
export function findNssDatabases(home: string): NssDatabase[] {
  const dbs: NssDatabase[] = [];
  const chromium = [
    { dir: path.join(home, '.pki', 'nssdb'), label: 'Chromium/Chrome (~/.pki/nssdb)' },
    { dir: path.join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb'), label: 'Chromium (snap)' },
  ];
  for (const c of chromium) if (fs.existsSync(path.join(c.dir, 'cert9.db'))) dbs.push(c);
  dbs.push(...profilesIn(path.join(home, '.mozilla', 'firefox'), 'Firefox'));
  dbs.push(...profilesIn(path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'), 'Firefox (snap)'));
  dbs.push(...profilesIn(path.join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'), 'Firefox (Flatpak)'));
  dbs.push(...profilesIn(path.join(home, 'Library', 'Application Support', 'Firefox', 'Profiles'), 'Firefox'));
  return dbs;
}

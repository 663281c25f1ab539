// The CLI's code cache (see src/cli/codeCache.ts): the bundle the CLI loads (dist/core.js) gets a build
// id line, then the CLI's common commands run once in this process — generate, check against a local TLS
// server (JSON and text), a dry-run repair, help — in a throwaway HOME and config folder, and V8's cache
// of what they compiled is written beside it. The cache fits this Node's V8 only; another Node refuses it
// and compiles as usual.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

const require = createRequire(import.meta.url);
const BUNDLE = 'dist/core.js';

export async function makeCodeCaches() {
  const id = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex').slice(0, 32);
  appendFileSync(BUNDLE, `\n//# build=${id}\n`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'devcert-codecache-'));
  const saved = { HOME: process.env.HOME, DEVCERT_DOCTOR_HOME: process.env.DEVCERT_DOCTOR_HOME };
  const write = { out: process.stdout.write, err: process.stderr.write };
  let server;
  try {
    // The loader itself, built as the launcher uses it, so the cache is made from the same wrapped source.
    const loaderFile = path.join(work, 'codeCache.cjs');
    await build({ entryPoints: ['src/cli/codeCache.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: loaderFile, logLevel: 'warning' });
    const { loadBundle, codeCacheOf } = require(loaderFile);
    process.env.HOME = path.join(work, 'home');
    process.env.DEVCERT_DOCTOR_HOME = path.join(work, 'config');
    // A browser NSS database in that HOME, as Chromium makes on Linux, so reading one is in the cache too
    // (needs certutil; without it the cache just lacks that reader).
    const nssdb = path.join(work, 'home', '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    spawnSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password'], { stdio: 'ignore' });
    const core = loadBundle(path.resolve(BUNDLE));
    const main = core.exports.cli.main;
    process.stdout.write = process.stderr.write = () => true;
    const certs = path.join(work, 'certs');
    await main(['generate', '--out', certs]);
    server = tls.createServer({ cert: readFileSync(path.join(certs, 'local-ca.pem')), key: readFileSync(path.join(certs, 'local-ca-key.pem')) }, s => s.end());
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = String(server.address().port);
    await main(['check', '--port', port, '--json']);
    await main(['check', '--port', port]);
    await main(['repair', '--dry-run', '--port', port]);
    await main(['--help']);
    writeFileSync(`${BUNDLE}.cache`, codeCacheOf(readFileSync(BUNDLE, 'latin1'), core.script));
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Containment of discovery (issue 9, point 6): only regular files whose real path is inside the
 * workspace folder are read, never more than the cap, and the walk cannot run away. Real files, links,
 * FIFOs and devices in a temporary folder; nothing outside it is written.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { certificateRef } from '../../src/core/certs';
import { judgeDeclaredCertificate } from '../../src/core/check';
import { discoverEndpoints, parseDotEnv, readContainedText, type DeclaredEndpoint, type DiscoveryResult } from '../../src/core/endpoints';
import { readBoundedFile, readBoundedFileSync } from '../../src/core/io';
import { makeTempDir } from '../helpers/sandbox';
import { makeCert } from '../helpers/openssl';

const MB = 1024 * 1024;
/** Control, C1 and bidi characters: none may reach a message raw. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HANG_GUARD_MS = 20_000;

/** Bytes this process has read through read(2) so far (Linux /proc/self/io), to bound what a read costs. */
function bytesReadSoFar(): number {
  return Number(/^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

/** Resolves with the value, or rejects if the promise has not settled in time: a hang fails the test instead of stalling it. */
async function settles<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish (hung)`)), HANG_GUARD_MS); });
  try { return await Promise.race([p, guard]); } finally { clearTimeout(timer); }
}

const settingsJson = (port: number): string => `{"profiles":{"p":{"commandName":"Project","applicationUrl":"https://localhost:${port}"}}}`;
const appSettingsJson = (port: number): string => `{"Kestrel":{"Endpoints":{"Https":{"Url":"https://localhost:${port}"}}}}`;

describe('endpoints: containment of discovery', function () {
  this.timeout(4 * HANG_GUARD_MS);
  let tmp: ReturnType<typeof makeTempDir>;
  let ws: string;
  let outside: string;
  const fifos: string[] = [];

  const write = (rel: string, text: string, root = ws): string => {
    const f = path.join(root, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
    return f;
  };
  const link = (target: string, rel: string): string => {
    const f = path.join(ws, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    symlinkSync(target, f);
    return f;
  };
  const fifo = (rel: string): string => {
    const f = path.join(ws, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    execFileSync('mkfifo', [f]);
    fifos.push(f);
    return f;
  };
  const warningFor = (r: DiscoveryResult, file: string) => {
    const w = r.warnings.find((x) => x.file === file);
    assert.ok(w, `expected a warning for ${JSON.stringify(file)}, got ${JSON.stringify(r.warnings)}`);
    return w;
  };
  const filesNamed = (r: DiscoveryResult): string[] => [
    ...r.endpoints.flatMap((e) => e.sources.map((s) => s.file)), ...r.warnings.map((w) => w.file),
  ];

  beforeEach(() => {
    tmp = makeTempDir('devcert-contain-');
    ws = path.join(tmp.dir, 'ws');
    outside = path.join(tmp.dir, 'other-project');
    mkdirSync(ws);
    write('Properties/launchSettings.json', settingsJson(7999), outside);
    write('appsettings.json', appSettingsJson(7998), outside);
  });
  afterEach(() => {
    // A reader stuck on a FIFO (the old code) is released by a writer opening and closing it.
    for (const f of fifos.splice(0)) {
      try { closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* no reader waiting: nothing to release */ }
    }
    tmp.cleanup();
  });

  it('does not walk a link to / and reports no file outside the workspace', async () => {
    write('api/Properties/launchSettings.json', settingsJson(7001));
    const root = link('/', 'x');
    const r = await settles(discoverEndpoints(ws), 'discovery');
    assert.deepEqual(r.endpoints.map((e) => e.port), [7001]);
    for (const f of filesNamed(r)) assert.ok(f.startsWith(ws + path.sep), `${f} is outside the workspace`);
    assert.match(warningFor(r, root).message, /^skipped: "x" leads outside the workspace folder \(to "\/"\)$/);
  });

  it('does not read a project folder linked from outside the workspace, and says so', async () => {
    write('api/Properties/launchSettings.json', settingsJson(7001));
    const linked = link(outside, 'vendored');
    const r = await discoverEndpoints(ws);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7001]);
    assert.match(warningFor(r, linked).message, /"vendored" leads outside the workspace folder/);
  });

  it('skips appsettings.json -> /proc/self/pagemap with a warning, without reading it', async () => {
    write('api/appsettings.Development.json', appSettingsJson(7002));
    const pagemap = link('/proc/self/pagemap', 'api/appsettings.json');
    const rssBefore = process.memoryUsage().rss;
    const readBefore = bytesReadSoFar();
    const r = await settles(discoverEndpoints(ws), 'discovery');
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 50 * MB, `RSS grew by ${Math.round(grown / MB)} MB`);
    assert.ok(bytesReadSoFar() - readBefore < 1 * MB, 'discovery read more than a megabyte');
    assert.deepEqual(r.endpoints.map((e) => e.port), [7002]);
    assert.match(warningFor(r, pagemap).message, /leads outside the workspace folder \(to "\/proc\/\d+\/pagemap"\)/);
  });

  it('the reader caps what it reads from a /proc file whose size says 0 (pagemap), at maxBytes + 1', async () => {
    const readBefore = bytesReadSoFar();
    // pagemap is read in 8-byte records: a cap of 4095 makes the last read (to 4096 bytes) a whole record.
    const read = await readBoundedFile('/proc/self/pagemap', { maxBytes: 4095 });
    // Regular, outside any `within`, size 0 by stat: only the byte cap stops it.
    assert.deepEqual(read, { refused: { reason: 'too-large' } });
    assert.ok(bytesReadSoFar() - readBefore < 64 * 1024, 'read far past the cap');
  });

  it('a FIFO named appsettings.json does not hang discovery, and is named in a warning', async () => {
    write('api/Properties/launchSettings.json', settingsJson(7003));
    const pipe = fifo('api/appsettings.json');
    const r = await settles(discoverEndpoints(ws), 'discovery');
    assert.deepEqual(r.endpoints.map((e) => e.port), [7003]);
    assert.equal(warningFor(r, pipe).message, 'skipped: "appsettings.json" is a FIFO (named pipe), not a regular file');
  });

  it('the reader opens a FIFO without blocking and refuses it by the opened handle (async and sync)', async () => {
    const pipe = fifo('pipe');
    const fifoRefused = { refused: { reason: 'not-regular', kind: 'FIFO (named pipe)' } };
    assert.deepEqual(await settles(readBoundedFile(pipe, { maxBytes: 100 }), 'read'), fifoRefused);
    assert.deepEqual(readBoundedFileSync(pipe, { maxBytes: 100 }), fifoRefused);
    // Contained or not, the same: a FIFO inside the workspace is still not read.
    assert.match((await readContainedText(pipe, { within: ws, maxBytes: 100 })).skipped!, /^skipped: "pipe" is a FIFO \(named pipe\), not a regular file$/);
  });

  it('a .env sibling that is a FIFO or a link out of the folder does not hang or leak into the editor\'s parse', () => {
    fifo('web/.env.local');
    link(path.join(outside, 'appsettings.json'), 'web/.env.development');
    const env = path.join(ws, 'web', '.env');
    const out = parseDotEnv(env, 'HTTPS=true\nPORT=3443\n');
    assert.deepEqual(out.endpoints.map((e) => e.port), [3443]);
  });

  it('skips links to /dev/zero (discovery) and refuses a device by what it is (reader)', async () => {
    write('api/Properties/launchSettings.json', settingsJson(7004));
    const zero = link('/dev/zero', 'api/appsettings.json');
    const r = await settles(discoverEndpoints(ws), 'discovery');
    assert.deepEqual(r.endpoints.map((e) => e.port), [7004]);
    assert.match(warningFor(r, zero).message, /leads outside the workspace folder \(to "\/dev\/zero"\)/);
    assert.deepEqual(await readBoundedFile('/dev/zero', { maxBytes: 100 }), { refused: { reason: 'not-regular', kind: 'character device' } });
  });

  it('skips a file larger than the cap after reading at most cap + 1 bytes', async () => {
    const big = write('api/appsettings.json', appSettingsJson(7005));
    truncateSync(big, 64 * MB); // sparse: large by its length, cheap on disk
    write('web/Properties/launchSettings.json', settingsJson(7006));
    const cap = 8192;
    const readBefore = bytesReadSoFar();
    const r = await discoverEndpoints(ws, { maxFileBytes: cap });
    assert.ok(bytesReadSoFar() - readBefore < 1 * MB, `discovery read ${bytesReadSoFar() - readBefore} bytes`);
    assert.deepEqual(r.endpoints.map((e) => e.port), [7006]);
    assert.match(warningFor(r, big).message, /"appsettings.json" is larger than the 8192-byte limit/);
    // The reader itself: exactly cap + 1 bytes is "too large", exactly cap is read.
    const exact = write('exact.json', 'x'.repeat(cap));
    assert.equal((await readBoundedFile(exact, { maxBytes: cap })).bytes?.length, cap);
    assert.deepEqual(readBoundedFileSync(exact, { maxBytes: cap - 1 }), { refused: { reason: 'too-large' } });
  });

  it('follows links that stay inside the workspace (a folder, a file), once per real folder', async () => {
    write('.shared/api/Properties/launchSettings.json', settingsJson(7007)); // hidden: reached only through the link
    write('config/base.appsettings.json', appSettingsJson(7008));
    link(path.join(ws, '.shared', 'api'), 'api');
    link(path.join(ws, '.shared', 'api'), 'api-again');
    link(path.join(ws, 'config', 'base.appsettings.json'), 'web/appsettings.json');
    const r = await discoverEndpoints(ws);
    assert.deepEqual(r.endpoints.map((e) => e.port).sort(), [7007, 7008]);
    assert.equal(r.endpoints.find((e) => e.port === 7007)!.sources.length, 1);
    assert.deepEqual(r.warnings, []);
  });

  it('a name carrying ESC, BEL, newline or a bidi override gives a warning with none of them raw', async () => {
    const name = 'appsettings.\u001b]0;owned\u0007\n\u202e.json';
    const file = link(path.join(outside, 'appsettings.json'), `api/${name}`);
    const pipe = fifo(`web/${name}`);
    const r = await settles(discoverEndpoints(ws), 'discovery');
    assert.deepEqual(r.endpoints, [] as DeclaredEndpoint[]);
    for (const f of [file, pipe]) {
      const { message } = warningFor(r, f);
      assert.doesNotMatch(message, UNSAFE, JSON.stringify(message));
      assert.ok(message.includes('"appsettings.\\x1b]0;owned\\x07\\n\\u202e.json"'), message);
    }
  });

  it('a very wide tree stops at the entry limit with a warning that says where', async () => {
    for (let i = 0; i < 600; i++) mkdirSync(path.join(ws, `d${String(i).padStart(4, '0')}`));
    write('zzz/Properties/launchSettings.json', settingsJson(7009));
    const r = await discoverEndpoints(ws, { maxEntries: 200 });
    const stop = warningFor(r, ws);
    assert.match(stop.message, /^discovery stopped at 200 files and folders/);
    assert.deepEqual(r.endpoints, []);
    // Under the limit, the same tree is read to the end.
    assert.deepEqual((await discoverEndpoints(ws, { maxEntries: 5000 })).endpoints.map((e) => e.port), [7009]);
  });

  it('a configured certificate path that is a FIFO, /dev/zero or /proc/self/pagemap is not read (or only up to the cap); a real one still is', async () => {
    const endpoint = (certPath: string): DeclaredEndpoint => ({
      url: 'https://localhost:7010', host: 'localhost', port: 7010, loopback: true, sources: [],
      certificates: [{ source: { kind: 'appsettings.json', file: path.join(ws, 'appsettings.json'), line: 1, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, path: certPath }],
    });
    const settings = { expiringSoonDays: 14 };
    assert.equal(await settles(judgeDeclaredCertificate(endpoint(fifo('cert.pfx')), settings), 'judge'), undefined);
    assert.equal(await settles(judgeDeclaredCertificate(endpoint('/dev/zero'), settings), 'judge'), undefined);
    // Regular by stat, size 0, endless: read up to the certificate cap (16 MB), then refused.
    const rssBefore = process.memoryUsage().rss;
    assert.equal(await settles(judgeDeclaredCertificate(endpoint('/proc/self/pagemap'), settings), 'judge'), undefined);
    assert.ok(process.memoryUsage().rss - rssBefore < 50 * MB, 'reading /proc/self/pagemap as a certificate was not bounded');
    const { cert, certPem } = makeCert(tmp.dir, 'dev');
    const verdict = await judgeDeclaredCertificate(endpoint(cert), settings);
    assert.ok(verdict, 'a real certificate file is judged');
    assert.equal(verdict.certificate?.sha256, certificateRef(certPem).sha256);
  });
});

import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { PlanStep, RepairPlan } from '../../src/core/plan/types';
import { executePlan } from '../../src/core/plan/run';
import { devServerSnippet, planCraDevServer, planDevServerSnippet } from '../../src/core/bind/devServer';
import { dotenvValue, setDotenvValues } from '../../src/core/bind/dotenv';
import { makeTempDir } from '../helpers/sandbox';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const certPem = readFileSync(path.join(FIX, 'localhost-cert.pem'), 'utf8');
const keyPem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n';

async function apply(steps: PlanStep[]) {
  const plan: RepairPlan = { title: 'test', platform: process.platform as RepairPlan['platform'], steps, notes: [] };
  return executePlan(plan, { ledger: null, elevate: false });
}
const undoAll = (steps: PlanStep[]) => apply([...steps].reverse().filter(s => s.undo).map(s => ({ ...s, action: s.undo!, undo: undefined })));

describe('.env editing', () => {
  it('sets keys in place, every occurrence, keeps comments/export/spacing/CRLF, replaces a multi-line value whole', () => {
    const before = readFileSync(path.join(FIX, 'devserver', 'cra.env'), 'utf8');
    const after = setDotenvValues(before, { HTTPS: 'true', SSL_CRT_FILE: './.devcert/localhost.pem', SSL_KEY_FILE: './.devcert/localhost-key.pem', PORT: '3443' });
    assert.equal(after, [
      '# CRA settings', 'BROWSER=none', 'export PORT = 3443', '', 'HTTPS=true', 'SSL_CRT_FILE=./.devcert/localhost.pem',
      'REACT_APP_API=https://localhost:5001 # api', 'HTTPS=true', 'SSL_KEY_FILE=./.devcert/localhost-key.pem', '',
    ].join('\r\n'));
  });

  it('appends to a file without a final newline, and creates content from nothing', () => {
    assert.equal(setDotenvValues('A=1', { B: '2' }), 'A=1\nB=2\n');
    assert.equal(setDotenvValues('', { HTTPS: 'true' }), 'HTTPS=true\n');
  });

  it('quotes only when needed; Windows paths stay literal', () => {
    assert.equal(dotenvValue('./.devcert/localhost.pem'), './.devcert/localhost.pem');
    assert.equal(dotenvValue('C:\\My Projects\\app\\cert.pem'), "'C:\\My Projects\\app\\cert.pem'");
    assert.equal(dotenvValue("it's #1"), '"it\'s #1"');
  });
});

describe('dev server binding', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  it('CRA: writes the PEM pair (key 0600) and edits .env; undo restores .env exactly and removes the files', async () => {
    const env = path.join(tmp.dir, '.env');
    copyFileSync(path.join(FIX, 'devserver', 'cra.env'), env);
    const before = readFileSync(env);
    const plan = await planCraDevServer({ projectDir: tmp.dir, certPem, keyPem });
    assert.deepEqual(plan.steps.map(s => s.id), ['dev-server-cert', 'dev-server-key', 'dev-server-env']);
    assert.deepEqual(readFileSync(env), before, 'planning changes nothing');
    assert.match(plan.notes.join(' '), /Add ".devcert\/" to .gitignore/);
    assert.equal((await apply(plan.steps)).ok, true);
    const key = path.join(tmp.dir, '.devcert', 'localhost-key.pem');
    assert.equal(readFileSync(key, 'utf8'), keyPem);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(readFileSync(path.join(tmp.dir, '.devcert', 'localhost.pem'), 'utf8'), certPem);
    const text = readFileSync(env, 'utf8');
    assert.match(text, /\r\nHTTPS=true\r\nSSL_CRT_FILE=\.\/\.devcert\/localhost\.pem\r\n/);
    assert.ok(text.endsWith('SSL_KEY_FILE=./.devcert/localhost-key.pem\r\n'));
    assert.ok(text.startsWith('# CRA settings\r\nBROWSER=none\r\nexport PORT = 3443\r\n'));
    // Twice changes nothing.
    assert.deepEqual((await planCraDevServer({ projectDir: tmp.dir, certPem, keyPem })).steps, []);
    assert.equal((await undoAll(plan.steps)).ok, true);
    assert.deepEqual(readFileSync(env), before);
    assert.equal(existsSync(key), false);
  });

  it('CRA without a .env creates one; no gitignore note when .devcert is ignored', async () => {
    writeFileSync(path.join(tmp.dir, '.gitignore'), 'node_modules\n/.devcert/\n');
    const plan = await planCraDevServer({ projectDir: tmp.dir, certPem, keyPem });
    const env = 'HTTPS=true\nSSL_CRT_FILE=./.devcert/localhost.pem\nSSL_KEY_FILE=./.devcert/localhost-key.pem\n';
    // Written only where there is still no file; removed on undo only while it holds what was written.
    assert.deepEqual(plan.steps[2].action, { type: 'write-file', path: path.join(tmp.dir, '.env'), encoding: 'utf8', contents: env, ifMatch: '' });
    assert.deepEqual(plan.steps[2].undo, { type: 'remove-file', path: path.join(tmp.dir, '.env'), ifMatch: createHash('sha256').update(env).digest('hex') });
    assert.deepEqual(plan.notes, []);
  });

  it('an existing different key file is restored with its mode on undo', async () => {
    const dir = path.join(tmp.dir, '.devcert');
    const key = path.join(dir, 'localhost-key.pem');
    require('node:fs').mkdirSync(dir);
    writeFileSync(key, 'old key', { mode: 0o640 });
    const plan = await planCraDevServer({ projectDir: tmp.dir, certPem, keyPem });
    const keyStep = plan.steps.find(s => s.id === 'dev-server-key')!;
    assert.deepEqual(keyStep.undo, { type: 'write-file', path: key, contents: Buffer.from('old key').toString('base64'), encoding: 'base64', mode: 0o640,
      ifMatch: createHash('sha256').update(keyPem).digest('hex') });
    assert.equal(keyStep.action.type === 'write-file' && keyStep.action.ifMatch, createHash('sha256').update('old key').digest('hex'));
  });

  it('rejects input that is not PEM before planning anything', async () => {
    await assert.rejects(planCraDevServer({ projectDir: tmp.dir, certPem: 'nope', keyPem }), /not PEM/);
    await assert.rejects(planCraDevServer({ projectDir: tmp.dir, certPem, keyPem: certPem }), /not a PEM private key/);
  });

  it('vite/webpack/angular: a manual step with the exact snippet, paths relative to the config file', async () => {
    const plan = await planDevServerSnippet({ kind: 'vite', projectDir: tmp.dir, configFile: path.join(tmp.dir, 'web', 'vite.config.ts'), certPem, keyPem });
    const manual = plan.steps[plan.steps.length - 1];
    assert.equal(manual.action.type, 'manual');
    assert.equal(manual.action.type === 'manual' && manual.action.instructions, [
      'In vite.config (js/ts), serve HTTPS with this certificate:', '',
      "import fs from 'node:fs';", "import { defineConfig } from 'vite';", '',
      'export default defineConfig({', '  server: {', '    https: {',
      '      key: fs.readFileSync("../.devcert/localhost-key.pem"),',
      '      cert: fs.readFileSync("../.devcert/localhost.pem"),',
      '    },', '  },', '});',
    ].join('\n'));
    const webpack = devServerSnippet('webpack', '/p/.devcert/localhost.pem', '/p/.devcert/localhost-key.pem', '/p');
    assert.match(webpack, /devServer: \{\n {4}server: \{\n {6}type: 'https',\n {6}options: \{\n {8}key: fs\.readFileSync\("\.\/\.devcert\/localhost-key\.pem"\),\n {8}cert: fs\.readFileSync\("\.\/\.devcert\/localhost\.pem"\),/);
    const angular = devServerSnippet('angular', '/p/.devcert/localhost.pem', '/p/.devcert/localhost-key.pem', '/p');
    assert.ok(angular.endsWith('"ssl": true,\n"sslKey": "./.devcert/localhost-key.pem",\n"sslCert": "./.devcert/localhost.pem"'));
  });
});

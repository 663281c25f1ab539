/**
 * Repairs write only where the plan says and only inside the project a file belongs to: a `.devcert/`
 * or appsettings file that is a link out of the project gets the manual step (and a note naming where it
 * leads); plans name real paths; a folder swapped for a link after the plan was shown is refused when
 * the step runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCertificate } from '../../src/core/certs/generate';
import type { CheckedVerdict } from '../../src/core/check/checkEndpoints';
import type { EndpointSource } from '../../src/core/endpoints/types';
import { containedTarget, realTarget } from '../../src/core/io/realPath';
import { Ledger } from '../../src/core/plan/ledger';
import { executePlan } from '../../src/core/plan/run';
import { writeFileStep } from '../../src/core/plan/steps';
import { bindDestinationFor, planBindSteps } from '../../src/core/repair/bindDestinations';
import type { TrustContext } from '../../src/core/trust/store';
import { makeTempDir } from '../helpers/sandbox';

describe('repair containment: real paths, inside the project', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  function kestrelVerdict(project: string): CheckedVerdict {
    const file = path.join(project, 'appsettings.json');
    const source: EndpointSource = { kind: 'appsettings.json', file, line: 1, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
    return { url: 'https://localhost:7001', host: 'localhost', port: 7001, source: { file, line: 1 }, trusted: false, trust: { system: false, node: false },
      problems: [], certificate: null, handshakeMs: 0, sources: [source] };
  }

  it('a .devcert folder that links out of the project is not written through: manual step and a note', async () => {
    const project = path.join(tmp.dir, 'ws', 'Api');
    const outside = path.join(tmp.dir, 'elsewhere');
    fs.mkdirSync(project, { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(project, 'appsettings.json'), '{}');
    fs.symlinkSync(outside, path.join(project, '.devcert'));
    const v = kestrelVerdict(project);
    const ctx: TrustContext = { platform: 'linux', homeDir: tmp.dir, env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') } };
    const gen = await generateCertificate({ profile: 'aspnetcore', key: 'ecdsa', env: ctx.env });
    const runner = async (command: string, args: readonly string[]) => ({ command, args: [...args], code: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false });
    const planned = await planBindSteps(bindDestinationFor(v, 'linux'), gen, [v], { ctx, runner });
    const writes = planned.steps.filter(s => s.action.type === 'write-file').map(s => (s.action as { path: string }).path);
    assert.ok(writes.every(w => !w.startsWith(outside) && !w.startsWith(project)), writes.join('\n'));
    assert.ok(planned.notes.some(n => n.includes(`leads to ${path.join(outside, 'localhost.pem')}`)), planned.notes.join('\n'));
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('plans name real paths, and a folder swapped for a link after planning is refused when the step runs', async () => {
    const real = path.join(tmp.dir, 'real');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(tmp.dir, 'via-link'));
    const step = writeFileStep({ id: 'w', title: 'w', path: path.join(tmp.dir, 'via-link', 'a.pem'), contents: 'x' })!;
    assert.equal((step.action as { path: string }).path, path.join(real, 'a.pem'));
    assert.equal(realTarget(path.join(tmp.dir, 'via-link', 'new', 'b.pem')), path.join(real, 'new', 'b.pem'));
    assert.equal(containedTarget(path.join(tmp.dir, 'via-link'), path.join(real, 'x')), path.join(real, 'x'));
    assert.equal(containedTarget(real, path.join(tmp.dir, 'other')), undefined);
    // Planned against a real folder that is then replaced by a link to somewhere else.
    const project = path.join(tmp.dir, 'project');
    fs.mkdirSync(path.join(project, '.devcert'), { recursive: true });
    const key = writeFileStep({ id: 'k', title: 'key', path: path.join(project, '.devcert', 'key.pem'), contents: 'KEY', mode: 0o600 })!;
    const victim = path.join(tmp.dir, 'victim');
    fs.mkdirSync(victim);
    fs.rmSync(path.join(project, '.devcert'), { recursive: true });
    fs.symlinkSync(victim, path.join(project, '.devcert'));
    const out = await executePlan({ title: 't', platform: process.platform as 'linux', steps: [key], notes: [] }, { ledger: new Ledger(path.join(tmp.dir, 'l.json')), elevate: false });
    assert.equal(out.ok, false);
    assert.match(out.summary, /now leads elsewhere/);
    assert.deepEqual(fs.readdirSync(victim), []);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { cli } from './cliRunner';

describe('devcert-doctor demo', function () {
  this.timeout(180_000);
  it('runs the whole loop, prints each step, exits 0 and leaves nothing behind', () => {
    const before = fs.readdirSync(os.tmpdir()).filter(n => n.startsWith('devcert-doctor-demo-'));
    const r = cli(['demo'], {});
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const s of ['1. Generate', '3. Probe it', '4. The repair plan', '5. Run it', '6. Probe again', '8. Untrust', '9. Clean up']) {
      assert.ok(r.stdout.includes(s), `missing step "${s}"`);
    }
    assert.doesNotMatch(r.stdout, /UNEXPECTED/);
    assert.match(r.stdout, /every step behaved as expected/);
    const after = fs.readdirSync(os.tmpdir()).filter(n => n.startsWith('devcert-doctor-demo-'));
    assert.deepEqual(after, before);
  });
});

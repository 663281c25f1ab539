import * as assert from 'assert';
import { planOutline, renderPlan, type RepairPlan } from '../../src/core/plan';

describe('planOutline (what the consent prompt summarises)', () => {
  const plan: RepairPlan = {
    title: 'Trust the certificate', platform: 'linux', notes: [],
    steps: [
      { id: 'copy', title: 'Keep a copy', elevated: false, changes: 'a file', action: { type: 'write-file', path: '/tmp/x.pem', contents: 'x' } },
      { id: 'anchor', title: 'Add it to the system store', elevated: true, changes: 'the system store', action: { type: 'write-file', path: '/usr/local/share/ca-certificates/x.crt', contents: 'x' } },
      { id: 'refresh', title: 'Refresh\nthe bundle', elevated: true, changes: 'the system store', action: { type: 'command', command: 'update-ca-certificates', args: [] } },
      { id: 'restart', title: 'Restart your server', elevated: true, changes: 'your server (by you)', action: { type: 'manual', instructions: 'restart it' } },
    ],
  };

  it('counts the steps and names the elevated and the manual ones by their number in the plan', () => {
    const o = planOutline(plan);
    assert.strictEqual(o.steps, 4);
    // A manual step is never "elevated" (nothing runs), and a title cannot add a line.
    assert.deepStrictEqual(o.elevated, ['2. Add it to the system store', '3. Refresh\\nthe bundle']);
    assert.deepStrictEqual(o.manual, ['4. Restart your server']);
  });

  it('uses the same numbers as the rendered plan', () => {
    const text = renderPlan(plan);
    for (const label of [...planOutline(plan).elevated, ...planOutline(plan).manual]) {
      const [n, title] = label.split('. ');
      assert.ok(text.includes(`  ${n}.   ${title}`) || text.includes(`  ${n}.  ${title}`), `${label} in\n${text}`);
    }
  });
});

/**
 * The shape of src/ (ARCHITECTURE.md): no import circles between files or rooms, rooms entered through
 * their index.ts, `vscode` only in src/extension. The checker runs on the real tree, and on small trees
 * built here that break each rule, so a checker that stopped seeing violations would fail too.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../helpers/sandbox';

type Analysis = { problems: string[]; files: number; rooms: string[] };
// An ES module script (also run by `npm run check:imports`), loaded the way Node loads it.
const load = () => import(path.resolve(__dirname, '../../scripts/check-imports.mjs')) as Promise<{ analyze(dir: string): Analysis }>;

describe('architecture: rooms and one-way imports', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  before(() => { tmp = makeTempDir('devcert-arch-'); });
  after(() => tmp.cleanup());

  function tree(name: string, files: Record<string, string>): string {
    const root = path.join(tmp.dir, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return root;
  }

  it('src/ has no circles, no door skipped, no vscode below the extension, no loose core file', async () => {
    const { analyze } = await load();
    const r = analyze(path.resolve(__dirname, '../../src'));
    assert.deepEqual(r.problems, []);
    assert.ok(r.files > 100, `${r.files} files`);
    // The flow the folders promise: what is found, then probed, then judged, then repaired.
    const at = (room: string) => r.rooms.indexOf(`core/${room}`);
    assert.ok(at('endpoints') < at('probe') && at('probe') < at('check') && at('check') < at('repair'), r.rooms.join(' → '));
    assert.ok(at('plan') < at('repair') && at('io') < at('plan'), r.rooms.join(' → '));
  });

  it('reports a circle between two files, a circle between rooms, a skipped door and vscode in core', async () => {
    const { analyze } = await load();
    const root = tree('bad', {
      'core/a/index.ts': "export { a } from './a';\n",
      'core/a/a.ts': "import { b } from '../b';\nexport const a = 1;\n",
      'core/b/index.ts': "export { b } from './b';\n",
      'core/b/b.ts': "import { a } from '../a';\nexport const b = 2;\n",
      'core/c/index.ts': "export { c } from './c';\n",
      'core/c/c.ts': "import { d } from './d';\nimport * as vscode from 'vscode';\nexport const c = 3;\n",
      'core/c/d.ts': "import { c } from './c';\nexport const d = 4;\n",
      'extension/x/index.ts': "import { a } from '../../core/a/a';\nexport const x = a;\n",
      'core/loose.ts': 'export const loose = 5;\n',
    });
    const problems = analyze(root).problems.join('\n');
    assert.match(problems, /import circle: core\/c\/c\.ts → core\/c\/d\.ts/);
    assert.match(problems, /room circle: core\/a ↔ core\/b/);
    assert.match(problems, /extension\/x\/index\.ts: imports core\/a\/a\.ts past the door of core\/a/);
    assert.match(problems, /core\/c\/c\.ts: imports vscode/);
    assert.match(problems, /core\/loose\.ts: a loose file in src\/core/);
  });

  it('reports a lower part importing a higher one (core importing the extension or the server)', async () => {
    const { analyze } = await load();
    const root = tree('upward', {
      'core/a/index.ts': "import type { X } from '../../extension/x';\nexport type A = X;\n",
      'extension/x/index.ts': 'export type X = 1;\n',
      'server/s.ts': "import type { X } from '../extension/x';\nexport type S = X;\n",
    });
    const problems = analyze(root).problems.join('\n');
    assert.match(problems, /core\/a\/index\.ts: imports extension\/x\/index\.ts \(core must not import extension\)/);
    assert.match(problems, /server\/s\.ts: imports extension\/x\/index\.ts \(server must not import extension\)/);
  });
});

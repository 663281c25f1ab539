// The mocha entry the extension host loads (extensionTestsPath): runs every *.test.js beside it.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env.DEVCERT_HOST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      // The plain closing line CI log parsers read.
      console.log(`${runner.stats?.passes ?? 0} passed, ${failures} failed${runner.stats?.pending ? `, ${runner.stats.pending} skipped` : ''}`);
      failures > 0 ? reject(new Error(`${failures} tests failed.`)) : resolve();
    });
  });
}

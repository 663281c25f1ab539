// Packages the extension as a VSIX with @vscode/vsce (which needs Node >= 22: run it with the Node 24
// that scripts/setup-vscode-host.sh installs — `npm run package` does). Expects `npm run build` first.
// Prints the VSIX path, its size and its contents. Usage: node scripts/package.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`@vscode/vsce needs Node >= 22 (this is ${process.version}); run: npm run package`);
  process.exit(2);
}
for (const f of ['dist/extension.js', 'dist/engine.js', 'dist/server.js', 'dist/core.js', 'dist/cli.js', 'dist/forge.js']) {
  if (!existsSync(path.join(root, f))) { console.error(`${f} is missing: run npm run build first`); process.exit(2); }
}
const { version, name } = require(path.join(root, 'package.json'));
const outIdx = process.argv.indexOf('--out');
const packagePath = outIdx > 0 ? path.resolve(process.argv[outIdx + 1]) : path.join(root, `${name}-${version}.vsix`);
const vsce = require('@vscode/vsce');
// Everything is bundled into dist/: node_modules stays out of the VSIX.
// Relative links stay relative: VS Code shows the README from the installed extension folder, where
// media/screenshots/ is (there is no public repository to point absolute links at).
await vsce.createVSIX({ cwd: root, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: false, rewriteRelativeLinks: false });
const size = statSync(packagePath).size;
console.log(`VSIX: ${packagePath}`);
console.log(`size: ${(size / 1024).toFixed(1)} KiB (${size} bytes)`);
try {
  console.log(execFileSync('unzip', ['-l', packagePath], { encoding: 'utf8' }));
} catch {
  const files = await vsce.listFiles({ cwd: root, dependencies: false });
  console.log(files.join('\n'));
}

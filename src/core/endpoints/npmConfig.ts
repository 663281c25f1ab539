/**
 * `process.env.npm_package_config_<key>`: npm passes a package.json's `config.<key>` to the scripts it
 * runs under that name (Office add-in templates set the dev server's port this way). Read from the
 * package.json beside the config file, the way discovery reads any file (contained, capped).
 */
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, readContainedTextSync } from './containedRead';
import { parseJsonc, prop } from './jsonTree';
import { parsePort } from './url';

export const NPM_CONFIG_PREFIX = 'npm_package_config_';

/** The port `config.<key>` of the package.json in `dir`, when it is a literal port. */
export function packageConfigPort(dir: string, key: string): number | undefined {
  if (!path.isAbsolute(dir)) return undefined;
  const file = path.join(dir, 'package.json');
  const read = readContainedTextSync(file, { within: dir, maxBytes: DEFAULT_MAX_FILE_BYTES });
  if (read.text === undefined) return undefined;
  const node = prop(prop(parseJsonc(file, read.text).root, 'config'), key);
  return node && (node.type === 'number' || node.type === 'string') ? parsePort(String(node.value)) : undefined;
}

/** Discovery of a whole folder: the walk, the reading (size-capped) and the merge of every parser's output. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ParseOutput } from './collect';
import { parseAngularJson } from './angularJson';
import { parseApplicationHostConfig } from './applicationHost';
import { parseAppSettings } from './appSettings';
import { parseViteOrWebpackConfig } from './devServerConfig';
import { parseDotEnv, parseDotEnvSet } from './dotenv';
import { parseLaunchJson } from './launchJson';
import { parseLaunchSettings } from './launchSettings';
import { mergeEndpoints } from './merge';
import type { DeclaredCertificate, DiscoveryResult, DiscoveryWarning } from './types';
import { classifyFile, findConfigFiles, type FileFormat, type FoundFile } from './walk';


export interface DiscoveryOptions {
  /** How many folder levels below the workspace folder are searched. Default 6. */
  maxDepth?: number;
  /** Files larger than this are skipped with a warning (configuration files are small). Default 1 MB. */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_DEPTH = 6;
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** The parser for each single-file format. */
const PARSERS: Partial<Record<FileFormat, (file: string, text: string) => ParseOutput>> = {
  'launch.json': parseLaunchJson,
  'launchSettings.json': parseLaunchSettings,
  'applicationhost.config': parseApplicationHostConfig,
  'appsettings.json': parseAppSettings,
  'dotenv': parseDotEnv,
  'angular.json': parseAngularJson,
  'vite.config': parseViteOrWebpackConfig,
  'webpack.config': parseViteOrWebpackConfig,
};

/** The parser the language server should use for a document, or undefined when discovery does not read it. */
export function parserFor(file: string): ((file: string, text: string) => ParseOutput) | undefined {
  // applicationhost.config is recognised by name alone here: the document is already open.
  if (/(^|[\\/])applicationhost\.config$/i.test(file)) return PARSERS['applicationhost.config'];
  const format = classifyFile(path.basename(file), path.basename(path.dirname(file)));
  return format ? PARSERS[format] : undefined;
}

export async function discoverEndpoints(folderIn: string, options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  // Sources name absolute files, and `__dirname` in a vite config must resolve to an absolute folder.
  const folder = path.resolve(folderIn);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const warnings: DiscoveryWarning[] = [];
  let found: FoundFile[];
  try {
    const walked = await findConfigFiles(folder, { maxDepth });
    found = walked.files;
    warnings.push(...walked.warnings);
  } catch (err) {
    return { endpoints: [], defaultCertificates: [], warnings: [{ file: folder, line: 1, message: `folder could not be read: ${(err as Error).message}` }] };
  }

  const texts = new Map<string, string>();
  await Promise.all(found.map(async ({ file }) => {
    const text = await readSmallText(file, maxBytes, warnings);
    if (text !== undefined) texts.set(file, text);
  }));

  const outputs: ParseOutput[] = [];
  // The .env files of one folder are one configuration (react-scripts layers them).
  const dotenvByDir = new Map<string, Array<{ file: string; text: string }>>();
  for (const { file, format } of found) {
    const text = texts.get(file);
    if (text === undefined) continue;
    if (format === 'dotenv') {
      const dir = path.dirname(file);
      dotenvByDir.set(dir, [...(dotenvByDir.get(dir) ?? []), { file, text }]);
      continue;
    }
    const parse = PARSERS[format];
    if (parse) outputs.push(safeParse(file, () => parse(file, text)));
  }
  for (const [dir, files] of dotenvByDir) outputs.push(safeParse(path.join(dir, '.env'), () => parseDotEnvSet(files)));

  const defaultCertificates: DeclaredCertificate[] = outputs.flatMap((o) => o.certificates);
  warnings.push(...outputs.flatMap((o) => o.warnings));
  warnings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line);
  return { endpoints: mergeEndpoints(outputs.flatMap((o) => o.endpoints)), defaultCertificates, warnings };
}

/** A parser bug must cost one file, never the whole discovery. */
function safeParse(file: string, parse: () => ParseOutput): ParseOutput {
  try {
    return parse();
  } catch (err) {
    return { endpoints: [], certificates: [], warnings: [{ file, line: 1, message: `could not be read: ${(err as Error).message}` }] };
  }
}

async function readSmallText(file: string, maxBytes: number, warnings: DiscoveryWarning[]): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    if (stat.size > maxBytes) {
      warnings.push({ file, line: 1, message: `skipped: ${stat.size} bytes is larger than the ${maxBytes}-byte limit for configuration files` });
      return undefined;
    }
    const text = await fs.readFile(file, 'utf8');
    // Editors hide the BOM; dropping it keeps ranges on line 1 where the editor shows them.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    warnings.push({ file, line: 1, message: `skipped: ${(err as Error).message}` });
    return undefined;
  }
}

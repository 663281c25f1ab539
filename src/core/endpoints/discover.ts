/**
 * Discovery of a whole folder: the walk, the reading (contained in the folder, regular files only,
 * size-capped by the bytes actually read) and the merge of every parser's output.
 */
import * as path from 'node:path';
import type { ParseOutput } from './collect';
import { parseAngularJson } from './angularJson';
import { parseApplicationHostConfig } from './applicationHost';
import { parseAppSettings } from './appSettings';
import { DEFAULT_MAX_FILE_BYTES, readContainedText } from './containedRead';
import { parseViteOrWebpackConfig } from './devServerConfig';
import { parseDotEnv, parseDotEnvSet } from './dotenv';
import { parseLaunchJson } from './launchJson';
import { parseLaunchSettings } from './launchSettings';
import { mergeEndpoints } from './merge';
import { parseNuxtConfig } from './nuxtConfig';
import { parsePackageJson } from './packageJson';
import { parseAstroOrSvelteConfig } from './viteHostConfig';
import { parseVueConfig } from './vueConfig';
import type { DeclaredCertificate, DiscoveryResult, DiscoveryWarning } from './types';
import { classifyFile, findConfigFiles, limiter, type FileFormat, type FoundFile } from './walk';

export interface DiscoveryOptions {
  /** How many folder levels below the workspace folder are searched. Default 6. */
  maxDepth?: number;
  /** Files larger than this are skipped with a warning (configuration files are small). Default 1 MB. */
  maxFileBytes?: number;
  /** Files and folders looked at before discovery stops with a warning. Default 50 000. */
  maxEntries?: number;
}

export const DEFAULT_MAX_DEPTH = 6;
export { DEFAULT_MAX_FILE_BYTES };
/** Far more than a repository's own configuration needs once build output and caches are left out. */
export const DEFAULT_MAX_ENTRIES = 50_000;

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
  'vue.config': parseVueConfig,
  'package.json': parsePackageJson,
  'nuxt.config': parseNuxtConfig,
  'astro.config': parseAstroOrSvelteConfig,
  'svelte.config': parseAstroOrSvelteConfig,
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
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const warnings: DiscoveryWarning[] = [];
  let found: FoundFile[];
  try {
    const walked = await findConfigFiles(folder, { maxDepth, maxEntries });
    found = walked.files;
    warnings.push(...walked.warnings);
  } catch (err) {
    return { endpoints: [], defaultCertificates: [], warnings: [{ file: folder, line: 1, message: `folder could not be read: ${(err as Error).message}` }] };
  }

  const texts = new Map<string, string>();
  const limit = limiter(16);
  await Promise.all(found.map(({ file }) => limit(async () => {
    // Checked again here, not only by the walk: the file is judged by what it is when it is opened.
    const read = await readContainedText(file, { within: folder, maxBytes });
    if (read.text !== undefined) texts.set(file, read.text);
    else warnings.push({ file, line: 1, message: read.skipped });
  })));

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

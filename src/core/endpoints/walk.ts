/**
 * Finds the files discovery reads, fast on big repositories: build output, package caches and VCS
 * folders are never entered, nor are hidden folders other than `.vscode` (launch.json) and `.vs`
 * (where only IIS Express's applicationhost.config is looked for: the rest of `.vs` is large caches).
 * Symbolic links are followed once per real directory, so a link back to an ancestor cannot loop, and
 * only while they stay inside the workspace folder (see `findConfigFiles`).
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { isInsideFolder, specialFileKind } from '../io';
import { leadsOutsideMessage, notRegularMessage } from './containedRead';
import type { DiscoveryWarning } from './types';

export type FileFormat =
  | 'launch.json' | 'launchSettings.json' | 'applicationhost.config' | 'appsettings.json'
  | 'dotenv' | 'angular.json' | 'vite.config' | 'webpack.config'
  | 'vue.config' | 'package.json' | 'nuxt.config' | 'astro.config' | 'svelte.config';

export interface FoundFile { file: string; format: FileFormat }

/** Folders that hold generated or downloaded files, never a project's own configuration. */
export const SKIPPED_DIRS = new Set([
  'node_modules', 'bin', 'obj', 'dist', 'out', 'bower_components', 'jspm_packages', 'coverage', 'testresults', '__pycache__',
]);

/** The `.env` files Create React App reads in development (`.env.test*` / `.env.production*` are not served). */
export const DOTENV_FILES = ['.env', '.env.local', '.env.development', '.env.development.local'];

export function classifyFile(name: string, parentDirName: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  if (lower === 'launch.json') return parentDirName === '.vscode' ? 'launch.json' : undefined;
  // C# projects keep it in Properties/, Visual Basic projects in "My Project/".
  if (lower === 'launchsettings.json') return /^(properties|my project)$/i.test(parentDirName) ? 'launchSettings.json' : undefined;
  if (/^appsettings(\.[^.]+)*\.json$/.test(lower)) return 'appsettings.json';
  if (DOTENV_FILES.includes(name)) return 'dotenv';
  if (name === 'angular.json') return 'angular.json';
  if (/^vite\.config\.(js|ts|mjs|cjs|mts|cts)$/.test(name)) return 'vite.config';
  // webpack.config.js, and the split webpack.dev.js / webpack.config.dev.js layouts.
  if (/^webpack(\.[\w-]+)*\.(js|ts|cjs|mjs)$/.test(name)) return 'webpack.config';
  if (/^vue\.config\.(js|ts|cjs|mjs)$/.test(name)) return 'vue.config';
  if (name === 'package.json') return 'package.json';
  if (/^nuxt\.config\.(js|ts|mjs|cjs|mts)$/.test(name)) return 'nuxt.config';
  if (/^astro\.config\.(js|ts|mjs|cjs|mts)$/.test(name)) return 'astro.config';
  if (/^svelte\.config\.(js|ts|mjs|cjs)$/.test(name)) return 'svelte.config';
  return undefined;
}

export interface WalkOptions {
  maxDepth: number;
  /** Files and folders looked at, in all: past it the walk stops with a warning (a runaway tree must not run away with us). */
  maxEntries: number;
}

/**
 * Containment: only what is inside the workspace folder's real path is entered or listed. A link that
 * leads out of it (`ln -s / x`, a project folder linked from elsewhere, `appsettings.json -> /proc/kmsg`)
 * and a FIFO, socket or device are skipped with a warning when discovery would have read them; links
 * that stay inside are followed once per real folder.
 */
export async function findConfigFiles(root: string, options: WalkOptions): Promise<{ files: FoundFile[]; warnings: DiscoveryWarning[] }> {
  const files: FoundFile[] = [];
  const warnings: DiscoveryWarning[] = [];
  const limit = limiter(64);
  const visited = new Set<string>();
  const pendingLinks: Array<{ dir: string; depth: number }> = [];
  let entries = 0;
  let stopped = false;
  const rootReal = await fs.realpath(root);

  /** Counts one file or folder; false once the budget is spent (the first time, with the warning). */
  const admit = (): boolean => {
    if (stopped) return false;
    if (++entries <= options.maxEntries) return true;
    stopped = true;
    warnings.push({ file: root, line: 1, message: `discovery stopped at ${options.maxEntries} files and folders (its limit): configuration further in was not read` });
    return false;
  };

  const readDir = (dir: string): Promise<Dirent[] | undefined> => limit(async () => {
    if (stopped) return undefined;
    try {
      return await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      warnings.push({ file: dir, line: 1, message: `folder skipped: it could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return undefined;
    }
  });

  const skip = (file: string, message: string): void => { warnings.push({ file, line: 1, message }); };

  const visit = async (dir: string, real: string, depth: number): Promise<void> => {
    if (visited.has(real)) return;
    visited.add(real);
    const dirents = await readDir(dir);
    if (!dirents) return;
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const parentName = path.basename(dir);
    const children: Array<Promise<void>> = [];
    for (const d of dirents) {
      if (!admit()) break;
      const full = path.join(dir, d.name);
      if (d.isSymbolicLink()) {
        // Decided after the plain walk, so a link to a folder that is also reached directly is read
        // under its real path once.
        pendingLinks.push({ dir: full, depth });
        continue;
      }
      if (d.isDirectory()) {
        if (d.name === '.vs') children.push(findIisExpressConfigs(full));
        else if (depth < options.maxDepth && enterable(d.name)) children.push(visit(full, path.join(real, d.name), depth + 1));
      } else if (classifyFile(d.name, parentName)) {
        if (d.isFile()) files.push({ file: full, format: classifyFile(d.name, parentName)! });
        else skip(full, notRegularMessage(full, specialFileKind(d)!));
      }
    }
    await Promise.all(children);
  };

  // `.vs/config/applicationhost.config` (VS 2015) and `.vs/<solution>/config/applicationhost.config`.
  const findIisExpressConfigs = async (vsDir: string): Promise<void> => {
    const candidates = [path.join(vsDir, 'config', 'applicationhost.config')];
    for (const d of (await readDir(vsDir)) ?? []) {
      if (!admit()) break;
      if (d.isDirectory() && d.name !== 'config') candidates.push(path.join(vsDir, d.name, 'config', 'applicationhost.config'));
    }
    await Promise.all(candidates.map((f) => limit(async () => {
      let real: string;
      let stat;
      try {
        real = await fs.realpath(f);
        stat = await fs.stat(real);
      } catch { return; } // absent: the usual case
      if (!isInsideFolder(real, rootReal)) return skip(f, leadsOutsideMessage(f, real));
      const kind = specialFileKind(stat);
      if (kind) skip(f, notRegularMessage(f, kind));
      else files.push({ file: f, format: 'applicationhost.config' });
    })));
  };

  await visit(root, rootReal, 0);
  while (pendingLinks.length > 0 && !stopped) {
    const { dir: link, depth } = pendingLinks.shift()!;
    let real: string;
    let stat;
    try {
      real = await fs.realpath(link);
      stat = await fs.stat(real);
    } catch {
      continue; // dangling link
    }
    const name = path.basename(link);
    const parentName = path.basename(path.dirname(link));
    const wanted = stat.isDirectory() ? name === '.vs' || (depth < options.maxDepth && enterable(name)) : !!classifyFile(name, parentName);
    if (!wanted) continue;
    if (!isInsideFolder(real, rootReal)) {
      skip(link, leadsOutsideMessage(link, real));
    } else if (stat.isDirectory()) {
      if (name === '.vs') await findIisExpressConfigs(link);
      else await visit(link, real, depth + 1);
    } else if (stat.isFile()) {
      files.push({ file: link, format: classifyFile(name, parentName)! });
    } else {
      skip(link, notRegularMessage(link, specialFileKind(stat)!));
    }
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files, warnings };
}

function enterable(name: string): boolean {
  if (SKIPPED_DIRS.has(name.toLowerCase())) return false;
  // Hidden folders are tool state (.git, .angular cache, .next, .yarn...), except VS Code's own.
  return !name.startsWith('.') || name === '.vscode';
}

/** At most `n` file-system calls in flight: enough to be fast, few enough not to exhaust descriptors. */
export function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

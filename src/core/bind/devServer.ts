/**
 * Node / front-end dev servers read a PEM certificate and key from files. The pair is written to a
 * stable place in the workspace (`.devcert/localhost.pem` + `localhost-key.pem`, the key 0600), and then:
 *   - Create React App: `.env` gains HTTPS=true, SSL_CRT_FILE, SSL_KEY_FILE (paths relative to the
 *     project, which is how CRA resolves them), every other line kept;
 *   - vite / webpack-dev-server / Angular / Vue CLI / Nuxt / Astro: the exact snippet to paste (a manual
 *     step): their configs are code, and rewriting someone's code is not a repair;
 *   - Next.js (`next dev --experimental-https`): the `--experimental-https-key/-cert` flags for its script.
 */
import * as path from 'node:path';
import { type PlanStep, readExisting, writeFileStep } from '../plan';
import { setDotenvValues } from './dotenv';
import type { BindContext, BindPlan, BindTarget } from './types';
import { BindInputError } from './validate';

export const DEVCERT_DIR = '.devcert';
export const CERT_FILE = 'localhost.pem';
export const KEY_FILE = 'localhost-key.pem';

export interface PemPair { certPem: string; keyPem: string }

export function pemPaths(projectDir: string): { certPath: string; keyPath: string } {
  return { certPath: path.join(projectDir, DEVCERT_DIR, CERT_FILE), keyPath: path.join(projectDir, DEVCERT_DIR, KEY_FILE) };
}

/** Write the pair (key 0600); each file's undo restores what was there. Nothing when already identical. */
export function planPemPair(pair: PemPair, projectDir: string): PlanStep[] {
  if (!/-----BEGIN CERTIFICATE-----/.test(pair.certPem)) throw new BindInputError('The certificate is not PEM (no BEGIN CERTIFICATE block).');
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(pair.keyPem)) throw new BindInputError('The key is not a PEM private key.');
  const { certPath, keyPath } = pemPaths(projectDir);
  return [
    writeFileStep({ id: 'dev-server-cert', title: `Write the certificate to ${certPath}`, path: certPath, contents: pair.certPem, mode: 0o644, record: { kind: 'file' } }),
    writeFileStep({ id: 'dev-server-key', title: `Write the private key to ${keyPath} (readable only by you)`, path: keyPath, contents: pair.keyPem, mode: 0o600, record: { kind: 'file' } }),
  ].filter((s): s is PlanStep => s !== undefined);
}

/** A path as a config next to `fromDir` should write it: relative, forward slashes. */
export function relativeForConfig(fromDir: string, target: string): string {
  const rel = path.relative(fromDir, target);
  if (path.isAbsolute(rel)) return rel; // another drive: only an absolute path works
  const posix = rel.split(path.sep).join('/');
  return posix === '..' || posix.startsWith('../') ? posix : `./${posix}`;
}

/** A reminder to keep the private key out of git, unless .gitignore already does. */
export function gitignoreNote(projectDir: string): string[] {
  const gi = readExisting(path.join(projectDir, '.gitignore'))?.bytes.toString('utf8');
  if (gi !== undefined && /^\/?\.devcert\/?\s*$/m.test(gi)) return [];
  return [`Add "${DEVCERT_DIR}/" to .gitignore: it holds a private key.`];
}

export interface CraRequest extends PemPair {
  /** The folder with package.json (where CRA reads .env). */
  projectDir: string;
  /** Defaults to `<projectDir>/.env`. */
  envFile?: string;
}

export async function planCraDevServer(request: CraRequest, _ctx?: BindContext): Promise<BindPlan> {
  const steps = planPemPair(request, request.projectDir);
  const envFile = request.envFile ?? path.join(request.projectDir, '.env');
  const existing = readExisting(envFile);
  const { certPath, keyPath } = pemPaths(request.projectDir);
  const text = setDotenvValues(existing?.bytes.toString('utf8') ?? '', {
    HTTPS: 'true',
    SSL_CRT_FILE: relativeForConfig(request.projectDir, certPath),
    SSL_KEY_FILE: relativeForConfig(request.projectDir, keyPath),
  });
  const env = writeFileStep({
    id: 'dev-server-env', title: `Turn on HTTPS with this certificate in ${path.basename(envFile)} (Create React App)`,
    path: envFile, contents: text, record: { kind: 'config-edit', target: `dotenv:${envFile}` }, existing: existing ?? null,
    ...(existing ? { mode: existing.mode } : {}),
  });
  if (env) steps.push(env);
  return { steps, notes: gitignoreNote(request.projectDir) };
}

export type DevServerKind = 'vite' | 'webpack' | 'angular' | 'vue' | 'next' | 'nuxt' | 'astro';

export interface SnippetRequest extends PemPair {
  kind: DevServerKind;
  projectDir: string;
  /** The config file the snippet goes into (its folder anchors the relative paths). */
  configFile?: string;
}

/** The exact text to paste for each dev server. Paths are string literals (JSON-escaped). */
export function devServerSnippet(kind: DevServerKind, certPath: string, keyPath: string, configDir: string): string {
  const cert = JSON.stringify(relativeForConfig(configDir, certPath));
  const key = JSON.stringify(relativeForConfig(configDir, keyPath));
  switch (kind) {
    case 'vite':
      return [
        'In vite.config (js/ts), serve HTTPS with this certificate:',
        '',
        "import fs from 'node:fs';",
        "import { defineConfig } from 'vite';",
        '',
        'export default defineConfig({',
        '  server: {',
        '    https: {',
        `      key: fs.readFileSync(${key}),`,
        `      cert: fs.readFileSync(${cert}),`,
        '    },',
        '  },',
        '});',
      ].join('\n');
    case 'webpack':
      return [
        'In webpack.config.js (webpack-dev-server 4.4+/5), serve HTTPS with this certificate:',
        '',
        "const fs = require('node:fs');",
        '',
        'module.exports = {',
        '  devServer: {',
        '    server: {',
        "      type: 'https',",
        '      options: {',
        `        key: fs.readFileSync(${key}),`,
        `        cert: fs.readFileSync(${cert}),`,
        '      },',
        '    },',
        '  },',
        '};',
      ].join('\n');
    case 'vue':
      return [
        'In vue.config.js (Vue CLI 5), serve HTTPS with this certificate:',
        '',
        "const fs = require('node:fs');",
        "const { defineConfig } = require('@vue/cli-service');",
        '',
        'module.exports = defineConfig({',
        '  devServer: {',
        '    server: {',
        "      type: 'https',",
        `      options: { key: fs.readFileSync(${key}), cert: fs.readFileSync(${cert}) },`,
        '    },',
        '  },',
        '});',
      ].join('\n');
    case 'next':
      return [
        'In package.json, add the certificate to the script that runs `next dev --experimental-https`:',
        '',
        `next dev --experimental-https --experimental-https-key ${shellWord(key)} --experimental-https-cert ${shellWord(cert)}`,
      ].join('\n');
    case 'nuxt':
      return [
        'In nuxt.config (Nuxt 3), serve HTTPS with this certificate:',
        '',
        'export default defineNuxtConfig({',
        '  devServer: {',
        `    https: { key: ${key}, cert: ${cert} },`,
        '  },',
        '});',
      ].join('\n');
    case 'astro':
      return [
        'In astro.config.mjs, serve HTTPS with this certificate:',
        '',
        "import fs from 'node:fs';",
        "import { defineConfig } from 'astro/config';",
        '',
        'export default defineConfig({',
        '  vite: {',
        `    server: { https: { key: fs.readFileSync(${key}), cert: fs.readFileSync(${cert}) } },`,
        '  },',
        '});',
      ].join('\n');
    case 'angular':
      return [
        'In angular.json, under projects.<name>.architect.serve.options:',
        '',
        '"ssl": true,',
        `"sslKey": ${key},`,
        `"sslCert": ${cert}`,
      ].join('\n');
  }
}

/** A JSON-quoted path as one shell word inside a package.json script (single quotes do not work in cmd.exe). */
function shellWord(jsonQuoted: string): string {
  const plain = JSON.parse(jsonQuoted) as string;
  return /^[\w./-]+$/.test(plain) ? plain : `\\${jsonQuoted.slice(0, -1)}\\"`;
}

export async function planDevServerSnippet(request: SnippetRequest, _ctx?: BindContext): Promise<BindPlan> {
  const steps = planPemPair(request, request.projectDir);
  const { certPath, keyPath } = pemPaths(request.projectDir);
  const configDir = request.configFile ? path.dirname(request.configFile) : request.projectDir;
  steps.push({
    id: `dev-server-${request.kind}`,
    title: `Point the ${request.kind} dev server at the certificate${request.configFile ? ` (${path.basename(request.configFile)})` : ''}`,
    action: { type: 'manual', instructions: devServerSnippet(request.kind, certPath, keyPath, configDir) },
    elevated: false,
    changes: 'nothing by itself: you paste the snippet',
  });
  return { steps, notes: gitignoreNote(request.projectDir) };
}

export const craDevServerTarget: BindTarget<CraRequest> = {
  id: 'dev-server-cra',
  label: 'Create React App dev server (.env HTTPS, SSL_CRT_FILE, SSL_KEY_FILE)',
  plan: (request, ctx) => planCraDevServer(request, ctx),
};

export const devServerSnippetTarget: BindTarget<SnippetRequest> = {
  id: 'dev-server-snippet',
  label: 'vite / webpack-dev-server / Angular / Vue CLI / Next.js / Nuxt / Astro dev server (snippet to paste)',
  plan: (request, ctx) => planDevServerSnippet(request, ctx),
};

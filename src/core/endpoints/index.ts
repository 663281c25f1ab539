/**
 * Room `endpoints` — where a workspace declares HTTPS localhost endpoints: one reader per source format,
 * each returning endpoints with file + range. Imports only `io`; never probes, judges or writes.
 *
 * Endpoint discovery: every HTTPS endpoint a workspace folder declares, with the file and exact range
 * of each declaration. One parser per source format; each takes (file, text) so the language server
 * can re-parse an unsaved document, and discovery only adds the walk, the reading and the merge.
 *
 * Where each format is looked for (up to `maxDepth` folders down, see walk.ts for what is skipped):
 *   .vscode/launch.json                 launchJson.ts        (any depth: nested projects opened alone)
 *   Properties|My Project/launchSettings.json  launchSettings.ts
 *   .vs/config|.vs/<sln>/config/applicationhost.config  applicationHost.ts
 *   appsettings*.json                   appSettings.ts
 *   .env, .env.local, .env.development, .env.development.local   dotenv.ts (one folder's files together)
 *   angular.json                        angularJson.ts
 *   vite.config.*, webpack*.{js,ts,cjs,mjs}   devServerConfig.ts (text scan, never evaluated)
 *   vue.config.*                        vueConfig.ts (its devServer block, read as webpack's)
 *   nuxt.config.*                       nuxtConfig.ts
 *   astro.config.*, svelte.config.*     viteHostConfig.ts (their Vite `server` blocks)
 *   package.json                        packageJson.ts (scripts that turn HTTPS on; Office add-in config)
 * Each parser's header says what it reads and what it ignores on purpose.
 *
 * Containment: files are read only through containedRead.ts (regular files whose real path is inside
 * the workspace folder, at most `maxFileBytes`); the walk does not follow links out of the folder and
 * stops after `maxEntries` files and folders. Anything skipped is a warning naming it (escaped).
 */
export { discoverEndpoints, parserFor, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_FILE_BYTES, type DiscoveryOptions } from './discover';
export { readContainedText, readContainedTextSync } from './containedRead';
export type { ContainedRead, ContainedReadOptions } from './containedRead';
export * from './types';
export type { ParseOutput } from './collect';
export { parseLaunchJson, endpointsFromLaunchConfiguration } from './launchJson';
export { parseLaunchSettings, endpointsFromLaunchSettingsProfile } from './launchSettings';
export { parseApplicationHostConfig, parseBindingInformation } from './applicationHost';
export { parseAppSettings } from './appSettings';
export { parseDotEnv, parseDotEnvSet, readDotEnv } from './dotenv';
export type { DotEnvFile } from './dotenv';
export { parseAngularJson } from './angularJson';
export { parseViteOrWebpackConfig } from './devServerConfig';
export { parseVueConfig } from './vueConfig';
export { parseNuxtConfig } from './nuxtConfig';
export { parseAstroOrSvelteConfig } from './viteHostConfig';
export { parsePackageJson } from './packageJson';
export { mergeEndpoints } from './merge';
export {
  normalizeEndpointUrl, parseEndpointUrl, parseUrlList, parsePort, endpointFor, endpointKey,
  isLoopbackHost, isWildcardHost, hasVariable,
} from './url';
export type { NormalizedEndpointUrl, ParsedEndpointUrl, UrlListItem, UrlSkipReason } from './url';
export { classifyFile, SKIPPED_DIRS } from './walk';
export { defaultServername } from './hosts';
export type { DeclaredEndpoint, EndpointSource } from './types';
export type { DeclaredCertificate, DiscoveryResult, DiscoveryWarning } from './types';

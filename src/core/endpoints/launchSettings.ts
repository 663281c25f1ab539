/**
 * `Properties/launchSettings.json` (Visual Studio / `dotnet run` profiles).
 *
 * Read: every profile's `applicationUrl` (`;` list), `environmentVariables.ASPNETCORE_URLS`,
 * `environmentVariables.ASPNETCORE_HTTPS_PORT(S)`, `commandLineArgs` `--urls`, and
 * `iisSettings.iisExpress.sslPort` (0 = no HTTPS) / `iisSettings.iisExpress.applicationUrl`.
 * Docker profiles (`commandName: Docker`) run inside a container: their environment describes the
 * container's ports, so only the profile's `sslPort` (the host port Visual Studio publishes) is read.
 * Ignored on purpose: `launchUrl` (a path or page to open, not a listener), `launchBrowser`,
 * `httpPort`, `iisSettings.iis` (full IIS, not a development server).
 * The ASP.NET Core templates keep `//#if` blocks in comments: comments never produce endpoints, and
 * when a key appears twice the last one is what .NET reads.
 */
import { Collector, type ParseOutput } from './collect';
import { entries, locateString, locateValue, parseJsonc, path, prop, stringValue, treeOfObject, type JsonNode } from './jsonTree';
import { readAspNetCoreEnv, readUrlsArgs } from './aspnetCoreUrls';
import { mergeEndpoints } from './merge';
import type { DeclaredEndpoint } from './types';

const IIS_EXPRESS_DETAIL = 'iisSettings.iisExpress';

export function parseLaunchSettings(file: string, text: string): ParseOutput {
  const { root, lines, warnings } = parseJsonc(file, text);
  const c = new Collector(file, 'launchSettings.json', text, lines);
  c.out.warnings.push(...warnings);
  for (const [name, profile] of entries(prop(root, 'profiles'))) readProfile(c, text, profile, name);
  readIisExpress(c, text, path(root, ['iisSettings', 'iisExpress']));
  return c.out;
}

/**
 * The endpoints of one profile object (for the debug gate, which knows the profile a launch uses).
 * Pass the file's `iisSettings` too when the profile runs IIS Express: its ports live there.
 */
export function endpointsFromLaunchSettingsProfile(
  profile: object, name?: string, options: { iisSettings?: object; file?: string } = {},
): DeclaredEndpoint[] {
  const c = new Collector(options.file ?? '', 'launchSettings.json', undefined);
  const { text, root } = treeOfObject(profile);
  readProfile(c, text, root, name);
  const commandName = stringValue(prop(root, 'commandName'));
  if (options.iisSettings && commandName?.toLowerCase() === 'iisexpress') {
    const iis = treeOfObject(options.iisSettings);
    readIisExpress(c, iis.text, prop(iis.root, 'iisExpress'));
  }
  return mergeEndpoints(c.out.endpoints);
}

function readProfile(c: Collector, text: string, profile: JsonNode | undefined, name: string | undefined): void {
  if (!profile || profile.type !== 'object') return;
  const commandName = stringValue(prop(profile, 'commandName')) ?? '';
  if (/^docker/i.test(commandName)) {
    const sslPort = locateValue(text, prop(profile, 'sslPort'));
    if (sslPort) c.portList(sslPort, name);
    return;
  }

  const applicationUrl = prop(profile, 'applicationUrl');
  if (applicationUrl?.type === 'string') c.urlList(locateString(text, applicationUrl)!, name);

  readAspNetCoreEnv(c, text, prop(profile, 'environmentVariables'), name);

  readUrlsArgs(c, text, prop(profile, 'commandLineArgs'), name);
}

function readIisExpress(c: Collector, text: string, iisExpress: JsonNode | undefined): void {
  if (!iisExpress || iisExpress.type !== 'object') return;
  // sslPort 0 (or absent) means the site has no HTTPS binding; parsePort rejects 0.
  const sslPort = locateValue(text, prop(iisExpress, 'sslPort'));
  if (sslPort) c.portList(sslPort, IIS_EXPRESS_DETAIL);
  const applicationUrl = prop(iisExpress, 'applicationUrl');
  if (applicationUrl?.type === 'string') c.urlList(locateString(text, applicationUrl)!, IIS_EXPRESS_DETAIL);
}

/**
 * Where a regenerated certificate goes: chosen from the kinds of files that declare the endpoint and the
 * platform, then planned by that binding target (src/core/bind). The repair (repair.ts) decides *whether*
 * to regenerate; this decides *how the server gets it*:
 *   - IIS Express (applicationhost.config, launchSettings `iisSettings.iisExpress`) on Windows: the
 *     certificate with its key into LocalMachine\My, and the http.sys bindings of its ports (elevated,
 *     one prompt together);
 *   - Kestrel (appsettings*.json, a launchSettings `Project` profile): the PEM pair in the project's
 *     `.devcert/`, `Kestrel:Certificates:Default` in appsettings.Development.json beside the declaring file;
 *   - Create React App (.env): the PEM pair and HTTPS / SSL_CRT_FILE / SSL_KEY_FILE in that .env file;
 *   - vite / webpack / Angular / Vue CLI / Nuxt / Astro, and package.json scripts (Next.js
 *     `--experimental-https-key/-cert`): the PEM pair and the snippet to paste (their configs are code);
 *   - a `cross-env HTTPS=true react-scripts start` script: as Create React App, in the .env beside it;
 *   - anything else: the PEM pair in this tool's folder and what to point the server at.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { type DevServerKind, gitignoreNote, isIisExpressSslPort, kestrelCertificateSection, pemPaths, planCraDevServer, planDevServerSnippet, planHttpSysBindings, planIisExpressSetupSslUrl, planKestrelConfig, planPemPair, type Runner } from '../bind';
import { certificateRef, type CertProfileId, type GeneratedCertificate, toPfx } from '../certs';
import type { CheckedVerdict } from '../check';
import type { EndpointSource } from '../endpoints';
import { containedTarget, generatedCertsDir, pathFor, realTarget, type Platform } from '../io';
import { type PlanStep, writeFileStep } from '../plan';
import { createWindowsMyStore, planReplaceOldIisExpressCertificates, type TrustContext, type WindowsCertificateRef } from '../trust';

export type BindDestination =
  /** `via: 'iisexpress'`: bound by IisExpressAdminCmd (`--strategy iisexpress`) instead of netsh. */
  | { kind: 'httpsys'; via?: 'iisexpress' }
  | { kind: 'kestrel'; appsettingsFile: string; declaredBy: EndpointSource }
  | { kind: 'cra'; projectDir: string; envFile: string }
  | { kind: 'snippet'; server: DevServerKind; projectDir: string; configFile: string }
  | { kind: 'manual' };

const IIS_EXPRESS_DETAIL = 'iisSettings.iisExpress';
const SNIPPET_KINDS: Partial<Record<EndpointSource['kind'], DevServerKind>> = {
  'angular.json': 'angular', 'vite.config': 'vite', 'webpack.config': 'webpack', 'vue.config': 'vue',
  'nuxt.config': 'nuxt', 'astro.config': 'astro',
  // SvelteKit 1.0+ takes Vite's options in vite.config only: that is where the certificate goes.
  'svelte.config': 'vite',
};
/** package.json scripts: the dev server the script runs (packageJson.ts names it in `source.server`). */
const SCRIPT_SNIPPET_KINDS: Record<string, DevServerKind> = {
  angular: 'angular', vite: 'vite', webpack: 'webpack', vue: 'vue', next: 'next', nuxt: 'nuxt',
};
const snippetKindOf = (s: EndpointSource): DevServerKind | undefined =>
  s.kind === 'package.json' ? SCRIPT_SNIPPET_KINDS[s.server ?? ''] : SNIPPET_KINDS[s.kind];

const isIisExpress = (s: EndpointSource) =>
  s.kind === 'applicationhost.config' || (s.kind === 'launchSettings.json' && s.detail === IIS_EXPRESS_DETAIL);

/** The bind target for an endpoint, from the files that declare it (first match in the order above). */
export function bindDestinationFor(v: CheckedVerdict, platform: Platform): BindDestination {
  const sources = (v.sources ?? []).filter(s => s.file);
  // IIS Express exists only on Windows; elsewhere the same project is served by Kestrel or by hand.
  if (platform === 'win32' && (sources.some(isIisExpress) || (sources.length === 0 && isIisExpressSslPort(v.port)))) return { kind: 'httpsys' };
  const appsettings = sources.find(s => s.kind === 'appsettings.json');
  if (appsettings) return { kind: 'kestrel', appsettingsFile: path.join(path.dirname(appsettings.file), 'appsettings.Development.json'), declaredBy: appsettings };
  // A launchSettings profile that is not IIS Express runs Kestrel with the project folder as content root.
  const profile = sources.find(s => s.kind === 'launchSettings.json' && !isIisExpress(s) && path.basename(path.dirname(s.file)) === 'Properties');
  if (profile) return { kind: 'kestrel', appsettingsFile: path.join(path.dirname(path.dirname(profile.file)), 'appsettings.Development.json'), declaredBy: profile };
  const dotenv = sources.find(s => s.kind === 'dotenv');
  if (dotenv) return { kind: 'cra', projectDir: path.dirname(dotenv.file), envFile: dotenv.file };
  // `cross-env HTTPS=true react-scripts start`: react-scripts also reads SSL_CRT_FILE / SSL_KEY_FILE from .env.
  const craScript = sources.find(s => s.kind === 'package.json' && s.server === 'cra');
  if (craScript) return { kind: 'cra', projectDir: path.dirname(craScript.file), envFile: path.join(path.dirname(craScript.file), '.env') };
  const devServer = sources.find(s => snippetKindOf(s));
  if (devServer) return { kind: 'snippet', server: snippetKindOf(devServer)!, projectDir: path.dirname(devServer.file), configFile: devServer.file };
  return { kind: 'manual' };
}

/** Endpoints with the same destination share one certificate (one Kestrel default, one .env). */
export function destinationKey(d: BindDestination, port: number): string {
  switch (d.kind) {
    case 'httpsys': return 'httpsys';
    case 'kestrel': return `kestrel:${d.appsettingsFile}`;
    case 'cra': return `cra:${d.envFile}`;
    case 'snippet': return `snippet:${d.projectDir}`;
    case 'manual': return `manual:${port}`;
  }
}

/** iisexpress for IIS Express, aspnetcore where the served certificate was the ASP.NET Core dev cert, else local-ca. */
export function profileFor(d: BindDestination, verdicts: CheckedVerdict[]): CertProfileId {
  if (d.kind === 'httpsys') return 'iisexpress';
  return verdicts.some(v => v.certificate?.isAspNetCoreDevCert) ? 'aspnetcore' : 'local-ca';
}

export interface BindStepsOptions {
  ctx: TrustContext;
  /** Read-only queries (netsh http show sslcert, Get-ChildItem Cert:). */
  runner: Runner;
  /** Folder for the PEM pair of a manual destination (default: the config dir's certs/). */
  outDir?: string;
}

/** The steps that put `gen` where `verdicts` (one destination) are served from, and what the user must know. */
export async function planBindSteps(d: BindDestination, gen: GeneratedCertificate, verdicts: CheckedVerdict[],
  o: BindStepsOptions): Promise<{ steps: PlanStep[]; notes: string[] }> {
  const urls = verdicts.map(v => v.url).join(', ');
  const chainPem = gen.certPem + (gen.issuerPem ?? '');
  const pair = { certPem: chainPem, keyPem: gen.keyPem };
  const restart = (what: string): PlanStep => ({
    id: `restart-${verdicts[0].port}`, title: `Restart ${what} so it serves the new certificate on ${urls}`, elevated: false,
    changes: 'nothing by itself', action: { type: 'manual', instructions: `Restart ${what} (${urls}): it reads its certificate at start.` },
  });
  // Workspace files are written only inside the project they belong to, at their real path: a `.devcert/`,
  // an appsettings file or a .env that is a link out of the project gets the manual step instead.
  const escaped = escapingTargets(d);
  if (escaped.length) {
    const manual = await planBindSteps({ kind: 'manual' }, gen, verdicts, o);
    return { steps: manual.steps, notes: [...manual.notes, ...escaped.map(e => `${e.target} leads to ${e.real}, outside ${e.root}: DevCert Doctor does not write there.`)] };
  }
  switch (d.kind) {
    case 'httpsys': {
      // http.sys serves from LocalMachine\My by thumbprint: the certificate goes there with its key (a PFX
      // whose one-off password is in a 0600 file the import deletes), then every port is bound to it.
      // The PFX is 3DES/SHA-1, not AES-256/SHA-256: Windows 10 before 1709 and Server 2016 cannot import
      // PBES2, and this file only carries the key to the import (random password, deleted by the import).
      const password = crypto.randomBytes(18).toString('base64url');
      const pfx = toPfx({ certDer: gen.certDer, key: gen.key, password, friendlyName: gen.friendlyName, encryption: '3des-sha1' });
      const cert: WindowsCertificateRef = {
        ...certificateRef(gen.certDer, 'iisexpress'), friendlyName: gen.friendlyName, pfx: { base64: pfx.toString('base64'), password },
      };
      // Other IIS Express certificates of the same friendly name go (expired) or lose the name (valid): the
      // tools pick by that name. After the ports are bound to the new one: if binding fails, the rollback
      // puts the old bindings back while their certificate is still in LocalMachine\My.
      const old = gen.friendlyName ? await planReplaceOldIisExpressCertificates(o.ctx, new Date(), gen.sha1, o.runner) : [];
      const my = await createWindowsMyStore(o.runner).add(cert, o.ctx);
      const ports = verdicts.map(v => v.port);
      const bind = d.via === 'iisexpress'
        ? await planIisExpressSetupSslUrl({ ports, thumbprint: gen.sha1 }, { runner: o.runner, tools: o.ctx.tools })
        : await planHttpSysBindings({ ports, thumbprint: gen.sha1 }, { runner: o.runner });
      return { steps: [...my, ...bind.steps, ...old, restart('IIS Express')], notes: bind.notes };
    }
    case 'kestrel': {
      const projectDir = path.dirname(d.appsettingsFile);
      const { certPath, keyPath } = pemPaths(projectDir);
      // The endpoint's own Certificate when it names one (it wins over Default), with what appsettings.json sets there masked.
      const section = kestrelCertificateSection(d.appsettingsFile, d.declaredBy.detail);
      const kestrel = await planKestrelConfig({ appsettingsFile: d.appsettingsFile, certificate: { kind: 'pem', path: certPath, keyPath }, section }, o.ctx);
      const notes = [...kestrel.notes, ...gitignoreNote(projectDir)];
      return { steps: [...planPemPair(pair, projectDir), ...kestrel.steps, restart('the ASP.NET Core app')], notes };
    }
    case 'cra': {
      const cra = await planCraDevServer({ ...pair, projectDir: d.projectDir, envFile: d.envFile }, o.ctx);
      return { steps: [...cra.steps, restart('the dev server (npm start)')], notes: cra.notes };
    }
    case 'snippet': {
      const snippet = await planDevServerSnippet({ ...pair, kind: d.server, projectDir: d.projectDir, configFile: d.configFile }, o.ctx);
      return { steps: snippet.steps, notes: [...snippet.notes, `Then restart the ${d.server} dev server (${urls}).`] };
    }
    case 'manual': {
      const v = verdicts[0];
      const base = pathFor(o.ctx.platform).join(o.outDir ?? generatedCertsDir(o.ctx), `localhost-${v.port}`);
      const steps = [
        writeFileStep({ id: `regenerate-${v.port}-key`, title: `Write a new private key for ${v.url}`, path: `${base}-key.pem`, contents: gen.keyPem, mode: 0o600, record: { kind: 'file' } }),
        writeFileStep({ id: `regenerate-${v.port}-cert`, title: `Write a new ${gen.profile} certificate for ${v.url} (valid until ${gen.notAfter.toISOString().slice(0, 10)})`, path: `${base}.pem`, contents: chainPem, record: { kind: 'file', thumbprint: gen.sha1 } }),
        {
          id: `bind-${v.port}`, title: `Serve the new certificate on ${v.url}`, elevated: false, changes: 'your server configuration (by you)',
          action: { type: 'manual', instructions: `Point the server on port ${v.port} at ${base}.pem (certificate) and ${base}-key.pem (key), then restart it.` },
        } satisfies PlanStep,
      ].filter((s): s is PlanStep => s !== undefined);
      return { steps, notes: [] };
    }
  }
}

/** The files a workspace destination would write, with the project folder they must stay in. */
function workspaceTargets(d: BindDestination): Array<{ root: string; target: string }> {
  switch (d.kind) {
    case 'kestrel': {
      const projectDir = path.dirname(d.appsettingsFile);
      const { certPath, keyPath } = pemPaths(projectDir);
      return [d.appsettingsFile, certPath, keyPath].map(target => ({ root: projectDir, target }));
    }
    case 'cra': {
      const { certPath, keyPath } = pemPaths(d.projectDir);
      return [d.envFile, certPath, keyPath].map(target => ({ root: d.projectDir, target }));
    }
    case 'snippet': {
      const { certPath, keyPath } = pemPaths(d.projectDir);
      return [certPath, keyPath].map(target => ({ root: d.projectDir, target }));
    }
    default:
      return [];
  }
}

function escapingTargets(d: BindDestination): Array<{ root: string; target: string; real: string }> {
  return workspaceTargets(d).filter(t => !containedTarget(t.root, t.target)).map(t => ({ ...t, real: realTarget(t.target) }));
}

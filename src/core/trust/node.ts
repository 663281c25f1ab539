/**
 * Node's trust: Node ships its own CA list and ignores the OS store (until --use-system-ca / Node 23.8),
 * but adds the certificates in the file named by NODE_EXTRA_CA_CERTS, read once at startup. This store
 * keeps one PEM bundle in the config dir with every certificate this tool trusted for Node — written when
 * a step runs, from what it holds then and the ledger's set, never patched from a copy read while planning —
 * and tells the user exactly where to set the variable: it cannot set it for processes already running.
 */
import { isForeignPlatform, nodeBundleFile, pathFor, psQuote, trustedCertsDir } from '../io';
import { type PlanStep, readBundleCertificates, trustedCertFileStep, trustRecord } from '../plan';
import type { CertificateRef } from '../certs';
import type { PlanAction } from '../plan';
import type { TrustContext, TrustStore } from './store';

/** The thumbprints in the bundle now (the one bundle reader); another platform's plan has none to read here. */
function bundleHolds(file: string, ctx: TrustContext): Set<string> {
  return new Set(isForeignPlatform(ctx) ? [] : readBundleCertificates(file).map(c => c.sha1));
}

/**
 * The path as setx takes it from PowerShell or cmd: in plain double quotes (a JSON string would double
 * every backslash, and setx would store them doubled); single quotes (PowerShell's literal) when the
 * path holds a character PowerShell expands inside double quotes.
 */
function setxValue(file: string): string {
  return /[$`"]/.test(file) ? psQuote(file) : `"${file}"`;
}

/** Where to set NODE_EXTRA_CA_CERTS, said for this user's platform and shell. */
export function nodeEnvInstructions(bundle: string, ctx: TrustContext): string {
  const q = JSON.stringify(bundle);
  const vscodeKey = ctx.platform === 'win32' ? 'windows' : ctx.platform === 'darwin' ? 'osx' : 'linux';
  const shell = ctx.platform === 'win32' ? undefined : (ctx.env.SHELL ?? (ctx.platform === 'darwin' ? '/bin/zsh' : '/bin/bash'));
  const profile = !shell ? '' : /zsh$/.test(shell) ? '~/.zshrc' : /fish$/.test(shell) ? '~/.config/fish/config.fish' : '~/.bashrc (and ~/.profile for login shells)';
  const shellLine = !shell ? '' : /fish$/.test(shell) ? `set -gx NODE_EXTRA_CA_CERTS ${q}` : `export NODE_EXTRA_CA_CERTS=${q}`;
  return [
    `Set NODE_EXTRA_CA_CERTS=${bundle} for the Node processes that must trust it (Node reads it only at start):`,
    ctx.platform === 'win32'
      ? `  • every new terminal: run  setx NODE_EXTRA_CA_CERTS ${setxValue(bundle)}`
      : `  • your shell: add to ${profile}:  ${shellLine}`,
    `  • VS Code terminals: in settings.json, "terminal.integrated.env.${vscodeKey}": { "NODE_EXTRA_CA_CERTS": ${q} }`,
    `  • debugging: in .vscode/launch.json, in the configuration: "env": { "NODE_EXTRA_CA_CERTS": ${q} }`,
    '  then restart the dev server / terminal.',
  ].join('\n');
}

export const nodeStore: TrustStore = {
  id: 'node',
  label: 'Node.js (NODE_EXTRA_CA_CERTS bundle)',

  async available() { return { ok: true }; },

  /** Trusted when the bundle has it AND this environment points Node at the bundle. */
  async check(cert, ctx) {
    const bundle = nodeBundleFile(ctx);
    const inBundle = bundleHolds(bundle, ctx).has(cert.sha1);
    return inBundle && ctx.env.NODE_EXTRA_CA_CERTS === bundle;
  },

  async add(cert, ctx) {
    const bundle = nodeBundleFile(ctx);
    const current = bundleHolds(bundle, ctx);
    const steps: PlanStep[] = [];
    if (!current.has(cert.sha1)) {
      // The bundle is made of saved copies: this certificate's must be there first.
      const save = trustedCertFileStep(cert, ctx);
      if (save) steps.push(save);
      steps.push({
        id: 'trust-node-bundle', title: `Add ${cert.subject} to the Node CA bundle`, elevated: false,
        action: bundleAction(ctx, bundle, { add: cert.sha1 }), undo: bundleAction(ctx, bundle, { remove: cert.sha1 }),
        changes: `${current.size ? 'adds it to' : 'creates'} ${bundle}`,
        record: trustRecord(`node:${bundle}`, cert),
      });
    }
    if (ctx.env.NODE_EXTRA_CA_CERTS !== bundle) {
      steps.push({
        id: 'trust-node-env', title: 'Point Node at the bundle (NODE_EXTRA_CA_CERTS)', elevated: false,
        action: { type: 'manual', instructions: nodeEnvInstructions(bundle, ctx) +
          (ctx.env.NODE_EXTRA_CA_CERTS ? `\n  (it is set now to ${ctx.env.NODE_EXTRA_CA_CERTS}; Node reads only one file: replace it, or append that file's certificates to the bundle)` : '') },
        changes: 'nothing until you set it',
      });
    }
    return steps;
  },

  async remove(cert, ctx) {
    const bundle = nodeBundleFile(ctx);
    if (!bundleHolds(bundle, ctx).has(cert.sha1)) return [];
    return [{
      id: 'untrust-node-bundle', title: `Remove ${cert.subject} from the Node CA bundle`, elevated: false,
      action: bundleAction(ctx, bundle, { remove: cert.sha1 }), undo: bundleAction(ctx, bundle, { add: cert.sha1 }),
      changes: `rewrites ${bundle} without it`,
    }];
  },
};

function bundleAction(ctx: TrustContext, bundle: string, change: { add?: string; remove?: string }): PlanAction {
  return { type: 'bundle', path: bundle, certsDir: pathFor(ctx.platform).normalize(trustedCertsDir(ctx)), ...change };
}


/**
 * The Linux system store: what OpenSSL (curl, Python, .NET, Go...) trusts. Each distribution family
 * keeps local anchors in one folder and rebuilds its bundle with one command:
 *   Debian/Ubuntu  /usr/local/share/ca-certificates/NAME.crt     update-ca-certificates   (removal: --fresh)
 *   Fedora/RHEL    /etc/pki/ca-trust/source/anchors/NAME.pem     update-ca-trust extract
 *   Arch           /etc/ca-certificates/trust-source/anchors/NAME.crt   trust extract-compat
 * detected by which anchors folder exists. Both steps need root.
 *
 * Sandbox (ctx.linuxSandboxRoot): the same Debian flow with update-ca-certificates' directory options
 * pointed into the sandbox tree (see prepareLinuxSandbox), without elevation; SSL_CERT_FILE=<bundle>
 * then makes OpenSSL and Node's probe read it. Nothing outside the tree is touched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInstalled, run } from '../io';
import { type CommandAction, type PlanStep, removeFileStep, writeFileStep, trustRecord } from '../plan';
import type { CertificateRef } from '../certs';
import type { TrustContext, TrustStore } from './store';

export type LinuxDistro = 'debian' | 'fedora' | 'arch';

interface Layout {
  distro: LinuxDistro | 'sandbox';
  anchorsDir: string;
  ext: string;
  refresh: CommandAction;
  refreshAfterRemove: CommandAction;
  /** The bundle the refresh writes, read by `check`. */
  bundle: string;
  /** Package that provides the refresh command. */
  pkg: string;
}

const cmd = (command: string, ...args: string[]): CommandAction => ({ type: 'command', command, args });

export const LINUX_LAYOUTS: Record<LinuxDistro, Layout> = {
  debian: {
    distro: 'debian', anchorsDir: '/usr/local/share/ca-certificates', ext: '.crt',
    refresh: cmd('update-ca-certificates'),
    // Without --fresh the old symlink in /etc/ssl/certs survives the removal.
    refreshAfterRemove: cmd('update-ca-certificates', '--fresh'),
    bundle: '/etc/ssl/certs/ca-certificates.crt', pkg: 'ca-certificates',
  },
  fedora: {
    distro: 'fedora', anchorsDir: '/etc/pki/ca-trust/source/anchors', ext: '.pem',
    refresh: cmd('update-ca-trust', 'extract'), refreshAfterRemove: cmd('update-ca-trust', 'extract'),
    bundle: '/etc/pki/tls/certs/ca-bundle.crt', pkg: 'ca-certificates',
  },
  arch: {
    distro: 'arch', anchorsDir: '/etc/ca-certificates/trust-source/anchors', ext: '.crt',
    refresh: cmd('trust', 'extract-compat'), refreshAfterRemove: cmd('trust', 'extract-compat'),
    bundle: '/etc/ssl/certs/ca-certificates.crt', pkg: 'p11-kit',
  },
};

export function detectLinuxDistro(exists: (p: string) => boolean = fs.existsSync): LinuxDistro | undefined {
  // Fedora first: some Fedora installs also carry a Debian-style folder for compatibility.
  if (exists(LINUX_LAYOUTS.fedora.anchorsDir)) return 'fedora';
  if (exists(LINUX_LAYOUTS.arch.anchorsDir)) return 'arch';
  if (exists(LINUX_LAYOUTS.debian.anchorsDir) || exists('/etc/ca-certificates.conf')) return 'debian';
  return undefined;
}

/** The sandbox tree's paths (all under `root`). */
export function sandboxPaths(root: string) {
  return {
    certsconf: path.join(root, 'ca-certificates.conf'),
    certsdir: path.join(root, 'share'),
    localcertsdir: path.join(root, 'local'),
    etccertsdir: path.join(root, 'etc', 'ssl', 'certs'),
    hooksdir: path.join(root, 'hooks'),
    bundleName: 'ca-certificates.crt',
    bundle: path.join(root, 'etc', 'ssl', 'certs', 'ca-certificates.crt'),
  };
}

/**
 * Create the sandbox tree. `placeholderCaPem` stands in for the distribution's CAs: with no CA at all
 * update-ca-certificates leaves a stale bundle behind after a removal, so the tree always holds one.
 */
export async function prepareLinuxSandbox(root: string, placeholderCaPem: string): Promise<void> {
  const p = sandboxPaths(root);
  for (const d of [p.certsdir, p.localcertsdir, p.etccertsdir, p.hooksdir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(p.certsdir, 'sandbox-placeholder.crt'), placeholderCaPem);
  fs.writeFileSync(p.certsconf, 'sandbox-placeholder.crt\n');
  // Build the initial bundle, as a real system has one before anything is added.
  const refresh = sandboxLayout(root).refresh;
  const r = await run(refresh.command, refresh.args);
  if (r.code !== 0) throw new Error(`update-ca-certificates failed in the sandbox: ${r.stderr.trim()}`);
}

function sandboxLayout(root: string): Layout {
  const p = sandboxPaths(root);
  const args = ['--certsconf', p.certsconf, '--certsdir', p.certsdir, '--localcertsdir', p.localcertsdir,
    '--etccertsdir', p.etccertsdir, '--hooksdir', p.hooksdir, '--certbundle', p.bundleName];
  return {
    distro: 'sandbox', anchorsDir: p.localcertsdir, ext: '.crt',
    refresh: cmd('update-ca-certificates', ...args), refreshAfterRemove: cmd('update-ca-certificates', '--fresh', ...args),
    bundle: p.bundle, pkg: 'ca-certificates',
  };
}

function layoutFor(ctx: TrustContext): Layout | undefined {
  if (ctx.linuxSandboxRoot) return sandboxLayout(ctx.linuxSandboxRoot);
  const distro = ctx.linuxDistro ?? (process.platform === 'linux' ? detectLinuxDistro() : 'debian');
  return distro ? LINUX_LAYOUTS[distro] : undefined;
}

export function anchorFileName(cert: CertificateRef, ext: string): string {
  return `devcert-doctor-${cert.sha1.slice(0, 16).toLowerCase()}${ext}`;
}

/** The base64 body of a PEM on one line, to look for it inside a bundle whatever its line breaks. */
function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

function storeTarget(ctx: TrustContext): string {
  return ctx.linuxSandboxRoot ? `linux-system:${ctx.linuxSandboxRoot}` : 'linux-system';
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export const linuxSystemStore: TrustStore = {
  id: 'linux-system',
  label: 'Linux system store (OpenSSL, curl, .NET, Python)',

  async available(ctx) {
    const layout = layoutFor(ctx);
    if (!layout) return { ok: false, reason: 'no supported system trust store found (Debian/Ubuntu, Fedora/RHEL or Arch layout)' };
    if (ctx.platform !== process.platform) return { ok: true }; // planning for another machine
    const installed = await isInstalled(layout.refresh.command, ['--help']);
    if (!installed) return { ok: false, reason: `${layout.refresh.command} is not installed (package ${layout.pkg})` };
    return { ok: true };
  },

  async check(cert, ctx) {
    const layout = layoutFor(ctx);
    if (!layout) return false;
    try { return fs.readFileSync(layout.bundle, 'utf8').replace(/\s+/g, '').includes(pemBody(cert.pem)); } catch { return false; }
  },

  async add(cert, ctx) {
    const layout = layoutFor(ctx);
    if (!layout) return [];
    if (await this.check(cert, ctx)) return [];
    const elevated = !ctx.linuxSandboxRoot && !(ctx.platform === process.platform && isRoot());
    const file = path.join(layout.anchorsDir, anchorFileName(cert, layout.ext));
    const steps: PlanStep[] = [];
    const write = writeFileStep({
      id: 'trust-system-anchor', title: `Add ${cert.subject} to the system CA folder`, path: file, contents: cert.pem,
      mode: 0o644, elevated, changes: `creates ${file}`,
      record: trustRecord(storeTarget(ctx), cert),
    });
    if (write) steps.push(write);
    steps.push({
      id: 'trust-system-refresh', title: `Rebuild the system CA bundle (${layout.bundle})`, action: layout.refresh, elevated,
      changes: `rewrites ${layout.bundle} to include ${cert.subject}`,
      // Undo runs after the anchor file is gone, so the rebuilt bundle no longer has the certificate.
      undo: layout.refreshAfterRemove, undoLast: true,
      // The anchor file present but the bundle not yet rebuilt (a crash between the two) is still recorded:
      // the entry sits on the write, and `remove` rebuilds the bundle whenever it takes the file away.
      ...(write ? {} : { record: trustRecord(storeTarget(ctx), cert) }),
    });
    return steps;
  },

  async remove(cert, ctx) {
    const layout = layoutFor(ctx);
    if (!layout) return [];
    const elevated = !ctx.linuxSandboxRoot && !(ctx.platform === process.platform && isRoot());
    const file = path.join(layout.anchorsDir, anchorFileName(cert, layout.ext));
    // Only the file this tool wrote: a CA someone else installed under another name is not ours to remove.
    const rm = removeFileStep({ id: 'untrust-system-anchor', title: `Remove ${cert.subject} from the system CA folder`, path: file, elevated });
    if (!rm) return [];
    return [rm, {
      id: 'untrust-system-refresh', title: `Rebuild the system CA bundle (${layout.bundle})`, action: layout.refreshAfterRemove, elevated,
      changes: `rewrites ${layout.bundle} without ${cert.subject}`, undo: layout.refresh, undoLast: true,
    }];
  },
};

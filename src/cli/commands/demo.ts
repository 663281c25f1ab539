/**
 * `devcert-doctor demo` (`npm start`): the whole loop on this machine without changing it. A sample HTTPS
 * server with a fresh certificate from a throwaway local CA; a probe that finds it untrusted; the repair
 * plan computed and run against a sandbox (a private update-ca-certificates tree read through
 * SSL_CERT_FILE, a private NSS database under a sandbox HOME, a NODE_EXTRA_CA_CERTS bundle); the probe
 * again; a real headless Chromium when installed; then untrust, and everything removed.
 */
import * as fs from 'node:fs';
import type * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { parseArgs, UsageError } from '../args';
import { generateCertificate } from '../../core/certs';
import { nodeBundleFile, run } from '../../core/io';
import { executePlan, Ledger, renderPlan } from '../../core/plan';
import { checkEndpoints, type EndpointVerdict } from '../../core/check';
import { planClean, planRepair } from '../../core/repair';
import { anchorContextFor, linuxSystemStore, nodeStore, nssStore, prepareTrustSandbox, type TrustContext, type TrustStore, trustSandboxPaths } from '../../core/trust';

const HELP = `Usage: devcert-doctor demo [--keep]

Shows the whole loop on this machine without changing it: starts a sample HTTPS server on a free
localhost port with a freshly generated certificate nobody trusts, probes it, prints and runs the repair
plan against a sandbox (a temporary system CA bundle built by update-ca-certificates and read through
SSL_CERT_FILE, a temporary NSS database for Chromium, a NODE_EXTRA_CA_CERTS bundle — no elevation),
probes again, loads the page in headless Chromium when it is installed, then untrusts and shows the
page is rejected again. Steps that need a missing tool (certutil, chromium, update-ca-certificates)
are skipped with a note.

  --keep    keep the sandbox folder (its path is printed) instead of deleting it`;

const PAGE_MARKER = 'devcert-doctor-demo-page-loaded';
const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Does headless Chromium, with HOME at `home` (so it reads home/.pki/nssdb), load the page? */
export async function chromiumLoads(url: string, home: string, scratch: string): Promise<boolean> {
  // A fresh profile each run: Chromium must not remember an earlier decision about this certificate.
  const profile = fs.mkdtempSync(path.join(scratch, 'chromium-profile-'));
  try {
    const r = await run(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--dump-dom', url],
      { env: { ...process.env, HOME: home }, timeoutMs: 45_000 });
    return r.stdout.includes(PAGE_MARKER);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function listen(server: https.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  return (server.address() as net.AddressInfo).port;
}

export const demoCommand: CliCommand = {
  help: HELP,
  async run(argv) {
    const { options, positionals } = parseArgs(argv, { keep: { type: 'boolean' } });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const say = (s = '') => process.stdout.write(s + '\n');
    const step = (n: number, s: string) => say(`\n== ${n}. ${s}`);
    const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'devcert-doctor-demo-'));
    const { home, system, bundle } = trustSandboxPaths(sandbox);
    // The demo's own config dir: its throwaway CA and ledger never mix with the user's.
    const env: NodeJS.ProcessEnv = { ...process.env, DEVCERT_DOCTOR_HOME: path.join(sandbox, 'config') };
    // As if the user had already set NODE_EXTRA_CA_CERTS to the bundle this tool maintains.
    env.NODE_EXTRA_CA_CERTS = nodeBundleFile(env);
    env.SSL_CERT_FILE = bundle;
    const ctx: TrustContext = { platform: process.platform as 'linux', homeDir: home, env, linuxSandboxRoot: system };
    let server: https.Server | undefined;
    let failures = 0;
    const expect = (ok: boolean, what: string) => { say(`   ${ok ? 'as expected' : 'UNEXPECTED'}: ${what}`); if (!ok) failures++; };
    try {
      say(`DevCert Doctor demo — sandbox ${sandbox} (nothing outside it is changed)`);
      const stores: TrustStore[] = [];
      const notes: string[] = [];
      // The same preparation as `--sandbox DIR`: a private system CA tree and a browser NSS database under its HOME.
      const prepared = await prepareTrustSandbox(sandbox);
      if (prepared.systemReady) stores.push(linuxSystemStore);
      else notes.push('system store: update-ca-certificates is not available here (Debian/Ubuntu), skipped');
      const haveCertutil = prepared.nssReady;
      if (haveCertutil) stores.push(nssStore);
      else notes.push('browser NSS store: certutil is missing (install libnss3-tools / nss-tools / nss), skipped');
      stores.push(nodeStore);
      const haveChromium = haveCertutil && fs.existsSync(CHROMIUM);
      if (!haveChromium) notes.push(`browser check: ${fs.existsSync(CHROMIUM) ? 'needs certutil' : `${CHROMIUM} is not installed`}, skipped`);
      for (const n of notes) say(`   note: ${n}`);

      step(1, 'Generate a certificate for localhost, signed by a brand-new local CA nobody trusts yet');
      const t0 = process.hrtime.bigint();
      const leaf = await generateCertificate({ profile: 'local-ca', env });
      say(`   ${leaf.trustAnchor.subject}\n   leaf SHA-1 ${leaf.sha1}, made in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms (CA included)`);

      step(2, 'Start a sample HTTPS server');
      // Loaded here: every other command starts without the HTTP stack.
      server = (require('node:https') as typeof https).createServer({ cert: leaf.certPem + (leaf.issuerPem ?? ''), key: leaf.keyPem }, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><html><body><h1 id="${PAGE_MARKER}">${PAGE_MARKER}</h1></body></html>`);
      });
      const port = await listen(server);
      const url = `https://localhost:${port}/`;
      say(`   listening on ${url}`);

      // The real engine, reading the sandbox: its system bundle (SSL_CERT_FILE), NSS under its HOME, NODE_EXTRA_CA_CERTS.
      const check = async (): Promise<EndpointVerdict> => (await checkEndpoints([{ host: 'localhost', port }], { timeoutMs: 5000, ...anchorContextFor(ctx) }))[0];
      const probe = async (label: string, wantTrusted: boolean): Promise<EndpointVerdict> => {
        const v = await check();
        const nss = v.trust.nss === undefined ? '' : `, browsers (NSS) ${v.trust.nss ? 'trust' : 'reject'} it`;
        say(`   ${label}: system ${v.trust.system ? 'trusts' : 'rejects'} it, Node ${v.trust.node ? 'trusts' : 'rejects'} it${nss}`);
        for (const p of v.problems) say(`   [${p.code}] ${p.message}`);
        if (stores.includes(linuxSystemStore)) expect(v.trust.system === wantTrusted, `system ${wantTrusted ? 'trusts' : 'rejects'} it`);
        expect(v.trust.node === wantTrusted, `Node ${wantTrusted ? 'trusts' : 'rejects'} it`);
        if (v.trust.nss !== undefined) expect(v.trust.nss === wantTrusted, `browsers (NSS) ${wantTrusted ? 'trust' : 'reject'} it`);
        return v;
      };
      const browser = async (want: boolean) => {
        if (!haveChromium) return;
        const loaded = await chromiumLoads(url, home, sandbox);
        say(`   headless Chromium (HOME=${home}): ${loaded ? 'the page loaded' : 'the page did not load (certificate error)'}`);
        expect(loaded === want, want ? 'Chromium loads the page' : 'Chromium refuses the page');
      };
      const opensslVerify = async (want: boolean) => {
        if (!stores.includes(linuxSystemStore)) return;
        const leafFile = path.join(sandbox, 'leaf.pem');
        fs.writeFileSync(leafFile, leaf.certPem);
        const r = await run('openssl', ['verify', '-CAfile', bundle, leafFile]);
        say(`   openssl verify -CAfile <sandbox bundle>: ${(r.stdout + r.stderr).trim().split('\n').pop()}`);
        expect((r.code === 0) === want, `openssl ${want ? 'accepts' : 'rejects'} it`);
      };

      step(3, 'Probe it (what a user sees before the repair)');
      const before = await probe('before', false);
      await opensslVerify(false);
      await browser(false);

      step(4, 'The repair plan (against the sandbox)');
      const plan = await planRepair([before], { ctx, stores });
      say(renderPlan(plan).trimEnd().split('\n').map(l => `   ${l}`).join('\n'));

      step(5, 'Run it');
      const ledger = new Ledger(path.join(sandbox, 'config', 'ledger.json'));
      const outcome = await executePlan(plan, { ledger, elevate: false, onProgress: p => { if (p.phase === 'done' || p.phase === 'failed') say(`   ${p.phase === 'done' ? '✓' : '✗'} ${p.message}`); } });
      say(`   ${outcome.summary}`);
      expect(outcome.ok, 'the plan ran');

      step(6, 'Probe again');
      await probe('after', true);
      await opensslVerify(true);
      await browser(true);

      step(7, 'Run the same repair again: nothing left to do');
      const again = await planRepair([await check()], { ctx, stores });
      say(`   ${again.steps.length} step(s)`);
      expect(again.steps.filter(s => s.action.type !== 'manual').length === 0, 'a second repair changes nothing');

      step(8, 'Untrust (exactly what the ledger says was added) and probe again');
      const untrust = await planClean({ ctx, ledger, stores });
      say(renderPlan(untrust).trimEnd().split('\n').map(l => `   ${l}`).join('\n'));
      const undone = await executePlan(untrust, { ledger, elevate: false });
      say(`   ${undone.summary}`);
      expect(undone.ok, 'untrust ran');
      expect(ledger.entries().length === 0, 'the ledger records nothing any more');
      await probe('after untrust', false);
      await opensslVerify(false);
      await browser(false);
    } finally {
      step(9, 'Clean up');
      if (server) await new Promise<void>(res => { server!.closeAllConnections?.(); server!.close(() => res()); });
      if (options.keep) say(`   kept ${sandbox}`);
      else { fs.rmSync(sandbox, { recursive: true, force: true }); say(`   removed ${sandbox}`); }
    }
    say(failures ? `\nDemo finished with ${failures} unexpected result(s).` : '\nDemo finished: every step behaved as expected.');
    return failures ? 1 : 0;
  },
};

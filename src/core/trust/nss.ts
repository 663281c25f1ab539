/**
 * NSS databases: what Chromium (on Linux) and Firefox trust. One store over every database found:
 *   Chromium        ~/.pki/nssdb
 *   snap Chromium   ~/snap/chromium/current/.pki/nssdb
 *   Firefox         every profile under ~/.mozilla/firefox/, ~/snap/firefox/common/.mozilla/firefox/,
 *                   ~/.var/app/org.mozilla.firefox/.mozilla/firefox/ (Flatpak),
 *                   ~/Library/Application Support/Firefox/Profiles/ (macOS)
 * through NSS's own tool, exactly as a user would:
 *   certutil -A -d sql:DIR -t C,, -n NICK -i FILE     add, trusted to identify TLS servers
 *   certutil -D -d sql:DIR -n NICK                    remove
 *   certutil -L -d sql:DIR -n NICK -a                 is it there (and is it this certificate)
 *   certutil -V -d sql:DIR -n NICK -u L               does NSS accept it as a CA (CA certificates)
 * These are the user's own files: no elevation.
 */
import * as crypto from 'node:crypto';
import { type CertificateRef, pemToDer, thumbprint } from '../certs';
import { run } from '../io';
import { type PlanStep, trustedCertFile, trustedCertFileStep, trustRecord } from '../plan';
import { findNssDatabases, type NssDatabase } from './nssDatabases';
import type { TrustContext, TrustStore } from './store';

export const CERTUTIL_PACKAGES = 'install libnss3-tools (Debian/Ubuntu) / nss-tools (Fedora) / nss (Arch)';

const certutil = (ctx: TrustContext) => ctx.tools?.certutil ?? 'certutil';
const dbArg = (dir: string) => `sql:${dir}`;
const isCa = (cert: CertificateRef) => { try { return new crypto.X509Certificate(cert.pem).ca; } catch { return false; } };

async function certutilInstalled(ctx: TrustContext): Promise<boolean> {
  // `certutil` with no arguments prints usage and exits non-zero; spawning at all is what matters.
  try { await run(certutil(ctx), ['-H'], { timeoutMs: 5000 }); return true; } catch { return false; }
}

/** Is this exact certificate in the database under our nickname, trusted for TLS? */
async function inDatabase(cert: CertificateRef, db: NssDatabase, ctx: TrustContext): Promise<boolean> {
  const env = { ...process.env, HOME: ctx.homeDir };
  const listed = await run(certutil(ctx), ['-L', '-d', dbArg(db.dir), '-n', cert.nickname, '-a'], { env, timeoutMs: 15_000 });
  if (listed.code !== 0) return false;
  const [found] = pemToDer(listed.stdout);
  if (!found || thumbprint(found, 'sha1') !== cert.sha1) return false;
  if (isCa(cert)) {
    const v = await run(certutil(ctx), ['-V', '-d', dbArg(db.dir), '-n', cert.nickname, '-u', 'L'], { env, timeoutMs: 15_000 });
    return v.code === 0;
  }
  // A self-signed leaf cannot pass -V as a CA; its trust flags say whether it is trusted for TLS.
  const all = await run(certutil(ctx), ['-L', '-d', dbArg(db.dir)], { env, timeoutMs: 15_000 });
  const line = all.stdout.split('\n').find(l => l.startsWith(cert.nickname + ' ') || l.startsWith(cert.nickname + '\t'));
  const sslFlags = line?.trim().split(/\s+/).pop()?.split(',')[0] ?? '';
  return /[CP]/.test(sslFlags);
}

export const nssStore: TrustStore = {
  id: 'nss',
  label: 'Browser NSS databases (Chromium, Firefox)',

  async available(ctx) {
    // Which browser databases exist is a fact about that machine; this one's disk says nothing about it.
    if (ctx.platform !== process.platform) return { ok: false, reason: 'which browser NSS databases exist is found when the plan runs on that machine' };
    const dbs = findNssDatabases(ctx.homeDir);
    if (dbs.length === 0) return { ok: false, reason: `no browser NSS database found under ${ctx.homeDir} (Chromium creates ~/.pki/nssdb on first start)` };
    if (ctx.platform === process.platform && !(await certutilInstalled(ctx))) {
      return { ok: false, reason: `certutil is not installed: ${CERTUTIL_PACKAGES}` };
    }
    return { ok: true };
  },

  async check(cert, ctx) {
    const dbs = findNssDatabases(ctx.homeDir);
    if (dbs.length === 0 || !(await certutilInstalled(ctx))) return false;
    for (const db of dbs) if (!(await inDatabase(cert, db, ctx))) return false;
    return true;
  },

  async add(cert, ctx) {
    const dbs = findNssDatabases(ctx.homeDir);
    if (dbs.length === 0) return [];
    if (ctx.platform === process.platform && !(await certutilInstalled(ctx))) {
      return [{
        id: 'trust-nss-install-certutil', title: 'Install certutil to trust the certificate in the browsers', elevated: false,
        action: { type: 'manual', instructions: `${CERTUTIL_PACKAGES}, then run this again (browsers: ${dbs.map(d => d.label).join(', ')})` },
        changes: 'nothing (instructions)',
      }];
    }
    const file = trustedCertFile(cert, ctx);
    const steps: PlanStep[] = [];
    for (const db of dbs) {
      if (ctx.platform === process.platform && await inDatabase(cert, db, ctx)) continue;
      steps.push({
        id: `trust-nss-${steps.length + 1}`, title: `Trust ${cert.subject} in ${db.label}`, elevated: false,
        action: { type: 'command', command: certutil(ctx), args: ['-A', '-d', dbArg(db.dir), '-t', 'C,,', '-n', cert.nickname, '-i', file], env: { HOME: ctx.homeDir } },
        changes: `adds "${cert.nickname}" to ${db.dir}`,
        undo: { type: 'command', command: certutil(ctx), args: ['-D', '-d', dbArg(db.dir), '-n', cert.nickname], env: { HOME: ctx.homeDir } },
        record: trustRecord(`nss:${db.dir}`, cert),
      });
    }
    if (steps.length === 0) return [];
    const save = trustedCertFileStep(cert, ctx);
    return save ? [save, ...steps] : steps;
  },

  async remove(cert, ctx) {
    const dbs = findNssDatabases(ctx.homeDir);
    if (dbs.length === 0 || !(await certutilInstalled(ctx))) return [];
    const file = trustedCertFile(cert, ctx);
    const steps: PlanStep[] = [];
    for (const db of dbs) {
      if (!(await inDatabase(cert, db, ctx))) continue;
      steps.push({
        id: `untrust-nss-${steps.length + 1}`, title: `Remove ${cert.subject} from ${db.label}`, elevated: false,
        action: { type: 'command', command: certutil(ctx), args: ['-D', '-d', dbArg(db.dir), '-n', cert.nickname], env: { HOME: ctx.homeDir } },
        changes: `deletes "${cert.nickname}" from ${db.dir}`,
        undo: { type: 'command', command: certutil(ctx), args: ['-A', '-d', dbArg(db.dir), '-t', 'C,,', '-n', cert.nickname, '-i', file], env: { HOME: ctx.homeDir } },
      });
    }
    if (steps.length === 0) return [];
    // The undo re-adds from our saved copy: make sure it exists.
    const save = trustedCertFileStep(cert, ctx);
    return save ? [save, ...steps] : steps;
  },
};

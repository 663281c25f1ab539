/**
 * From the probe's verdicts to one RepairPlan: which certificate to trust (the one actually served, or
 * the local CA that issued it), in which stores (those the verdict says do not trust it), whether to
 * regenerate — and then where the new certificate is bound (repairBind.ts: http.sys, Kestrel, a dev
 * server), or by the platform's own tool when a strategy asks for it (repairStrategy.ts) — and what only
 * the user can do (start the server, restart it). Each store's own `check` runs first, so a plan for
 * something already in place is empty. What is served is trusted only as trustPolicy.ts allows; anything
 * else is withheld (a note says why) and replaced by a new certificate.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Runner } from '../bind';
import { certificateRef, type CertificateRef, type CertProfileId, createLocalCa, generateCertificate, inspectCertificate, loadLocalCa, type LocalCa, pemToDer, permittedNamesOf, privateKeyPem } from '../certs';
import type { Platform } from '../io';
import { contiguousElevation, mergeSteps, type PlanStep, type RepairPlan, trustedCertFileStep, type WithheldTrust, writeFileStep } from '../plan';
import { type CheckedVerdict, clientPolicies, type EndpointVerdict, fetchServedChain, type FixId, type ProblemCode, servedChainOf, tlsServerRuleBreaks, UNSOUND_CERTIFICATE_CODES } from '../check';
import { bindDestinationFor, destinationKey, planBindSteps, profileFor, type BindDestination } from './bindDestinations';
import { planStrategySteps, strategyAppliesTo, strategyEndpoints, strategyUnavailable, type RepairStrategy } from './strategies';
import { whyNotTrustable } from './trustPolicy';
import { queryRunnerFor, type TrustContext, type TrustStore, type TrustStoreId, trustStoresFor, type WindowsCertificateRef } from '../trust';

export interface RepairOptions {
  ctx: TrustContext;
  /**
   * Served chains (DER, leaf first) by verdict url. By default the chain checkEndpoints saw for the
   * verdict; probed again only for a verdict that came without one (from another process).
   */
  chains?: Record<string, Buffer[]>;
  /** Profile for regenerated certificates (default local-ca; aspnetcore when the served one was a dev cert). */
  profile?: CertProfileId;
  /** Folder for regenerated certificate files (default: the config dir's certs/). */
  outDir?: string;
  /** The stores to use (default: the platform's). */
  stores?: TrustStore[];
  /** The CA to issue regenerated leaves (default: the local CA in the config dir). */
  ca?: LocalCa;
  /**
   * Only these fixes (a command that names one). Naming `regenerate` or `bind` asks for a new certificate,
   * bound where the endpoint is declared, also where no problem calls for it.
   */
  fixes?: FixId[];
  /** How read-only queries of platform tools run (netsh http show sslcert, PowerShell Cert:, dotnet --version); tests pass captured output. */
  runner?: Runner;
  /**
   * Who makes a new certificate (repairStrategy.ts): DevCert Doctor (the default), IIS Express's own
   * IisExpressAdminCmd, or dotnet dev-certs. A StrategyNotApplicableError when no endpoint is of its kind.
   */
  strategy?: RepairStrategy;
  /**
   * Trust what a server sends also where trustPolicy.ts would withhold it (a CA, a leaf for other names):
   * only after the user said so in a separate confirmation (the editor's "Trust anyway").
   */
  allowServedAnchors?: boolean;
}

/** Problems a new certificate fixes (a trusted one would still be expired, misnamed or weak). */
const REPLACE_CODES: ProblemCode[] = ['expired', 'not-yet-valid', 'name-mismatch', 'weak-key', 'weak-signature', 'expiring-soon', 'incomplete-chain', 'platform-rules'];

const SYSTEM_STORES: TrustStoreId[] = ['linux-system', 'darwin-keychain', 'windows-root'];

/** Which stores must change for this verdict: the consumers that said "not trusted". */
function storesNeeded(v: EndpointVerdict, stores: TrustStore[]): TrustStore[] {
  return stores.filter(s => {
    if (SYSTEM_STORES.includes(s.id)) return !v.trust.system;
    if (s.id === 'node') return !v.trust.node;
    if (s.id === 'nss') return v.trust.nss !== true;
    return false;
  });
}

type Anchor = CertificateRef | { problem: string } | { withheld: CertificateRef; reason: string };

/**
 * What to trust so the served chain is accepted: the local CA, or the chain's self-signed end (the
 * self-signed leaf, or a root the server sends) when trustPolicy.ts allows it or `allowServed` says so.
 */
function anchorFor(chain: Buffer[], ca: LocalCa | undefined, allowServed: boolean): Anchor {
  if (!chain.length) return { problem: 'the server sent no certificate' };
  const leaf = new crypto.X509Certificate(chain[0]);
  if (ca) {
    const caX = new crypto.X509Certificate(ca.certDer);
    if (leaf.checkIssued(caX) && leaf.verify(caX.publicKey)) return certificateRef(ca.certDer);
  }
  // Self-signed by name and signature (checkIssued would also demand keyCertSign, which leaves lack).
  const last = new crypto.X509Certificate(chain[chain.length - 1]);
  if (last.subject === last.issuer && last.verify(last.publicKey)) {
    const reason = allowServed ? undefined : whyNotTrustable(last.raw);
    return reason ? { withheld: certificateRef(last.raw), reason } : certificateRef(last.raw);
  }
  return { problem: `the server does not send the certificate that issued "${leaf.subject.replace(/\n/g, ', ')}" (issuer "${leaf.issuer.replace(/\n/g, ', ')}"); ` +
    'trusting a certificate that is not in hand is not possible — regenerate with the local CA and bind it instead' };
}

/**
 * Does this endpoint get a new certificate (before looking at its chain: one whose issuer is not sent is
 * replaced too)? Yes when the command names regenerate or bind ("Regenerate…", "Bind certificate to
 * port…"), or a problem that trust cannot fix calls for it.
 */
export function needsNewCertificate(v: CheckedVerdict, platform: Platform, only?: FixId[]): boolean {
  if (only?.includes('regenerate') || only?.includes('bind')) return true;
  const fixes = new Set(v.problems.flatMap(p => p.fixes).filter(f => !only || only.includes(f)));
  // http.sys resets the handshake when no certificate is bound to the port: binding one is the fix.
  const replaceable = bindDestinationFor(v, platform).kind === 'httpsys' ? [...REPLACE_CODES, 'reset'] : REPLACE_CODES;
  return (fixes.has('regenerate') || fixes.has('bind')) && v.problems.some(p => replaceable.includes(p.code));
}

/**
 * The strategies other than the default that would make the new certificate of at least one of these
 * endpoints, and whose tool runs here: what the extension offers beside "DevCert Doctor makes it".
 */
export async function alternativeStrategies(verdicts: EndpointVerdict[], options: Pick<RepairOptions, 'ctx' | 'fixes' | 'runner'>): Promise<RepairStrategy[]> {
  const { ctx } = options;
  const renewed = (verdicts as CheckedVerdict[]).filter(v => needsNewCertificate(v, ctx.platform, options.fixes));
  const out: RepairStrategy[] = [];
  for (const s of ['iisexpress', 'dotnet-dev-certs'] as const) {
    if (renewed.some(v => strategyAppliesTo(s, v, ctx.platform)) && !(await strategyUnavailable(s, ctx, options.runner ?? queryRunnerFor(ctx.platform)))) out.push(s);
  }
  return out;
}

export async function planRepair(verdicts: EndpointVerdict[], options: RepairOptions): Promise<RepairPlan> {
  const { ctx } = options;
  const platform: Platform = ctx.platform;
  const stores = options.stores ?? trustStoresFor(platform);
  const runner = options.runner ?? queryRunnerFor(platform);
  const notes: string[] = [];
  const withheld: WithheldTrust[] = [];
  const groups: (PlanStep | undefined)[][] = [];
  let ca = options.ca ?? loadLocalCa(ctx);
  let caSteps: (PlanStep | undefined)[] = [];
  /** A CA made for this plan lives in memory until the plan's own steps write it (a dry run writes nothing). */
  const ensureCa = async (): Promise<LocalCa> => {
    if (ca) return ca;
    ca = await createLocalCa(ctx);
    caSteps = [
      writeFileStep({ id: 'local-ca-key', title: 'Create your local development CA: its private key (readable only by you)', path: ca.keyFile, contents: privateKeyPem(ca.key), mode: 0o600, record: { kind: 'file' } }),
      writeFileStep({ id: 'local-ca-cert', title: 'Create your local development CA: its certificate', path: ca.certFile, contents: ca.certPem, mode: 0o644, record: { kind: 'file', thumbprint: certificateRef(ca.certDer).sha1 } }),
    ];
    return ca;
  };
  const trustJobs = new Map<string, { anchor: CertificateRef; stores: Set<TrustStore> }>();
  const addTrust = (anchor: CertificateRef, need: TrustStore[]) => {
    const job = trustJobs.get(anchor.sha1) ?? { anchor, stores: new Set<TrustStore>() };
    need.forEach(s => job.stores.add(s));
    trustJobs.set(anchor.sha1, job);
  };
  /** Endpoints that get a new certificate, by where it is bound: one certificate per destination. */
  const regenerations = new Map<string, { destination: BindDestination; verdicts: CheckedVerdict[] }>();
  const strategy = options.strategy ?? 'devcert-doctor';
  const taken = strategy === 'devcert-doctor' ? undefined : await strategyEndpoints(strategy, verdicts as CheckedVerdict[], ctx, runner);
  /** Endpoints whose new certificate the strategy's tool makes. */
  const byStrategy: CheckedVerdict[] = [];

  for (const v of verdicts as CheckedVerdict[]) {
    const fixes = new Set(v.problems.flatMap(p => p.fixes).filter(f => !options.fixes || options.fixes.includes(f)));
    if (fixes.has('start-server')) notes.push(`${v.url}: nothing is listening — start the server, then run repair again.`);
    if (fixes.has('configure-client-certificate')) notes.push(`${v.url}: the server wants a client certificate — see \`devcert-doctor client-cert create\`.`);
    let regenerate = needsNewCertificate(v, platform, options.fixes);
    // macOS refuses it whatever is trusted: said once, so its trust is never planned again and again without a word.
    const refusedByPlatform = v.problems.some(p => p.code === 'platform-rules') ? platformRulesNote(v, ctx) : undefined;
    if (!regenerate && options.fixes?.includes('trust') && !fixes.has('trust') && v.certificate) {
      // "Trust" asked for a certificate that is itself wrong (orderedFixes offers no trust): a new one fixes it.
      const wrong = v.problems.filter(p => UNSOUND_CERTIFICATE_CODES.includes(p.code)).map(p => p.code);
      if (!refusedByPlatform) notes.push(`${v.url}: trusting the served certificate would not fix it${wrong.length ? ` (${wrong.join(', ')})` : ''}; a new certificate under your local CA replaces it.`);
      regenerate = true;
    }
    if (regenerate && refusedByPlatform) notes.push(refusedByPlatform);
    if (!regenerate && fixes.has('trust')) {
      const chain = options.chains?.[v.url] ?? servedChainOf(v) ?? (await fetchServedChain({ host: v.host, port: v.port, servername: v.servername })).chain;
      const anchor = anchorFor(chain, ca, !!options.allowServedAnchors);
      if ('withheld' in anchor) {
        // Never trusted on the repair's own say-so: a certificate this tool makes (and can vouch for) replaces it.
        const { withheld: cert, reason } = anchor;
        notes.push(`${v.url}: the served certificate "${cert.subject}" is not trusted automatically because ${reason}; a new certificate under your local CA replaces it.`);
        withheld.push({ url: v.url, subject: cert.subject, sha1: cert.sha1, reason });
        regenerate = true;
      } else if (!('problem' in anchor)) { addTrust(anchor, storesNeeded(v, stores)); continue; } else {
        if (!fixes.has('regenerate')) { notes.push(`${v.url}: ${anchor.problem}.`); continue; }
        // What issued it is not in hand to trust: a certificate that can be trusted replaces it.
        notes.push(`${v.url}: the certificate that issued the served one is not sent, so it cannot be trusted; a new certificate replaces it.`);
        regenerate = true;
      }
    }
    if (!regenerate) continue;
    // IIS Express binds, by hash, a certificate this plan makes: known now, so the same plan trusts it.
    if (taken?.has(v) && strategy !== 'iisexpress') { byStrategy.push(v); continue; }
    const destination: BindDestination = taken?.has(v) ? { kind: 'httpsys', via: 'iisexpress' } : bindDestinationFor(v, platform);
    const key = destinationKey(destination, v.port);
    const group = regenerations.get(key) ?? { destination, verdicts: [] };
    group.verdicts.push(v);
    regenerations.set(key, group);
  }

  for (const { destination, verdicts: served } of regenerations.values()) {
    const profile = options.profile ?? profileFor(destination, served);
    const gen = await generateCertificate({ profile, env: ctx.env, ca: profile === 'local-ca' ? await ensureCa() : undefined });
    const bound = await planBindSteps(destination, gen, served, { ctx, runner, outDir: options.outDir });
    groups.push(bound.steps);
    notes.push(...bound.notes);
    // A self-signed leaf is its own anchor; Windows shows it under its profile's friendly name.
    const anchor: WindowsCertificateRef = gen.issuerPem ? gen.trustAnchor : { ...gen.trustAnchor, friendlyName: gen.friendlyName };
    addTrust(anchor, stores);
  }

  if (strategy !== 'devcert-doctor') {
    const made = strategy === 'iisexpress'
      ? [...regenerations.values()].some(g => g.destination.kind === 'httpsys' && g.destination.via === 'iisexpress')
      : byStrategy.length > 0;
    if (strategy === 'dotnet-dev-certs' && made) {
      const leaves = byStrategy.map(v => (options.chains?.[v.url] ?? servedChainOf(v))?.[0]).filter((der): der is Buffer => !!der);
      const steps = await planStrategySteps(strategy, byStrategy, ctx, runner, leaves);
      groups.push(steps.steps);
      notes.push(...steps.notes);
    } else if (!made) {
      const mine = [...taken!].map(v => v.url).join(', ');
      notes.push(`Strategy ${strategy}: ${mine} need${taken!.size === 1 ? 's' : ''} no new certificate, so ${strategy === 'iisexpress' ? 'IIS Express' : 'dotnet dev-certs'} is not asked to make one.`);
    }
  }

  for (const { anchor, stores: need } of trustJobs.values()) {
    // Our own copy of what we trust: `untrust` finds the certificate by the ledger's thumbprint.
    if (need.size) groups.push([trustedCertFileStep(anchor, ctx)]);
    for (const store of stores.filter(s => need.has(s))) {
      const avail = await store.available(ctx);
      if (!avail.ok) { notes.push(`${store.label}: skipped — ${avail.reason}.`); continue; }
      groups.push(await store.add(anchor, ctx));
    }
  }
  // dotnet dev-certs already trusted it for OpenSSL: the line that makes OpenSSL read its folder comes first.
  const sslCertDir = [...new Set(verdicts.map(v => v.sslCertDirFix).filter((l): l is string => !!l))];
  const dotnetSteps: PlanStep[] = sslCertDir.map((line, i) => ({
    id: `ssl-cert-dir-${i + 1}`, title: 'Let OpenSSL (curl, .NET) read the folder dotnet dev-certs trusted the certificate in', elevated: false,
    action: { type: 'manual', instructions: `${line}\n(in your shell profile, and in the environment of the process that makes the requests; then restart it)` },
    changes: 'nothing until you set it',
  }));
  const steps = contiguousElevation(mergeSteps(dotnetSteps, caSteps, ...groups));
  // A local CA made before name constraints keeps working; the user is told what it can vouch for.
  const usesCa = ca && [...trustJobs.values()].some(j => j.anchor.sha1 === certificateRef(ca!.certDer).sha1);
  if (usesCa && !permittedNamesOf(ca!)) notes.push(unconstrainedCaNote(ca!));
  const title = verdicts.length === 1 ? `Repair ${verdicts[0].url}` : `Repair ${verdicts.length} endpoints`;
  return { title, platform, steps, notes: [...new Set(notes)], ...(withheld.length ? { withheld } : {}) };
}

/** Why macOS will never accept this served certificate for TLS, in one sentence for the plan. */
function platformRulesNote(v: EndpointVerdict, ctx: TrustContext): string {
  const breaks = v.certificate ? tlsServerRuleBreaks(v.certificate, clientPolicies(ctx.env, ctx.platform).system.tlsServerRules) : [];
  return `${v.url}: macOS never accepts this certificate for TLS, trusted or not (${breaks.length ? breaks.join('; ') : 'Apple\'s rules for TLS server certificates'}); a new certificate within Apple's rules replaces it.`;
}

/** Said whenever a plan relies on a local CA made before DevCert Doctor constrained it to loopback names. */
export function unconstrainedCaNote(ca: LocalCa): string {
  return `Your local CA (${ca.certFile}) predates name constraints, so it could vouch for any website; it keeps working — `
    + `to replace it with one limited to localhost, run \`devcert-doctor untrust --all\`, delete ${path.dirname(ca.certFile)}, and repair again.`;
}

/** A plan that trusts `cert` in the given stores (the `trust` command, the demo). */
export async function planTrust(cert: CertificateRef, ctx: TrustContext, stores: TrustStore[] = trustStoresFor(ctx.platform)): Promise<RepairPlan> {
  const notes: string[] = [];
  const groups: (PlanStep | undefined)[][] = [];
  for (const s of stores) {
    const avail = await s.available(ctx);
    if (!avail.ok) { notes.push(`${s.label}: skipped — ${avail.reason}.`); continue; }
    const steps = await s.add(cert, ctx);
    if (s.id === 'darwin-keychain' && steps.length) {
      // Trusted, a server certificate outside Apple's rules is still refused for TLS: say so, not leave it to the next check.
      const der = pemToDer(cert.pem)[0];
      const summary = der && inspectCertificate(der).summary;
      const breaks = summary && !summary.isCa ? tlsServerRuleBreaks(summary, clientPolicies(ctx.env, 'darwin').system.tlsServerRules) : [];
      if (breaks?.length) notes.push(`macOS will still refuse ${cert.subject} as a TLS server certificate once trusted (${breaks.join('; ')}): \`devcert-doctor repair\` replaces it with one within Apple's rules.`);
    }
    // Our own copy of what we trust: `untrust` finds the certificate by the ledger's thumbprint.
    if (steps.length) groups.unshift([trustedCertFileStep(cert, ctx)]);
    groups.push(steps);
  }
  return { title: `Trust ${cert.subject} (SHA-1 ${cert.sha1})`, platform: ctx.platform, steps: contiguousElevation(mergeSteps(...groups)), notes };
}

/**
 * The mTLS classification table the integration tests hold the probe to, one row per server setup ×
 * protocol × client certificate, and the one assertion that turns a verdict into pass/fail. Shared
 * by the CLI test (`check --json`) and the checkEndpoints test so both are graded on the same table.
 */
import * as assert from 'node:assert/strict';
import type { MtlsCertSet } from './clientCerts';
import type { CertFiles } from './openssl';
import {
  startForwardedHeaderServer, startOpensslMtlsServer, startThumbprintServer, startTlsRejectingServer, thumbprints, type TlsMax,
} from './mtlsServers';
import type { RunningServer } from './servers';

export type ServerKind = 'thumbprint' | 'tls-reject' | 'openssl' | 'forwarded';
export type ClientKind = 'none' | 'good' | 'wrong' | 'expired' | 'noClientAuth';
/**
 * required: the server wants a certificate and none was given; rejected: the server refused the one
 * given in the TLS layer; forbidden: TLS accepted, the application answered 403; ok: 200.
 */
export type Outcome = 'required' | 'rejected' | 'forbidden' | 'ok';

export interface MtlsCase {
  server: ServerKind;
  tls: TlsMax;
  client: ClientKind;
  expect: Outcome;
  /** Client-certificate findings the verdict must carry (its `clientCertificate.findings[].code`). */
  findings?: string[];
  /** Set when the probe is known to get this row wrong: the test is skipped with this reason. */
  knownIssue?: string;
}

/** Every row. The forwarded-header server never asks at the TLS layer, so its protocol does not matter. */
export function mtlsCases(): MtlsCase[] {
  const rows: MtlsCase[] = [];
  for (const tls of ['TLSv1.2', 'TLSv1.3'] as TlsMax[]) {
    rows.push(
      // The server asks without requiring at the TLS layer; the app's 403 says a certificate is required.
      { server: 'thumbprint', tls, client: 'none', expect: 'required' },
      { server: 'thumbprint', tls, client: 'good', expect: 'ok' },
      { server: 'thumbprint', tls, client: 'wrong', expect: 'forbidden' },
      { server: 'thumbprint', tls, client: 'expired', expect: 'forbidden', findings: ['expired'] },
      { server: 'thumbprint', tls, client: 'noClientAuth', expect: 'forbidden', findings: ['missing-client-auth-eku'] },
    );
    for (const server of ['tls-reject', 'openssl'] as ServerKind[]) {
      rows.push(
        { server, tls, client: 'none', expect: 'required' },
        { server, tls, client: 'good', expect: 'ok' },
        { server, tls, client: 'wrong', expect: 'rejected', findings: ['issuer-not-accepted'] },
        { server, tls, client: 'expired', expect: 'rejected', findings: ['expired'] },
        { server, tls, client: 'noClientAuth', expect: 'rejected', findings: ['missing-client-auth-eku'] },
      );
    }
  }
  rows.push(
    { server: 'forwarded', tls: 'TLSv1.3', client: 'none', expect: 'forbidden' },
    { server: 'forwarded', tls: 'TLSv1.3', client: 'good', expect: 'ok' },
    { server: 'forwarded', tls: 'TLSv1.3', client: 'wrong', expect: 'forbidden' },
    { server: 'forwarded', tls: 'TLSv1.3', client: 'expired', expect: 'forbidden', findings: ['expired'] },
  );
  return rows;
}

export const caseTitle = (c: MtlsCase) =>
  `${c.server}${c.server === 'forwarded' ? '' : ` ${c.tls}`} × ${c.client === 'none' ? 'no certificate' : `${c.client} certificate`} → ${c.expect}`;

export function clientFiles(set: MtlsCertSet, kind: ClientKind): CertFiles | undefined {
  return kind === 'none' ? undefined : set[kind];
}

/** The servers a table needs, started once; the thumbprint and header servers pin the good certificate. */
export class MtlsServerPool {
  private readonly running = new Map<string, Promise<RunningServer>>();
  constructor(private readonly set: MtlsCertSet) {}

  port(kind: ServerKind, tls: TlsMax): Promise<number> {
    const key = kind === 'forwarded' ? kind : `${kind}/${tls}`;
    if (!this.running.has(key)) this.running.set(key, this.start(kind, tls));
    return this.running.get(key)!.then(s => s.port);
  }

  private start(kind: ServerKind, tls: TlsMax): Promise<RunningServer> {
    const s = this.set;
    const id = { certPem: s.server.certPem, keyPem: s.server.keyPem };
    const allow = [thumbprints(s.good.certPem).sha1];
    switch (kind) {
      case 'thumbprint': return startThumbprintServer({ ...id, allow, maxVersion: tls });
      case 'tls-reject': return startTlsRejectingServer({ ...id, caPem: s.clientCa.certPem, maxVersion: tls });
      case 'openssl': return startOpensslMtlsServer({ certFile: s.server.cert, keyFile: s.server.key, caFile: s.clientCa.cert, tls: tls === 'TLSv1.2' ? '1.2' : '1.3' });
      case 'forwarded': return startForwardedHeaderServer({ ...id, allow });
    }
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(p => p.then(s => s.close(), () => undefined)));
  }
}

/** The parts of a verdict (`check --json` endpoint / checkEndpoints result) these tests read. */
export interface VerdictLike {
  problems: { code: string; message: string }[];
  httpStatus?: number;
  clientCertificate?: { findings?: { code: string }[] };
}

const MTLS_CODES = ['client-cert-required', 'client-cert-rejected'];

/** Asserts the verdict tells this row's outcome apart from the other three. */
export function assertOutcome(v: VerdictLike, c: MtlsCase): void {
  const codes = v.problems.map(p => p.code);
  const mtls = codes.filter(code => MTLS_CODES.includes(code));
  const ctx = `${caseTitle(c)}: problems ${JSON.stringify(codes)}, httpStatus ${v.httpStatus}`;
  switch (c.expect) {
    case 'required':
      assert.deepEqual(mtls, ['client-cert-required'], ctx);
      // A TLS-level refusal leaves no HTTP answer; an application-level one may (403 from the app).
      if (v.httpStatus !== undefined) assert.ok(v.httpStatus === 401 || v.httpStatus === 403, ctx);
      break;
    case 'rejected':
      assert.deepEqual(mtls, ['client-cert-rejected'], ctx);
      assert.equal(v.httpStatus, undefined, ctx);
      break;
    case 'forbidden':
      assert.deepEqual(mtls, [], ctx);
      assert.equal(v.httpStatus, 403, ctx);
      break;
    case 'ok':
      // The server's own certificate is trusted in these tests: nothing at all may be wrong.
      assert.deepEqual(codes, [], ctx);
      assert.equal(v.httpStatus, 200, ctx);
      break;
  }
  const findings = (v.clientCertificate?.findings ?? []).map(f => f.code);
  for (const f of c.findings ?? []) assert.ok(findings.includes(f), `${ctx}: finding ${f} missing from ${JSON.stringify(findings)}`);
  if (c.expect === 'rejected') {
    // The rejection is explained by the certificate's own defect, in the words the user reads.
    const message = v.problems.find(p => p.code === 'client-cert-rejected')!.message;
    const why: Record<string, RegExp> = { expired: /expired/i, 'missing-client-auth-eku': /clientAuth/, 'issuer-not-accepted': /issued by/i };
    for (const f of c.findings ?? []) assert.match(message, why[f], `${ctx}: message does not explain ${f}: ${message}`);
  }
}

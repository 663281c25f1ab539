/**
 * Real mTLS servers on 127.0.0.1, each behaving like one of the setups users hit:
 *  - thumbprint: ASP.NET Core with `AllowedCertificateTypes = All` and a validation service comparing
 *    thumbprints (the seed article): the handshake accepts any certificate, authorization answers 200/403.
 *  - tlsReject: Kestrel `RequireCertificate` with chain validation: a certificate not from the CA (or
 *    none) is refused inside the handshake.
 *  - forwarded: an app behind ARR/a proxy: no client certificate at the TLS layer, it reads the
 *    `X-ARR-ClientCert` header (hex of the DER bytes) and authorizes by thumbprint.
 *  - openssl s_server -Verify 1 -verify_return_error: an implementation that is not Node.
 * Each records what it saw, so a test can assert what actually reached the server, not only what the
 * probe concluded.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type * as http from 'node:http';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { startOpensslServer, type RunningServer } from './servers';

export type TlsMax = 'TLSv1.2' | 'TLSv1.3';

export interface ServerIdentity { certPem: string; keyPem: string }

/** Thumbprints as Windows and allow-lists write them: upper-case hex, no separators. */
export function thumbprints(certPemOrDer: string | Buffer): { sha1: string; sha256: string } {
  const der = new crypto.X509Certificate(certPemOrDer).raw;
  const hex = (alg: string) => crypto.createHash(alg).update(der).digest('hex').toUpperCase();
  return { sha1: hex('sha1'), sha256: hex('sha256') };
}

export interface SeenRequest {
  path: string;
  /** SHA-1 of the client certificate the server saw (TLS layer or header), if any. */
  sha1?: string;
  status: number;
}

export interface MtlsServer extends RunningServer {
  /** Requests that reached the HTTP layer. */
  requests: SeenRequest[];
  /** Handshakes the TLS layer refused, with OpenSSL's reason. */
  tlsErrors: string[];
}

interface Allow {
  /** SHA-1 and/or SHA-256 thumbprints (any case, colons allowed). */
  allow: string[];
}

const norm = (t: string) => t.replace(/[:\s]/g, '').toUpperCase();

function isAllowed(allow: string[], certDer: Buffer): { sha1: string; ok: boolean } {
  const t = thumbprints(certDer);
  const set = new Set(allow.map(norm));
  return { sha1: t.sha1, ok: set.has(t.sha1) || set.has(t.sha256) };
}

async function listen(server: https.Server, requests: SeenRequest[]): Promise<MtlsServer> {
  const sockets = new Set<{ destroy(): void; on(e: string, f: () => void): unknown }>();
  const tlsErrors: string[] = [];
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); });
  server.on('tlsClientError', err => { tlsErrors.push(err.message); });
  await new Promise<void>(res => server.listen(0, '127.0.0.1', res));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests, tlsErrors,
    close: () => new Promise<void>(res => { for (const s of sockets) s.destroy(); server.close(() => res()); }),
  };
}

function answer(seen: SeenRequest[], req: http.IncomingMessage, res: http.ServerResponse, status: number, sha1?: string): void {
  seen.push({ path: req.url ?? '', sha1, status });
  const body = status === 200 ? 'authorized' : status === 401 ? 'no client certificate' : 'forbidden';
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

export interface ThumbprintServerOptions extends ServerIdentity, Allow {
  maxVersion?: TlsMax;
  /** Status when no certificate was sent: ASP.NET Core's certificate handler challenges with 403; some apps say 401. */
  noCertStatus?: 401 | 403;
  /**
   * CA names to send in the CertificateRequest (certificate_authorities); they do not restrict what is
   * accepted here, exactly like Kestrel with `AllowAnyClientCertificate`.
   */
  advertiseCa?: string;
}

/** (1) Accepts any client certificate in the handshake; authorizes by thumbprint → 200 / 403. */
export async function startThumbprintServer(o: ThumbprintServerOptions): Promise<MtlsServer> {
  const seen: SeenRequest[] = [];
  const server = https.createServer({
    cert: o.certPem, key: o.keyPem, requestCert: true, rejectUnauthorized: false, maxVersion: o.maxVersion,
    ...(o.advertiseCa ? { ca: o.advertiseCa } : {}),
  }, (req, res) => {
    const peer = (req.socket as tls.TLSSocket).getPeerCertificate();
    if (!peer || !peer.raw) return answer(seen, req, res, o.noCertStatus ?? 403);
    const { sha1, ok } = isAllowed(o.allow, peer.raw);
    answer(seen, req, res, ok ? 200 : 403, sha1);
  });
  return listen(server, seen);
}

export interface RejectingServerOptions extends ServerIdentity {
  /** The CA client certificates must chain to (PEM). Anything else fails the handshake. */
  caPem: string;
  maxVersion?: TlsMax;
}

/** (2) Requires a certificate from `caPem` and refuses everything else inside the TLS handshake. */
export async function startTlsRejectingServer(o: RejectingServerOptions): Promise<MtlsServer> {
  const seen: SeenRequest[] = [];
  const server = https.createServer({
    cert: o.certPem, key: o.keyPem, ca: o.caPem, requestCert: true, rejectUnauthorized: true, maxVersion: o.maxVersion,
  }, (req, res) => {
    const peer = (req.socket as tls.TLSSocket).getPeerCertificate();
    answer(seen, req, res, 200, peer?.raw ? thumbprints(peer.raw).sha1 : undefined);
  });
  return listen(server, seen);
}

export interface ForwardedHeaderServerOptions extends ServerIdentity, Allow {
  /** Header name (default `X-ARR-ClientCert`, what ARR and the seed article use). */
  header?: string;
}

/**
 * (3) Plain HTTPS (no CertificateRequest at all), authorizing the certificate a proxy forwarded in a
 * header: the hex of its DER bytes, as .NET's `GetRawCertDataString()` writes it. No/garbled header → 403.
 */
export async function startForwardedHeaderServer(o: ForwardedHeaderServerOptions): Promise<MtlsServer> {
  const seen: SeenRequest[] = [];
  const header = (o.header ?? 'X-ARR-ClientCert').toLowerCase();
  const server = https.createServer({ cert: o.certPem, key: o.keyPem }, (req, res) => {
    const value = req.headers[header];
    if (typeof value !== 'string' || !/^[0-9a-f]+$/i.test(value.trim()) || value.trim().length % 2) return answer(seen, req, res, 403);
    let der: Buffer;
    try { der = new crypto.X509Certificate(Buffer.from(value.trim(), 'hex')).raw; } catch { return answer(seen, req, res, 403); }
    const { sha1, ok } = isAllowed(o.allow, der);
    answer(seen, req, res, ok ? 200 : 403, sha1);
  });
  return listen(server, seen);
}

export interface OpensslMtlsOptions {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Pin the protocol: s_server's TLS 1.3 sends its verdict after the client has finished the handshake. */
  tls?: '1.2' | '1.3';
}

/** (4) `openssl s_server -Verify 1 -verify_return_error -CAfile CA` (`-www`: GET / → 200 status page). */
export async function startOpensslMtlsServer(o: OpensslMtlsOptions): Promise<RunningServer> {
  return startOpensslServer([
    '-cert', o.certFile, '-key', o.keyFile, '-Verify', '1', '-verify_return_error', '-CAfile', o.caFile,
    ...(o.tls === '1.2' ? ['-tls1_2'] : o.tls === '1.3' ? ['-tls1_3'] : []),
  ]);
}

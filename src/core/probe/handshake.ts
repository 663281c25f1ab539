/**
 * One real TLS handshake, with no verification inside it, so that every certificate is seen — good or
 * bad. Records what the server sent (from the wire, not from OpenSSL's rebuilt chain), the protocol,
 * cipher and ALPN, how long it took, and what went wrong at the transport level. Judging happens later,
 * in judge.ts, against each consumer's anchors.
 *
 * Timing rules: one deadline covers TCP connect, handshake and any follow-up; a healthy endpoint that
 * does not ask for a client certificate finishes at secureConnect, with no extra waiting.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ServerFlightReader, ALERT_NAMES, type SealedRecord } from './serverFlight';
import { readTls13ServerHandshake, serverHandshakeSecretFrom } from './tls13';
import { ipVersion } from '../certs';
import { isLoopbackHost, defaultServername } from '../endpoints';
import { TappedSocket } from './tap';
import { openClientCertificate, presentedCertificateDer, type LoadedClientCertificate } from './clientCertificate';
import { transportPhrases as phrases } from './phrases';
import type { ClientCertificateInput, HandshakeResult, ProbeOptions, TransportFailure } from './types';


function connectAddresses(host: string): string[] {
  const h = host.toLowerCase();
  if (h === '::1' || h === '[::1]' || h === '::' || h === '[::]') return ['::1', '127.0.0.1'];
  if (/^127\.\d+\.\d+\.\d+$/.test(h)) return [h];
  // Dev servers bound to `localhost` may listen on ::1 only (Node ≥ 17 resolves it to ::1 first).
  if (isLoopbackHost(h)) return ['127.0.0.1', '::1'];
  return [host.replace(/^\[|\]$/g, '')];
}

/**
 * `tls.connect` asks `net.isIP(servername)`, which for a name like "localhost" runs Node's large IPv6
 * pattern. V8 compiles a pattern on first use: to bytecode for a short subject (~3 ms for this one), but
 * straight to machine code (~0.7 ms) when the subject is 1000 characters or longer (its tier-up rule).
 * One long subject first makes the cheaper compile the one that happens — a tenth of a one-endpoint
 * CLI check's own time. Nothing else changes: the answer is the same either way.
 */
let ipv6PatternCompiled = false;
function compileIpv6PatternOnce(): void {
  if (ipv6PatternCompiled) return;
  ipv6PatternCompiled = true;
  net.isIPv6('0'.repeat(1000));
}

/** Milliseconds on a monotonic clock (`performance.now()` would load perf_hooks: ~0.4 ms of a CLI check's start). */
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** After the handshake, how long to watch for the server's verdict on a client certificate. */
const CLIENT_CERT_GRACE_MS = 100;

/** TLS 1.3: once the session ticket arrived, the server has accepted the certificate at the TLS level; a
 * server that rejects it in application code (Node's requestCert) closes within this. */
const AFTER_TICKET_MS = 25;

// One secure context for plain probes: no CA (nothing is verified in the handshake, and an empty store
// also stops Node from completing the peer chain from its roots); every protocol and cipher OpenSSL
// still has, so weak servers are seen and judged rather than unreachable.
// Every suite OpenSSL has, NULL ones last: the probe must complete the handshake a server allows, so the
// verdict can say which clients refuse what it negotiated (a real client would only see "no common cipher").
const PROBE_CONTEXT_OPTIONS: tls.SecureContextOptions = { ca: [], ciphers: 'ALL:eNULL:@SECLEVEL=0', minVersion: 'TLSv1' };
let plainContext: tls.SecureContext | undefined;
const clientContexts = new WeakMap<ClientCertificateInput, { loaded: LoadedClientCertificate; context: tls.SecureContext }>();

function contextFor(input: ClientCertificateInput | undefined) {
  if (!input) return { context: (plainContext ??= tls.createSecureContext(PROBE_CONTEXT_OPTIONS)), loaded: undefined };
  let hit = clientContexts.get(input);
  if (!hit) {
    const loaded = openClientCertificate(input); // throws ClientCertificateUnusableError with a message naming the file
    hit = { loaded, context: tls.createSecureContext({ ...PROBE_CONTEXT_OPTIONS, ...loaded.contextOptions }) };
    clientContexts.set(input, hit);
  }
  return hit;
}

type Connected = { socket: net.Socket; address: string } | { failure: TransportFailure };

function connectTcp(host: string, port: number, deadline: number): Promise<Connected> {
  const addresses = connectAddresses(host);
  return new Promise(resolve => {
    let index = 0;
    let firstError: NodeJS.ErrnoException | undefined;
    let current: net.Socket | undefined;
    const timer = setTimeout(() => {
      current?.destroy();
      resolve({ failure: { kind: 'timeout', detail: `TCP connection to ${host}:${port} not established` } });
    }, Math.max(0, deadline - nowMs()));
    const attempt = () => {
      const address = addresses[index];
      const socket = net.connect({ host: address, port, noDelay: true });
      current = socket;
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => { /* the session attaches its own handler; never an unhandled error */ });
        resolve({ socket, address });
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.destroy();
        firstError ??= err;
        if (err.code === 'ECONNREFUSED' && ++index < addresses.length) { attempt(); return; }
        clearTimeout(timer);
        const code = firstError.code ?? '';
        const detail = code === 'ECONNREFUSED' ? phrases.refused
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? phrases.hostNotFound(host)
            : `${code || firstError.message}`;
        const kind = code === 'ETIMEDOUT' ? 'timeout' : code === 'ECONNRESET' ? 'reset' : 'not-listening';
        resolve({ failure: { kind, detail } });
      });
    };
    attempt();
  });
}

/**
 * Probe one endpoint. Never rejects for network reasons (they are in `failure`); throws
 * ClientCertificateUnusableError when the configured client certificate cannot be opened.
 */
export async function probeEndpoint(opts: ProbeOptions): Promise<HandshakeResult> {
  const servername = opts.servername ?? defaultServername(opts.host);
  const { context, loaded } = contextFor(opts.clientCertificate);
  const started = nowMs();
  const deadline = started + opts.timeoutMs;
  const base: HandshakeResult = { host: opts.host, port: opts.port, servername, chain: [], handshakeMs: 0 };
  const tcp = await connectTcp(opts.host, opts.port, deadline);
  if ('failure' in tcp) return { ...base, handshakeMs: Math.round(nowMs() - started), failure: tcp.failure };
  return new HandshakeSession(opts, servername, started, deadline, context, loaded, tcp.socket, tcp.address).run(base);
}

/** The state of one probe connection, from TCP connected to the verdict. */
class HandshakeSession {
  private readonly reader = new ServerFlightReader();
  private tlsSocket!: tls.TLSSocket;
  private secret?: Buffer;
  private secure = false;
  private secureAt = 0;
  private rawError?: NodeJS.ErrnoException;
  private rawEnded = false;
  private sessionAt = 0;
  private appData: Buffer = Buffer.alloc(0);
  private requested?: boolean;
  private acceptableIssuers?: string[];
  private chain: Buffer[] = [];
  private tls13Read = false;
  private timers: NodeJS.Timeout[] = [];
  private resolve!: (r: HandshakeResult) => void;
  private base!: HandshakeResult;
  private finished = false;
  private negotiated?: Pick<HandshakeResult, 'protocol' | 'cipher' | 'alpn' | 'keyExchange'>;
  /** An HTTP request went out on this connection (requestPath, or an optional client-certificate request). */
  private requestSent = false;

  constructor(
    private readonly opts: ProbeOptions, private readonly servername: string, private readonly started: number,
    private readonly deadline: number, private readonly context: tls.SecureContext,
    private readonly client: LoadedClientCertificate | undefined, private readonly raw: net.Socket, private readonly address: string,
  ) {}

  run(base: HandshakeResult): Promise<HandshakeResult> {
    this.base = { ...base, address: this.address };
    return new Promise(resolve => {
      this.resolve = resolve;
      this.raw.on('error', (err: NodeJS.ErrnoException) => { this.rawError ??= err; });
      this.raw.on('end', () => { this.rawEnded = true; });
      const tapped = new TappedSocket(this.raw, chunk => {
        this.reader.feed(chunk);
        // Do not wait for OpenSSL's "wrong version number": the first bytes already say it is not TLS.
        if (this.reader.notTls && !this.secure) this.finish({ kind: 'not-tls', detail: this.describeNonTls() });
      });
      // SNI must not be an IP address (RFC 6066); for IP hosts the name check uses IP SANs.
      const sni = ipVersion(this.servername) ? undefined : this.servername;
      if (sni) compileIpv6PatternOnce();
      const s = tls.connect({
        socket: tapped,
        secureContext: this.context,
        rejectUnauthorized: false,
        ...(sni ? { servername: sni } : {}),
        ALPNProtocols: this.opts.requestPath !== undefined ? ['http/1.1'] : ['h2', 'http/1.1'],
      });
      this.tlsSocket = s;
      s.on('keylog', line => { this.secret ??= serverHandshakeSecretFrom(line); });
      s.on('secureConnect', () => this.onSecure());
      s.on('session', () => { this.sessionAt ||= nowMs(); this.checkClientCertWait(); });
      s.on('data', (d: Buffer) => this.onAppData(d));
      s.on('error', (err: NodeJS.ErrnoException) => this.onTlsError(err));
      s.on('close', () => this.onClose());
      this.timer(Math.max(0, this.deadline - nowMs()), () => this.onDeadline());
    });
  }

  private timer(ms: number, fn: () => void): void { this.timers.push(setTimeout(fn, ms)); }

  private elapsed(): number { return Math.round((nowMs() - this.started) * 10) / 10; }

  // -- the server's own handshake messages ---------------------------------------------------

  /** Chain, CertificateRequest and acceptable issuers, from the wire; TLS 1.3 by decrypting our own records. */
  private readServerFlight(): void {
    const r = this.reader;
    if (r.serverHello?.tls13) {
      const got = this.secret && r.sealed.length
        ? readTls13ServerHandshake(r.sealed as SealedRecord[], r.serverHello.cipherSuite, this.secret) : undefined;
      if (got) {
        this.tls13Read = true;
        this.chain = got.chain ?? [];
        this.requested = got.certificateRequested;
        this.acceptableIssuers = got.acceptableIssuers;
      }
    } else if (r.serverHello) {
      this.chain = r.chain ?? [];
      this.requested = r.certificateRequested;
      this.acceptableIssuers = r.acceptableIssuers;
    }
    if (this.chain.length === 0 && this.secure) this.chain = peerChain(this.tlsSocket);
  }

  // -- events ---------------------------------------------------------------------------------

  private onSecure(): void {
    if (this.finished) return;
    this.secure = true;
    this.secureAt = nowMs();
    this.base.handshakeMs = this.elapsed();
    // Read now: Node 20 crashes (SSL_get_version on a freed SSL) if asked once the socket has closed.
    const s = this.tlsSocket;
    const cipher = s.getCipher();
    const kx = s.getEphemeralKeyInfo() as { type?: string; size?: number } | null;
    this.negotiated = {
      ...(s.getProtocol() ? { protocol: s.getProtocol()! } : {}),
      ...(cipher ? { cipher: cipher.standardName ?? cipher.name } : {}),
      ...(typeof s.alpnProtocol === 'string' ? { alpn: s.alpnProtocol } : {}),
      ...(kx?.type ? { keyExchange: { type: kx.type, ...(kx.size ? { bits: kx.size } : {}) } } : {}),
    };
    this.readServerFlight();
    // A server that asked for a client certificate and still finished the handshake without one may
    // refuse at the application level (401/403): one request over this connection says which. Servers
    // that asked for nothing cost no extra round trip.
    // (Not after ALPN chose h2: an HTTP/1.1 request would not be understood.)
    const optionalAsked = this.requested === true && !this.client && this.negotiated.alpn !== 'h2';
    if (this.opts.requestPath !== undefined || optionalAsked) { this.sendRequest(); return; }
    if (this.requested === false) { this.finish(); return; }
    // A client-certificate verdict may still come: TLS 1.3 sends it after our Finished, and servers that
    // check the certificate in application code close right after the handshake.
    this.timer(Math.min(CLIENT_CERT_GRACE_MS, Math.max(0, this.deadline - nowMs())), () => this.finish());
    this.checkClientCertWait();
  }

  private checkClientCertWait(): void {
    if (!this.secure || this.finished || this.requestSent || !this.sessionAt) return;
    // Requested-or-unknown: the ticket means the TLS layer accepted; give application code a moment to close.
    if (this.requested === undefined && !this.client) { this.finish(); return; }
    this.timer(AFTER_TICKET_MS, () => this.finish());
  }

  private onAppData(d: Buffer): void {
    if (this.finished) return;
    this.appData = Buffer.concat([this.appData, d]).subarray(0, 4096);
    if (!this.requestSent) { this.finish(); return; }
    const head = this.appData.toString('latin1');
    const eol = head.indexOf('\r\n');
    if (eol === -1) return;
    const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head.slice(0, eol));
    this.finish(undefined, m ? Number(m[1]) : undefined, m ? undefined : `not an HTTP response: ${JSON.stringify(head.slice(0, Math.min(eol, 60)))}`);
  }

  private onTlsError(err: NodeJS.ErrnoException): void {
    if (this.finished) return;
    if (!this.secure) this.readServerFlight();
    this.finish(this.secure ? this.afterHandshakeFailure(err) : this.handshakeFailure(err));
  }

  private onClose(): void {
    if (this.finished) return;
    if (!this.secure) { this.readServerFlight(); this.finish(this.handshakeFailure(undefined)); return; }
    this.finish(this.afterHandshakeFailure(undefined));
  }

  private onDeadline(): void {
    if (this.finished) return;
    if (!this.secure) {
      this.readServerFlight();
      const detail = this.reader.received === 0 ? phrases.noAnswer : phrases.stalled(this.reader.received);
      this.finish({ kind: 'timeout', detail });
      return;
    }
    this.finish(undefined, undefined, this.requestSent ? 'no HTTP response before the timeout' : undefined);
  }

  // -- classification -------------------------------------------------------------------------

  private clientCertFailure(detail: string): TransportFailure {
    return { kind: this.client ? 'client-cert-rejected' : 'client-cert-required', detail };
  }

  /** The handshake did not complete. */
  private handshakeFailure(err: NodeJS.ErrnoException | undefined): TransportFailure {
    const r = this.reader;
    const code = err?.code ?? '';
    if (r.notTls || /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|HTTP_REQUEST|HTTPS_PROXY_REQUEST/.test(code)) {
      return { kind: 'not-tls', detail: this.describeNonTls() };
    }
    if (/EXCESSIVE_MESSAGE_SIZE/.test(code)) return { kind: 'oversized', detail: phrases.oversized(r.received) };
    const alert = alertNumber(err) ?? r.alert?.description;
    const requested = r.certificateRequested || this.requested === true || alert === 116;
    if (alert !== undefined) {
      const name = phrases.alert(ALERT_NAMES[alert] ?? String(alert));
      return requested ? this.clientCertFailure(name) : { kind: 'handshake-failed', detail: name };
    }
    const rawCode = this.rawError?.code;
    if (rawCode === 'ECONNRESET' || rawCode === 'EPIPE') {
      const detail = `connection reset by the server after ${r.received} bytes`;
      return requested ? this.clientCertFailure(detail) : { kind: 'reset', detail };
    }
    if (r.received === 0) return { kind: 'not-tls', detail: phrases.closedSilently };
    if (requested) return this.clientCertFailure(phrases.closedAfterHandshake);
    if (code === 'ECONNRESET' || this.rawEnded || !err) {
      return { kind: 'reset', detail: `the server closed the connection in the middle of the handshake, after ${r.received} bytes` };
    }
    return { kind: 'handshake-failed', detail: err.message.split('\n')[0] };
  }

  /** The handshake completed, then the server failed or closed the connection before any data. */
  private afterHandshakeFailure(err: NodeJS.ErrnoException | undefined): TransportFailure | undefined {
    if (this.appData.length > 0) return undefined;
    const alert = alertNumber(err);
    const mayHaveAsked = this.requested !== false;
    if (alert !== undefined && (alert === 116 || (mayHaveAsked && alert !== 0))) {
      return this.clientCertFailure(phrases.alert(ALERT_NAMES[alert] ?? String(alert)));
    }
    // Closed (or reset) straight after a handshake in which a certificate was asked for: the application
    // refused what it got (a Node server with requestCert + rejectUnauthorized does exactly this).
    if (this.requested === true || (this.requested === undefined && this.client)) {
      const reset = this.rawError?.code === 'ECONNRESET';
      return this.clientCertFailure(reset ? phrases.resetAfterHandshake : phrases.closedAfterHandshake);
    }
    return undefined;
  }

  private describeNonTls(): string {
    const bytes = this.reader.firstBytes;
    if (!bytes || bytes.length === 0) return phrases.closedSilently;
    const text = bytes.toString('latin1');
    const line = text.split(/\r?\n/)[0];
    return /^[\x20-\x7e]{4,}$/.test(line) ? phrases.answered(line.slice(0, 60)) : phrases.nonTlsBytes;
  }

  // -- HTTP over the same connection ----------------------------------------------------------

  private sendRequest(): void {
    const path = this.opts.requestPath?.startsWith('/') ? this.opts.requestPath : `/${this.opts.requestPath ?? ''}`;
    const hostHeader = ipVersion(this.opts.host.replace(/^\[|\]$/g, '')) === 6 ? `[${this.opts.host.replace(/^\[|\]$/g, '')}]` : this.servername;
    const lines = [
      `GET ${path} HTTP/1.1`, `Host: ${hostHeader}:${this.opts.port}`, 'User-Agent: devcert-doctor', 'Accept: */*', 'Connection: close',
    ];
    if (this.opts.forwardClientCertHeader && this.client) lines.push(`X-ARR-ClientCert: ${presentedCertificateDer(this.client).toString('hex')}`);
    this.requestSent = true;
    this.tlsSocket.write(`${lines.join('\r\n')}\r\n\r\n`);
  }

  // -- the result -----------------------------------------------------------------------------

  private finish(failure?: TransportFailure, httpStatus?: number, httpError?: string): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    const result: HandshakeResult = { ...this.base, chain: this.chain };
    if (!this.secure) result.handshakeMs = this.elapsed();
    Object.assign(result, this.negotiated ?? protocolFromHello(this.reader.serverHello?.version));
    if (this.requested !== undefined || this.reader.certificateRequested) result.clientCertificateRequested = this.requested ?? true;
    if (this.acceptableIssuers && this.acceptableIssuers.length) result.acceptableIssuers = this.acceptableIssuers;
    if (this.client) result.clientCertificateSent = this.requested !== false;
    if (httpStatus !== undefined) result.httpStatus = httpStatus;
    if (httpError) result.httpError = httpError;
    if (this.reader.serverHello?.tls13) result.serverFlightRead = this.tls13Read;
    if (failure) result.failure = failure;
    this.tlsSocket.destroy();
    this.raw.destroy();
    this.resolve(result);
  }
}

const VERSIONS: Record<number, string> = { 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
function protocolFromHello(version: number | undefined): { protocol?: string } {
  return version !== undefined && VERSIONS[version] ? { protocol: VERSIONS[version] } : {};
}

function alertNumber(err: Error | undefined): number | undefined {
  const m = err && /alert number (\d+)/i.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

/** TLS 1.3 fallback when the handshake could not be read from the wire: Node's view of the sent chain. */
function peerChain(s: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let cert = s.getPeerX509Certificate?.();
  while (cert && !seen.has(cert.fingerprint256) && out.length < 10) {
    seen.add(cert.fingerprint256);
    out.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return out;
}

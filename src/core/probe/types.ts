/** A client certificate to present (mTLS). PEM strings or a PFX buffer, as Node's `tls` takes them. */
export interface ClientCertificateInput {
  pfx?: Buffer;
  passphrase?: string;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Where it came from, for messages (never the password). */
  label?: string;
}

export interface ProbeOptions {
  host: string;
  port: number;
  /** SNI and the name the certificate is checked against; defaults to `localhost` for loopback hosts. */
  servername?: string;
  timeoutMs: number;
  clientCertificate?: ClientCertificateInput;
  /** When set, one HTTP/1.1 request over the same connection after the handshake (mTLS authorization). */
  requestPath?: string;
  /** Also send the client certificate as `X-ARR-ClientCert` (hex of its DER bytes). */
  forwardClientCertHeader?: boolean;
}

/** What went wrong at the transport level, before any certificate could be judged. */
export type TransportFailureKind =
  | 'not-listening' | 'not-tls' | 'reset' | 'timeout'
  | 'client-cert-required' | 'client-cert-rejected' | 'handshake-failed'
  /** The server's handshake message (its certificate chain) is larger than OpenSSL clients read (100 KB). */
  | 'oversized';

export interface TransportFailure {
  kind: TransportFailureKind;
  /** The low-level reason (errno, TLS alert), for the log and the details view. */
  detail: string;
}

/** Exactly what one TLS handshake saw. No verification happened inside it. */
export interface HandshakeResult {
  host: string;
  port: number;
  servername: string;
  /** The chain as the server sent it, leaf first, DER. Empty when no certificate was seen. */
  chain: Buffer[];
  protocol?: string;
  cipher?: string;
  alpn?: string;
  /** The ephemeral key exchange negotiated (Node's getEphemeralKeyInfo): `DH` with its group size, `ECDH`... */
  keyExchange?: { type: string; bits?: number };
  handshakeMs: number;
  failure?: TransportFailure;
  /** The server sent a CertificateRequest (known for TLS 1.2; for 1.3 inferred from its alert). */
  clientCertificateRequested?: boolean;
  /** Distinguished names from the CertificateRequest's certificate_authorities, when sent. */
  acceptableIssuers?: string[];
  clientCertificateSent?: boolean;
  /** The HTTP status of the request made after the handshake, when `requestPath` was set. */
  httpStatus?: number;
  /** Why no HTTP status was read (no response before the timeout, not HTTP...). */
  httpError?: string;
  /** The address actually connected to (127.0.0.1 or ::1 for loopback names). */
  address?: string;
  /** TLS 1.3: whether the server's encrypted handshake could be read (chain as sent, CertificateRequest). */
  serverFlightRead?: boolean;
}

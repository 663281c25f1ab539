import type { Problem } from './problems';

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
  | 'client-cert-required' | 'client-cert-rejected' | 'handshake-failed';

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

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** Upper-case hex without separators, as Windows and netsh show them. */
  sha1: string;
  sha256: string;
  serialNumber: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** `DNS:name` and `IP:addr` entries as names only: `localhost`, `127.0.0.1`, `::1`. */
  san: string[];
  selfSigned: boolean;
  keyType: string;
  keySize?: number;
  signatureAlgorithm: string;
  isCa: boolean;
  isAspNetCoreDevCert: boolean;
  /** The version byte of the ASP.NET Core dev-cert marker extension (1.3.6.1.4.1.311.84.1.1). */
  aspNetCoreDevCertVersion?: number;
  extendedKeyUsage: string[];
}

/** Who trusts the served chain. `nss` is present only when a browser NSS database and certutil exist. */
export interface TrustByConsumer { system: boolean; node: boolean; nss?: boolean }

/** The verdict for one endpoint: the object in `check --json`'s `endpoints` array. */
export interface EndpointVerdict {
  url: string;
  host: string;
  port: number;
  source: { file: string; line: number } | null;
  trusted: boolean;
  trust: TrustByConsumer;
  problems: Problem[];
  certificate: CertificateSummary | null;
  handshakeMs: number;
  /** The rest of the served chain (intermediates, root), leaf excluded. */
  chain?: CertificateSummary[];
  protocol?: string;
  cipher?: string;
  alpn?: string;
  httpStatus?: number;
  /** The worst severity among `problems`; 'ok' when there are none. */
  severity?: 'ok' | 'error' | 'warning' | 'info';
  /** The presented client certificate and what is wrong with it (mTLS), when one was configured. */
  clientCertificate?: ClientCertificateReport;
  /** Who trusts what, and from where (anchor sources), for the details view. */
  trustSources?: { system: string[]; node: string[]; nss?: string[] };
  /** Things worth knowing that are not problems (an optional client certificate request, HTTP status...). */
  notes?: string[];
  /** The low-level transport failure, when there was one (errno, TLS alert). */
  failure?: TransportFailure;
}

export type ClientCertificateFindingCode =
  | 'expired' | 'not-yet-valid' | 'missing-client-auth-eku' | 'issuer-not-accepted' | 'chain-not-sent'
  | 'self-signed-revocation';

export interface ClientCertificateFinding { code: ClientCertificateFindingCode; message: string }

export interface ClientCertificateReport {
  /** Where it came from (file name), never the password. */
  label: string;
  certificate: CertificateSummary;
  findings: ClientCertificateFinding[];
  /** The server asked for a certificate and this one was presented. */
  sent?: boolean;
  /** Issuer names the server said it accepts (CertificateRequest certificate_authorities). */
  acceptableIssuers?: string[];
}

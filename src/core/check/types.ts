/** A verdict: what each client would do with what one handshake saw (`check --json`'s endpoint object). */
import type { CertificateSummary } from '../certs';
import type { TransportFailure } from '../probe';
import type { Problem } from './problems';

export type { CertificateSummary };

/** Who trusts the served chain. `nss` is present only when a browser NSS database and certutil exist. */
export interface TrustByConsumer { system: boolean; node: boolean; nss?: boolean }

/** The verdict for one endpoint: the object in `check --json`'s `endpoints` array. */
export interface EndpointVerdict {
  url: string;
  host: string;
  port: number;
  source: { file: string; line: number } | null;
  /** The chain reaches the system store's anchors (the chain only: not the date, name or protocol). */
  trusted: boolean;
  trust: TrustByConsumer;
  /**
   * Will each client complete the TLS connection and accept the certificate for this name and date?
   * `browsers` where evaluated (an NSS database on Linux; always on Windows and macOS).
   */
  accepts?: { system: boolean; node: boolean; browsers?: boolean };
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
  /**
   * Linux: the ASP.NET Core dev cert is in dotnet's trust folder but SSL_CERT_DIR does not name it — the
   * line that fixes the system's clients, as dotnet prints it.
   */
  sslCertDirFix?: string;
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

/** The certificate model's shapes, shared by parsing, generation, the stores and the verdicts. */

/** What this project shows of a certificate (`check --json`'s `certificate`). */
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

/** A certificate as the stores need it. */
export interface CertificateRef {
  /** PEM of the certificate (never the key). */
  pem: string;
  /** Upper-case hex, no separators. */
  sha1: string;
  sha256: string;
  subject: string;
  /** Name used in stores that need one (NSS nickname, file name stem). */
  nickname: string;
}

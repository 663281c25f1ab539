/**
 * What each kind of development certificate looks like. Profiles are data so the extension, the CLI
 * and tests read the same definition.
 */
import type { KeyAlgorithm } from './keys';
import { KeyUsageBit, OID } from './x509';

export type CertProfileId = 'aspnetcore' | 'iisexpress' | 'local-ca' | 'client';
export const CERT_PROFILES: readonly CertProfileId[] = ['aspnetcore', 'iisexpress', 'local-ca', 'client'];

/**
 * The ASP.NET Core dev-cert marker version written into 1.3.6.1.4.1.311.84.1.1. Kestrel and
 * `dotnet dev-certs https --check` accept a certificate whose version is at least their minimum, so
 * we write the newest version we know the shape of (6: SANs incl. *.dev.localhost / *.dev.internal /
 * host.docker.internal, with SKI/AKI — the extensions version 5 added for OpenSSL chain building).
 */
export const ASPNETCORE_DEV_CERT_VERSION = 6;

export const IIS_EXPRESS_FRIENDLY_NAME = 'IIS Express Development Certificate';
export const ASPNETCORE_FRIENDLY_NAME = 'ASP.NET Core HTTPS development certificate';

/** The names `dotnet dev-certs https` (version 6) puts in the ASP.NET Core development certificate. */
export const ASPNETCORE_DEV_CERT_SANS: readonly string[] = ['localhost', '*.dev.localhost', '*.dev.internal', 'host.docker.internal', 'host.containers.internal', '127.0.0.1', '::1'];

/**
 * Apple's rules for TLS server certificates (support.apple.com/103769, macOS 10.15+): one issued after
 * 2019-07-01 must be valid for at most 825 days and carry serverAuth in its extended key usage and its
 * names in subjectAltName; every one needs RSA ≥ 2048 bits and a SHA-2 signature. macOS refuses any other
 * for TLS whatever its trust, so every server profile here stays inside them (RSA 2048 or P-256, SHA-256,
 * serverAuth, SAN). The 398-day limit of certificates issued after 2020-09-01 binds chains to publicly
 * trusted roots only, not to a root the user added (the local CA, a self-signed development certificate).
 * A CA is not a TLS server certificate: the local CA's ten years are fine.
 */
export const MAX_TLS_SERVER_VALIDITY_DAYS = 825;
/** Other certificates (client certificates) are bounded only by what is sensible for development. */
const MAX_VALIDITY_DAYS = 3650;

export interface ProfileShape {
  id: CertProfileId;
  /** Subject CN when the user gives none. */
  defaultCn: string;
  /** SANs when the user gives none. */
  defaultSans: string[];
  ekus: string[];
  keyUsage: number[];
  keyUsageCritical: boolean;
  ekuCritical: boolean;
  sanCritical: boolean;
  /** Signed by the local CA (else self-signed). `client` lets the caller choose. */
  issuedByLocalCa: boolean;
  /** PFX friendlyName (Windows shows it in certlm/certmgr). */
  friendlyName?: string;
  aspNetCoreMarker?: number;
  days: number;
  /**
   * The key when the caller names none. The certificates that stand in for Microsoft's own (the ASP.NET Core
   * and IIS Express development certificates) are RSA 2048 as theirs are; a leaf of the local CA is ECDSA
   * P-256, as Caddy's local CA issues them: no prime search (RSA 2048 takes OpenSSL 70–260 ms), smaller and
   * faster handshakes, and every client a development server meets (browsers, Node, curl/OpenSSL, .NET,
   * Java 8+, Go, Python) accepts it. `--key rsa` still makes RSA.
   */
  defaultKey: KeyAlgorithm;
}

const SERVER_KU = [KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment];

export const PROFILES: Record<CertProfileId, ProfileShape> = {
  // Matches what `dotnet dev-certs https` creates, so Kestrel picks it up as the dev cert.
  aspnetcore: {
    id: 'aspnetcore', defaultCn: 'localhost',
    defaultSans: [...ASPNETCORE_DEV_CERT_SANS],
    ekus: [OID.serverAuth], keyUsage: SERVER_KU, keyUsageCritical: true, ekuCritical: true, sanCritical: true,
    issuedByLocalCa: false, friendlyName: ASPNETCORE_FRIENDLY_NAME, aspNetCoreMarker: ASPNETCORE_DEV_CERT_VERSION, days: 365, defaultKey: 'rsa',
  },
  iisexpress: {
    id: 'iisexpress', defaultCn: 'localhost', defaultSans: ['localhost', '127.0.0.1', '::1'],
    ekus: [OID.serverAuth], keyUsage: SERVER_KU, keyUsageCritical: true, ekuCritical: false, sanCritical: false,
    issuedByLocalCa: false, friendlyName: IIS_EXPRESS_FRIENDLY_NAME, days: 365, defaultKey: 'rsa',
  },
  // A leaf under the local CA: trusting the CA once covers every regeneration.
  'local-ca': {
    id: 'local-ca', defaultCn: 'localhost', defaultSans: ['localhost', '*.localhost', '127.0.0.1', '::1'],
    ekus: [OID.serverAuth], keyUsage: SERVER_KU, keyUsageCritical: true, ekuCritical: false, sanCritical: false,
    issuedByLocalCa: true, days: 365, defaultKey: 'ecdsa',
  },
  client: {
    id: 'client', defaultCn: 'devcert-doctor client', defaultSans: [],
    ekus: [OID.clientAuth], keyUsage: SERVER_KU, keyUsageCritical: true, ekuCritical: false, sanCritical: false,
    issuedByLocalCa: false, days: 365, defaultKey: 'rsa',
  },
};

/** The longest validity a profile may be given: Apple's 825 days for a TLS server certificate. */
export function maxValidityDays(profile: CertProfileId): number {
  return PROFILES[profile].ekus.includes(OID.serverAuth) ? MAX_TLS_SERVER_VALIDITY_DAYS : MAX_VALIDITY_DAYS;
}

/**
 * Room `probe` — one real TLS handshake and exactly what was served (the chain as sent, the TLS 1.3
 * flight, client-certificate requests, transport failures). Judges nothing: `check` does. Imports `certs`, `endpoints`.
 */
export { probeEndpoint } from './handshake';
export { openClientCertificate, presentedCertificateDer, ClientCertificateUnusableError, type LoadedClientCertificate } from './clientCertificate';
export type { ClientCertificateInput, HandshakeResult, ProbeOptions, TransportFailure, TransportFailureKind } from './types';

/**
 * Room `check` — verdicts: judge what a handshake saw, per client (system/OpenSSL, Node, browsers), the
 * problem codes and their words, and the check service the CLI and server share. Imports `endpoints`,
 * `probe`, `certs`, `trust` (anchors only); never `plan`, `bind` or `repair`, and never writes.
 */
export { DEFAULT_CONCURRENCY, checkEndpoints, fetchServedChain, servedChainOf, targetsFrom } from './checkEndpoints';
export type { CheckedVerdict } from './checkEndpoints';
export { ClientCertificateError, findClientCertificateConfig, loadClientCertificate, loadClientCertificateFromFlags } from './clientCertificateConfig';
export type { ClientCertificateEntry, ClientCertificateMap } from './clientCertificateConfig';
export { DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS } from './defaults';
export { endpointUrl, judge } from './judge';
export { acceptanceSummary, clientNames, problemHeadline } from './messages';
export { APPLE_TLS_SERVER_RULES, CLIENT_IDS, clientPolicies, tlsServerRuleBreaks } from './clientPolicy';
export type { ClientId, ClientPolicies, ClientPolicy, TlsServerRules } from './clientPolicy';
export { FIX_IDS, orderedFixes, UNSOUND_CERTIFICATE_CODES } from './problems';
export type { FixId, Problem, ProblemCode } from './problems';
export { checkTargets, judgeDeclaredCertificate, trustStoreWarnings, warmUpTrustAnchors } from './service';
export type { CheckFn, CheckSettings, ProbeTarget } from './service';
export type { ClientCertificateFinding, ClientCertificateReport, EndpointVerdict } from './types';

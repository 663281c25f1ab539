/**
 * Room `check` — verdicts: judge what a handshake saw, per client (system/OpenSSL, Node, browsers), the
 * problem codes and their words, and the check service the CLI, server and gate share. Never writes.
 */
export { DEFAULT_CONCURRENCY, checkEndpoints, fetchServedChain, servedChainOf, targetsFrom } from './checkEndpoints';
export type { CheckedVerdict } from './checkEndpoints';
export { ClientCertificateError, findClientCertificateConfig, loadClientCertificate, loadClientCertificateFromFlags } from './clientCertificateConfig';
export type { ClientCertificateEntry, ClientCertificateMap } from './clientCertificateConfig';
export { DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS } from './defaults';
export { endpointUrl, judge } from './judge';
export { FIX_IDS } from './problems';
export type { FixId, Problem, ProblemCode } from './problems';
export { checkTargets, warmUpTrustAnchors } from './service';
export type { CheckFn, CheckSettings, ProbeTarget } from './service';
export type { ClientCertificateFinding, ClientCertificateReport, EndpointVerdict } from './types';

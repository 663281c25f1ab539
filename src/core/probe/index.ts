/** The probe: one handshake (`probeEndpoint`), then a verdict (`judge`). */
export { probeEndpoint, isLoopbackHost, defaultServername } from './handshake';
export { judge, endpointUrl, type JudgeContext } from './judge';
export { openClientCertificate, diagnoseClientCertificate, ClientCertificateUnusableError, type LoadedClientCertificate } from './clientCertificate';
export { matchHostName, dnsNameMatches } from './names';
export { AnchorSet, buildPath, findIncompleteChain } from './chain';
export * from './types';
export * from './problems';

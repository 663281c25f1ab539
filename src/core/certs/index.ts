/**
 * Room `certs` — the certificate model: parse and summarise X.509, PEM/DER/PFX, generate (local CA,
 * profiles, client certificates), build a path to an anchor. Imports only `io`; knows no store, no probe.
 */
export { AnchorSet, buildPath, findIncompleteChain } from './chain';
export type { CertificatePool, PathResult } from './chain';
export { CertificateIndex } from './certificateIndex';
export { CertificateText } from './certificateText';
export type { CertificateSource } from './certificateIndex';
export { ipVersion } from './ipAddress';
export { opensslNameHash } from './nameHash';
export { OutputPathError, createClientCertificateFiles, generatePfxPassword } from './clientCertificateFiles';
export type { ClientCertSigner, CreatedClientCertificate } from './clientCertificateFiles';
export { thumbprint, toPem } from './encoding';
export { CertificateFormatError, certificateRef, keyMatchesCertificate, parsePfx, readCertificateFile, toPfx } from './formats';
export type { CertificateBundle, CertificateInputProblem } from './formats';
export { generateCertificate, outputPaths, writeCertificateFiles } from './generate';
export type { GeneratedCertificate, OutputFormat } from './generate';
export { privateKeyPem } from './keys';
export type { KeyAlgorithm } from './keys';
export { createLocalCa, loadLocalCa, permittedNamesOf } from './localCa';
export { CA_NAMES_ENV, LOOPBACK_PERMITTED_NAMES, namesOutside } from './nameConstraints';
export type { LocalCa } from './localCa';
export { CertParseError, certificatesIn, decodeOid, formatName, inspectCertificate, isWeakSignatureAlgorithm, peekCertificate, pemToDer } from './parse';
export type { ParsedCertificate, PeekedCertificate } from './parse';
export { ASPNETCORE_DEV_CERT_SANS, CERT_PROFILES, IIS_EXPRESS_FRIENDLY_NAME, MAX_TLS_SERVER_VALIDITY_DAYS, maxValidityDays } from './profiles';
export type { CertProfileId } from './profiles';
export type { CertificateRef, CertificateSummary } from './types';

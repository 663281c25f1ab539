/**
 * Every sentence the probe says to a user, in one place. A message says what the user will see (the
 * browser's error name, what .NET or Node throw) and why; the fix ids say what would repair it.
 */
import type { ClientId } from './clientPolicy';
import type { FixId, Problem, ProblemCode, Severity } from './problems';

export type Consumer = 'system' | 'node' | 'nss';

const CONSUMER_NAMES: Record<Consumer, (platform: NodeJS.Platform) => string> = {
  system: p => p === 'win32' ? 'Windows (Edge, Chrome, .NET, IIS Express)'
    : p === 'darwin' ? 'the macOS keychain (Safari, Chrome, .NET)'
      : 'the system store (OpenSSL, curl, .NET)',
  node: () => 'Node.js',
  nss: () => 'the browsers (NSS databases: Chromium, Firefox)',
};

export function consumerList(consumers: Consumer[], platform: NodeJS.Platform): string {
  const names = consumers.map(c => CONSUMER_NAMES[c](platform));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Who a client id stands for, in a sentence about acceptance. */
const CLIENT_NAMES: Record<ClientId, (platform: NodeJS.Platform) => string> = {
  system: p => p === 'win32' ? 'Windows clients (.NET, Schannel)' : p === 'darwin' ? 'macOS clients (Safari, curl, .NET)' : 'curl and OpenSSL clients (.NET on Linux)',
  node: () => 'Node.js',
  browsers: () => 'the browsers',
};

export function clientNames(clients: readonly ClientId[], platform: NodeJS.Platform = process.platform): string {
  const names = clients.map(c => CLIENT_NAMES[c](platform));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Acceptance first, in one line: "the browsers and Node.js will refuse; curl and OpenSSL clients accept". */
export function acceptanceSummary(accepts: Partial<Record<ClientId, boolean>>, platform: NodeJS.Platform = process.platform): string {
  const ids = (Object.keys(accepts) as ClientId[]).filter(c => accepts[c] !== undefined);
  const refuse = ids.filter(c => !accepts[c]);
  const accept = ids.filter(c => accepts[c]);
  if (refuse.length === 0) return `${clientNames(accept, platform)} accept it`;
  if (accept.length === 0) return `${clientNames(refuse, platform)} will refuse`;
  return `${clientNames(refuse, platform)} will refuse; ${clientNames(accept, platform)} accept${accept.length === 1 && accept[0] !== 'browsers' ? 's' : ''}`;
}

const AUTHORITY_INVALID = "browsers show NET::ERR_CERT_AUTHORITY_INVALID; .NET HttpClient throws 'The SSL connection could not be established'; server-to-server calls (token validation against a local identity server) fail with 401";

function problem(code: ProblemCode, severity: Severity, message: string, fixes: FixId[]): Problem {
  return { code, severity, message, fixes };
}

const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const problemMessages = {
  /** Said after `self-signed` when dotnet dev-certs already trusted it for OpenSSL in its folder. */
  dotnetTrustFolder(line: string): string {
    return `dotnet dev-certs has already trusted it for OpenSSL in ~/.aspnet/dev-certs/trust, which OpenSSL (curl, .NET) reads only when SSL_CERT_DIR names it: run  ${line}  in the shell that starts them.`;
  },

  selfSigned(subject: string, failing: string, trustedBy: string): Problem {
    return problem('self-signed', 'error',
      `The certificate (${subject}) is self-signed and not trusted by ${failing}: ${AUTHORITY_INVALID}; Node clients fail with DEPTH_ZERO_SELF_SIGNED_CERT.`
      + (trustedBy ? ` It is trusted by ${trustedBy}.` : ''),
      ['trust', 'regenerate']);
  },

  unknownIssuer(issuer: string, failing: string, trustedBy: string, endsAtUntrustedRoot: boolean): Problem {
    const why = endsAtUntrustedRoot
      ? `chains to the root ${issuer}, which ${failing} do not trust`
      : `was issued by ${issuer}, which is not known to ${failing}`;
    return problem('unknown-issuer', 'error',
      `The certificate ${why}: ${AUTHORITY_INVALID}; Node clients fail with ${endsAtUntrustedRoot ? 'SELF_SIGNED_CERT_IN_CHAIN' : 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'}.`
      + (endsAtUntrustedRoot ? '' : ` ${issuer} may be an intermediate the server should also send: if it is, configure the server with the full chain; otherwise trust its root.`)
      + (trustedBy ? ` It is trusted by ${trustedBy}.` : ''),
      ['trust', 'regenerate']);
  },

  incompleteChain(missing: string, sentCount: number, evidence: string, failing: string, worksHereOnly: boolean): Problem {
    const head = `The server sends ${plural(sentCount, 'certificate')} but not the intermediate ${missing} (${evidence}).`;
    const effect = worksHereOnly
      ? ` It works on this machine only because the intermediate is installed locally; other machines, containers and Node clients fail with UNABLE_TO_VERIFY_LEAF_SIGNATURE and browsers elsewhere show NET::ERR_CERT_AUTHORITY_INVALID.`
      : ` Clients that do not already hold it fail (${failing}): browsers show NET::ERR_CERT_AUTHORITY_INVALID, Node fails with UNABLE_TO_VERIFY_LEAF_SIGNATURE, .NET HttpClient throws 'The SSL connection could not be established'.`;
    return problem('incomplete-chain', worksHereOnly ? 'warning' : 'error',
      `${head}${effect} Configure the server with the full chain (leaf and intermediate).`, ['bind', 'regenerate']);
  },

  expired(notAfter: string, daysAgo: number, which: string): Problem {
    return problem('expired', 'error',
      `The ${which} expired on ${day(notAfter)} (${plural(daysAgo, 'day')} ago): browsers show NET::ERR_CERT_DATE_INVALID; .NET and Node clients refuse it (CERT_HAS_EXPIRED).`,
      ['regenerate', 'bind']);
  },

  notYetValid(notBefore: string, which: string): Problem {
    return problem('not-yet-valid', 'error',
      `The ${which} is not valid before ${notBefore.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}: browsers show NET::ERR_CERT_DATE_INVALID; Node fails with CERT_NOT_YET_VALID. Check this machine's clock, or regenerate it.`,
      ['regenerate', 'bind']);
  },

  expiringSoon(notAfter: string, daysLeft: number): Problem {
    return problem('expiring-soon', 'warning',
      `The certificate expires on ${day(notAfter)}, in ${plural(daysLeft, 'day')}; after that browsers show NET::ERR_CERT_DATE_INVALID.`,
      ['regenerate', 'bind']);
  },

  /** The name is only in the CN and the certificate has no DNS SAN: clients that fall back to the CN accept. */
  nameOnlyInCommonName(host: string, cn: string, refusing: string, accepting: string): Problem {
    return problem('name-mismatch', 'error',
      `The name ${host} is only in the certificate's subject CN (CN=${cn}) and it has no DNS subjectAltName: ${refusing} refuse it (browsers show NET::ERR_CERT_COMMON_NAME_INVALID)`
      + (accepting ? `; ${accepting} fall back to the CN and accept it` : '') + `. List the name as a subjectAltName (DNS:${host}).`,
      ['regenerate', 'bind']);
  },

  nameMismatch(host: string, sans: string[], onlyInCn: boolean, cn: string | undefined): Problem {
    const what = sans.length === 0
      ? onlyInCn
        ? `The name ${host} is only in the certificate's subject CN (CN=${cn}), which browsers, .NET and Node ignore: a certificate must list the name as a subjectAltName (DNS:${host})`
        : `The certificate has no subjectAltName at all${cn ? ` (only CN=${cn}, which clients ignore)` : ''}, so it names no host`
      : `The certificate names ${sans.join(', ')}, not ${host}${onlyInCn ? ` (${host} is only in its CN, which clients ignore)` : ''}`;
    return problem('name-mismatch', 'error',
      `${what}: browsers show NET::ERR_CERT_COMMON_NAME_INVALID; .NET reports RemoteCertificateNameMismatch ("invalid cn"); Node fails with ERR_TLS_CERT_ALTNAME_INVALID.`,
      ['regenerate', 'bind']);
  },

  weakSignature(which: string, algorithm: string): Problem {
    return problem('weak-signature', 'error',
      `The ${which} is signed with ${algorithm}: browsers show NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM and OpenSSL 3 clients (Node, curl, .NET on Linux) refuse it at their default security level.`,
      ['regenerate']);
  },

  weakKey(which: string, bits: number, refusing: string, accepting: string): Problem {
    return problem('weak-key', refusing ? 'error' : 'warning',
      `The ${which} has a ${bits}-bit RSA key`
      + (refusing ? `: ${refusing} refuse it (this machine's OpenSSL requires more bits: "EE certificate key too weak")` : '; every client checked still accepts it')
      + (accepting && refusing ? `; ${accepting} accept it` : '') + '. Use at least 2048 bits.',
      ['regenerate']);
  },

  legacyProtocol(protocol: string, refusing: string): Problem {
    return problem('legacy-protocol', 'error',
      `The server speaks only ${protocol}, older than TLS 1.2: ${refusing} refuse to connect (browsers show ERR_SSL_VERSION_OR_CIPHER_MISMATCH, Node fails with EPROTO, curl with "unsupported protocol" or "legacy sigalg disallowed"). Enable TLS 1.2 or 1.3 in the server's configuration.`,
      []);
  },

  weakKeyExchange(what: string, refusing: string, accepting: string): Problem {
    return problem('weak-key-exchange', 'error',
      `The server offers ${what}: ${refusing} refuse it (browsers show ERR_SSL_VERSION_OR_CIPHER_MISMATCH, OpenSSL "dh key too small")`
      + (accepting ? `; ${accepting} connect` : '') + '. Enable ECDHE cipher suites (or TLS 1.3) in the server\'s configuration, and DH groups of at least 2048 bits if DHE stays.',
      []);
  },

  malformedCertificate(which: string, extension: string): Problem {
    return problem('malformed-certificate', 'error',
      `The ${which}'s ${extension} extension is not valid DER: every client refuses it (browsers show NET::ERR_CERT_COMMON_NAME_INVALID or ERR_CERT_INVALID, curl and Node report a name mismatch). Regenerate the certificate.`,
      ['regenerate', 'bind']);
  },

  oversizedChain(detail: string, refusing: string): Problem {
    return problem('oversized-chain', 'error',
      `The server's certificate chain is too large for the clients: ${refusing} refuse it (${detail}; curl and Node fail with "excessive message size", Chromium with ERR_SSL_PROTOCOL_ERROR). This is the clients' limit, not the server aborting: send fewer certificates, or a certificate with fewer names.`,
      ['regenerate', 'bind']);
  },

  /** `breaks`: tlsServerRuleBreaks' words; `refusing`: the clients on the platform's verifier (macOS). */
  platformRules(breaks: string[], refusing: string): Problem {
    return problem('platform-rules', 'error',
      `The certificate breaks Apple's rules for TLS server certificates — ${breaks.join('; ')} — so ${refusing} refuse it whatever is trusted `
      + '(Safari shows "This Connection Is Not Private", .NET on macOS throws \'The SSL connection could not be established\'). '
      + 'Trusting it changes nothing: a new certificate within the rules (at most 825 days, serverAuth, names in subjectAltName) does.',
      ['regenerate', 'bind']);
  },

  clientCertRequired(acceptable: string[] | undefined): Problem {
    return problem('client-cert-required', 'error',
      'The server requires a client certificate (mutual TLS) and none was presented, so it aborts the handshake: browsers show ERR_BAD_SSL_CLIENT_AUTH_CERT (or ask you to pick a certificate); .NET HttpClient throws \'The SSL connection could not be established\'; Node fails with a certificate_required / handshake_failure alert.'
      + (acceptable && acceptable.length ? ` The server accepts certificates issued by: ${acceptable.join('; ')}.` : '')
      + ' Configure a client certificate for this endpoint.',
      ['configure-client-certificate']);
  },

  clientCertRequiredByApplication(status: number, acceptable: string[] | undefined): Problem {
    return problem('client-cert-required', 'error',
      `The server asks for a client certificate; without one the TLS handshake succeeds but the application answers HTTP ${status}: browsers show the error page, .NET HttpClient gets ${status} (handlers that read the certificate never run).`
      + (acceptable && acceptable.length ? ` The server names these issuers: ${acceptable.join('; ')}.` : '')
      + ' Configure a client certificate for this endpoint.',
      ['configure-client-certificate']);
  },

  clientCertRejected(label: string, how: string, reasons: string[]): Problem {
    return problem('client-cert-rejected', 'error',
      `The server refused the client certificate ${label} (${how}): browsers show ERR_BAD_SSL_CLIENT_AUTH_CERT; .NET HttpClient throws 'The SSL connection could not be established'.`
      + (reasons.length ? ` Likely why: ${reasons.join(' ')}` : ' The certificate itself looks valid: the server probably does not trust its issuer or does not allow its thumbprint.'),
      ['configure-client-certificate']);
  },

  notListening(host: string, port: number, detail: string): Problem {
    return problem('not-listening', 'error',
      `Nothing is listening on ${host}:${port} (${detail}): browsers show ERR_CONNECTION_REFUSED. Start the server, or check the port it was configured with.`,
      ['start-server']);
  },

  notTls(host: string, port: number, detail: string): Problem {
    return problem('not-tls', 'error',
      `${host}:${port} answers, but not with TLS (${detail}): is it an http:// endpoint, or is HTTPS not configured on it? Browsers show ERR_SSL_PROTOCOL_ERROR; .NET HttpClient throws 'The SSL connection could not be established'; Node fails with "wrong version number".`,
      ['bind', 'start-server']);
  },

  reset(host: string, port: number, detail: string): Problem {
    return problem('reset', 'error',
      `The connection to ${host}:${port} was reset during the TLS handshake (${detail}): browsers show ERR_CONNECTION_RESET. For IIS Express and http.sys this usually means no certificate is bound to the port (netsh http show sslcert).`,
      ['bind', 'regenerate']);
  },

  handshakeFailed(host: string, port: number, detail: string): Problem {
    // No dedicated code for this in the public contract: an aborted handshake reads to users like a reset.
    return problem('reset', 'error',
      `The server on ${host}:${port} aborted the TLS handshake (${detail}): browsers show ERR_SSL_PROTOCOL_ERROR or ERR_SSL_VERSION_OR_CIPHER_MISMATCH.`,
      ['bind', 'regenerate']);
  },

  timeout(host: string, port: number, ms: number, detail: string): Problem {
    return problem('timeout', 'error',
      `${host}:${port} accepted the connection but did not complete a TLS handshake within ${ms} ms (${detail}): the process may be hung or paused at a breakpoint, or it is not an HTTPS server. Browsers keep loading, then show ERR_TIMED_OUT.`,
      ['start-server']);
  },

  untrustedByNode(): Problem {
    return problem('untrusted-by-node', 'warning',
      'The system trusts this certificate but Node.js does not (Node ignores the OS store): Node clients — dev-server proxies, fetch, npm scripts — fail with UNABLE_TO_VERIFY_LEAF_SIGNATURE or SELF_SIGNED_CERT_IN_CHAIN. Point NODE_EXTRA_CA_CERTS at the CA certificate.',
      ['trust']);
  },

  /** `databases`: the labels of the browser NSS databases that do not trust the chain. */
  untrustedByBrowsers(databases: string[]): Problem {
    const which = databases.length === 1 ? `this browser NSS database does not: ${databases[0]}` : `these browser NSS databases do not: ${databases.join(', ')}`;
    return problem('untrusted-by-browsers', 'error',
      `The system trusts this certificate but ${which}. Chrome, Chromium and Edge on Linux show NET::ERR_CERT_AUTHORITY_INVALID, Firefox SEC_ERROR_UNKNOWN_ISSUER.`,
      ['trust']);
  },
};

/** Short phrases used inside messages. */
export const phrases = {
  incompleteGap: (sent: string) => `the server does send ${sent}, which chains to a trusted root`,
  incompletePool: (where: string) => `the missing intermediate is known locally (${where}) and completes a path to a trusted root`,
};

export const clientCertificateMessages = {
  expired: (notAfter: string) => `The client certificate expired on ${notAfter.slice(0, 10)}.`,
  notYetValid: (notBefore: string) => `The client certificate is not valid before ${notBefore.slice(0, 10)}.`,
  missingClientAuth: (eku: string[]) => `The client certificate is not meant for client authentication: its extended key usage is ${eku.join(', ')}, without clientAuth (1.3.6.1.5.5.7.3.2).`,
  issuerNotAccepted: (issuer: string, accepted: string[]) => `It was issued by ${issuer}, but the server accepts only certificates issued by ${accepted.join('; ')}.`,
  chainNotSent: (issuer: string) => `Its issuer (${issuer}) is not included with it, so a server that only knows the root cannot build the chain.`,
  selfSignedRevocation: () => 'It is self-signed: a server that checks revocation online (ASP.NET Core\'s default X509RevocationMode.Online) rejects it — development servers must set RevocationMode = NoCheck for it, and allow it by thumbprint or with AllowedCertificateTypes = SelfSigned.',
  http: (status: number) => status === 403 || status === 401
    ? `The TLS handshake with the client certificate succeeded; the application answered HTTP ${status}, which is an authorization decision (e.g. a thumbprint allow-list), not a TLS rejection.`
    : `The TLS handshake with the client certificate succeeded; the application answered HTTP ${status}.`,
};

/** What is wrong, in two or three words, for the one-sentence form (`problemHeadline`). */
const CAUSE: Record<ProblemCode, string> = {
  'self-signed': 'self-signed, not trusted',
  'unknown-issuer': 'issuer not trusted',
  'incomplete-chain': 'intermediate certificate not sent',
  'expired': 'expired',
  'not-yet-valid': 'not valid yet',
  'expiring-soon': 'expires soon',
  'name-mismatch': 'issued for another name',
  'weak-signature': 'weak signature',
  'weak-key': 'key too small',
  'untrusted-by-node': 'not in Node\'s trusted certificates',
  'untrusted-by-browsers': 'not in the browsers\' trust store',
  'legacy-protocol': 'only TLS older than 1.2',
  'weak-key-exchange': 'no key exchange they accept',
  'malformed-certificate': 'the certificate cannot be parsed',
  'oversized-chain': 'certificate chain too large',
  'platform-rules': 'outside Apple\'s rules for TLS certificates',
  'client-cert-required': 'a client certificate is required',
  'client-cert-rejected': 'the client certificate is refused',
  'not-tls': 'it does not speak TLS',
  'reset': 'the handshake is cut off',
  'timeout': 'no TLS answer in time',
  'not-listening': 'nothing is listening',
};

/** Who a client id is in a short sentence. */
const SHORT_CLIENT: Record<ClientId, (platform: NodeJS.Platform) => string> = {
  browsers: () => 'Browsers',
  node: () => 'Node',
  system: p => p === 'win32' ? '.NET' : p === 'darwin' ? 'Safari/curl' : 'curl/.NET',
};

/**
 * One short sentence per problem, for diagnostics, the status pick list and notifications: who fails and
 * why ("Browsers and Node refuse it: self-signed, not trusted."). The long message (each client's error
 * name, what to do) is for the hover and the details only.
 */
export function problemHeadline(p: Pick<Problem, 'code' | 'affects'>, platform: NodeJS.Platform = process.platform): string {
  const cause = CAUSE[p.code] ?? p.code;
  const order: ClientId[] = ['browsers', 'node', 'system'];
  const who = order.filter(c => p.affects?.includes(c)).map(c => SHORT_CLIENT[c](platform));
  if (who.length === 0) return `${cause[0].toUpperCase()}${cause.slice(1)}.`;
  const list = who.length === 1 ? who[0] : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`;
  return `${list} refuse${who.length === 1 ? 's' : ''} it: ${cause}.`;
}

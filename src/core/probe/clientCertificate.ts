/**
 * The client certificate side of mTLS: open what the user configured (PFX or PEM pair) with errors that
 * name the file instead of OpenSSL's "mac verify failure", and say what is wrong with the certificate
 * itself when a server refuses it: dates, the clientAuth EKU, the issuer the server said it accepts,
 * a chain that is not sent, and the revocation trap of self-signed client certificates.
 */
import { createPrivateKey } from 'node:crypto';
import * as tls from 'node:tls';
import { CertificateFormatError, certificatesIn, inspectCertificate, keyMatchesCertificate, type ParsedCertificate, parsePfx } from '../certs';
import type { ClientCertificateInput } from './types';
import { clientCertificateLoadMessages as M } from './phrases';

/** A client certificate that cannot be used as given. The message names the file, never the password. */
export class ClientCertificateUnusableError extends Error {}

export interface LoadedClientCertificate {
  /** The certificate presented, then any chain certificates included with it. */
  certificates: ParsedCertificate[];
  /** Options for tls.createSecureContext. */
  contextOptions: tls.SecureContextOptions;
  label: string;
}

const labelOf = (input: ClientCertificateInput) => input.label ?? 'the client certificate';

/** The certificates inside a PFX, the one that goes with the key first (the repair engine's reader). */
function certificatesFromPfx(input: ClientCertificateInput): Buffer[] {
  const label = labelOf(input);
  try {
    const bundle = parsePfx(input.pfx!, input.passphrase ?? '', label);
    return [bundle.certDer, ...bundle.chainDer];
  } catch (err) {
    if (!(err instanceof CertificateFormatError)) throw err;
    if (err.reason === 'wrong-password') throw new ClientCertificateUnusableError(M.wrongPassword(label));
    if (err.reason === 'no-certificate') throw new ClientCertificateUnusableError(M.noCertificate(label));
    throw new ClientCertificateUnusableError(M.notPfx(label));
  }
}

/** Open the configured certificate; throws ClientCertificateUnusableError with a message fit for users. */
export function openClientCertificate(input: ClientCertificateInput): LoadedClientCertificate {
  const label = labelOf(input);
  let ders: Buffer[];
  let contextOptions: tls.SecureContextOptions;
  if (input.pfx) {
    ders = certificatesFromPfx(input);
    contextOptions = { pfx: input.pfx, passphrase: input.passphrase };
  } else if (input.cert) {
    ders = certificatesIn(input.cert);
    if (ders.length === 0) throw new ClientCertificateUnusableError(M.noCertificate(label));
    const keyText = input.key ?? input.cert; // a PEM file may hold both
    let key;
    try { key = createPrivateKey({ key: keyText, passphrase: input.passphrase }); } catch (err) {
      const msg = (err as Error).message;
      if (/passphrase|bad decrypt/i.test(msg)) throw new ClientCertificateUnusableError(M.wrongPassword(label));
      throw new ClientCertificateUnusableError(M.noKey(label));
    }
    if (!keyMatchesCertificate(ders[0], key)) throw new ClientCertificateUnusableError(M.keyMismatch(label));
    contextOptions = { cert: input.cert, key: keyText, passphrase: input.passphrase };
  } else {
    throw new ClientCertificateUnusableError(M.noCertificate(label));
  }
  const certificates = ders.map(d => {
    try { return inspectCertificate(d); } catch (err) { throw new ClientCertificateUnusableError(M.unreadable(label, (err as Error).message)); }
  });
  // Let OpenSSL open it too, so a format only it rejects is reported here rather than mid-probe.
  try { tls.createSecureContext(contextOptions); } catch (err) {
    const msg = (err as Error).message;
    throw new ClientCertificateUnusableError(/mac verify|password|decrypt/i.test(msg) ? M.wrongPassword(label) : M.unreadable(label, msg));
  }
  return { certificates, contextOptions, label };
}


/** The DER of the certificate presented, for the X-ARR-ClientCert forwarding header. */
export function presentedCertificateDer(loaded: LoadedClientCertificate): Buffer {
  return loaded.certificates[0].der;
}

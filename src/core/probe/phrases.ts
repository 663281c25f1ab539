/** The probe's own words: what the transport did, and why a client certificate could not be loaded. */

export const transportPhrases = {
  refused: 'connection refused',
  hostNotFound: (host: string) => `${host} does not resolve`,
  closedSilently: 'it closed the connection without answering the TLS handshake',
  answered: (text: string) => `it answered ${JSON.stringify(text)}`,
  nonTlsBytes: 'it answered with bytes that are not a TLS record',
  noAnswer: 'no answer at all',
  stalled: (bytes: number) => `the handshake stalled after ${bytes} bytes`,
  alert: (name: string) => `TLS alert ${name}`,
  closedAfterHandshake: 'it closed the connection right after the handshake',
  resetAfterHandshake: 'it reset the connection right after the handshake',
  oversized: (bytes: number) => `its handshake message (the certificate chain) is larger than the 100 KB OpenSSL reads; ${bytes} bytes had arrived`,
};

export const clientCertificateLoadMessages = {
  wrongPassword: (label: string) => `Could not open ${label}: wrong password (or the file is damaged).`,
  notPfx: (label: string) => `Could not open ${label} as a PFX/PKCS#12 file: it is damaged, or not a PFX.`,
  noCertificate: (label: string) => `${label} contains no certificate.`,
  noKey: (label: string) => `Could not read the private key for ${label}: give --client-key (PEM), or a PFX that holds the key.`,
  keyMismatch: (label: string) => `The private key given for ${label} does not belong to that certificate.`,
  unreadable: (label: string, detail: string) => `Could not read ${label}: ${detail}`,
};

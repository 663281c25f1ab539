// dist/forge.js: the part of node-forge src/core/certs/pfxRead.ts uses — PKCS#12 decoding (ASN.1, the
// PBE ciphers 3DES/RC2/AES with PBKDF2, HMAC, X.509 and RSA key models) and every MAC digest a PFX may
// name — not forge's TLS, SSH, ed25519, prime generation or HTTP clients (a third of the package).
const forge = require('node-forge/lib/forge');
require('node-forge/lib/pkcs12');
require('node-forge/lib/md.all');
module.exports = forge;

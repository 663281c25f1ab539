/**
 * Opening a PKCS#12 file with node-forge: the one place forge is used, because reading must accept
 * every profile tools write (legacy 3DES/RC2 bags included), which Node's crypto cannot decrypt on its
 * own. formats.ts `require`s this file only when a PFX is read, and the bundles load forge from its own
 * file (dist/forge.js), so a check or a generation never parses or runs forge.
 */
import forge from 'node-forge';

/** The file could not be opened: a wrong password, or not a readable PFX. */
export class PfxOpenError extends Error {
  constructor(message: string, readonly wrongPassword: boolean) { super(message); }
}

export interface DecodedPfx {
  certs: { der: Buffer; keyId?: string; name?: string }[];
  /** PKCS#8 PrivateKeyInfo, decrypted. */
  keyDer?: Buffer;
  keyId?: string;
  friendlyName?: string;
}

const bin = (b: Buffer) => b.toString('binary');
const fromBin = (s: string) => Buffer.from(s, 'binary');

export function decodePfx(data: Buffer, password: string): DecodedPfx {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bin(data)), false, password);
  } catch (err) {
    const msg = (err as Error).message;
    throw new PfxOpenError(msg, /password|Invalid password|decrypt/i.test(msg));
  }
  const out: DecodedPfx = { certs: [] };
  for (const content of p12.safeContents) {
    for (const bag of content.safeBags) {
      const attrs = bag.attributes as Record<string, string[] | undefined>;
      const raw = (bag as unknown as { asn1?: forge.asn1.Asn1 }).asn1;
      if (bag.type === forge.pki.oids.certBag && bag.cert) {
        const der = fromBin(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes());
        out.certs.push({ der, keyId: attrs.localKeyId?.[0], name: attrs.friendlyName?.[0] });
      } else if (bag.type === forge.pki.oids.certBag && raw) {
        // forge leaves certificates it cannot model (ECDSA keys) as ASN.1: take their bytes as they are.
        out.certs.push({ der: fromBin(forge.asn1.toDer(raw).getBytes()), keyId: attrs.localKeyId?.[0], name: attrs.friendlyName?.[0] });
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // forge decrypted the key bag; its PrivateKeyInfo is handed to Node, which knows every key type.
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : raw!;
        out.keyDer = fromBin(forge.asn1.toDer(info).getBytes());
        out.keyId = attrs.localKeyId?.[0];
        out.friendlyName ??= attrs.friendlyName?.[0];
      }
    }
  }
  return out;
}

/**
 * A browser's NSS certificate database (cert9.db) read from its file: every certificate in it and
 * whether NSS trusts it for TLS servers — what `certutil -L` shows as C (a trusted CA) or P (a trusted
 * peer) in its SSL column. certutil is a process of its own (~7 ms, longer than a check's handshake) and
 * often not installed (libnss3-tools); the file is SQLite, read by sqliteTable.ts.
 *
 * The table `nssPublic` holds PKCS#11 objects, one per row, with a column per attribute named "a" and
 * the attribute type in hex; NSS stores every value as bytes, a CK_ULONG as 4 bytes big-endian.
 * A certificate (CKO_CERTIFICATE) has its DER in CKA_VALUE; its trust is a separate object
 * (CKO_NSS_TRUST) naming the certificate by its SHA-1 hash, or by issuer and serial number.
 */
import { createHash } from 'node:crypto';
import { readSqliteTable, SqliteReadError } from './sqliteTable';

const CKO_CERTIFICATE = 0x1;
const CKO_NSS_TRUST = 0xce534353;
/** CKA_TRUST_SERVER_AUTH values that make a certificate an anchor: a trusted peer (P), a trusted CA (C). */
const CKT_NSS_TRUSTED = 0xce534351;
const CKT_NSS_TRUSTED_DELEGATOR = 0xce534352;

const COLUMNS = {
  class: 'a0', // CKA_CLASS
  label: 'a3', // CKA_LABEL: certutil's nickname
  value: 'a11', // CKA_VALUE: the certificate's DER
  issuer: 'a81', // CKA_ISSUER
  serial: 'a82', // CKA_SERIAL_NUMBER
  serverAuth: 'ace536358', // CKA_TRUST_SERVER_AUTH
  sha1: 'ace5363b4', // CKA_CERT_SHA1_HASH
} as const;

/** NSS writes an attribute that is present but empty as these bytes. */
const EXPLICIT_NULL = Buffer.from([0xa5, 0x00, 0x5a]);

export interface NssCertificate {
  der: Buffer;
  nickname: string;
  /** Trusted for TLS servers (certutil's C or P in the SSL column). */
  trustedForServers: boolean;
}

/** Throws SqliteReadError when the file is not a database this reader understands. */
export function readNssCertDb(file: Buffer): NssCertificate[] {
  const table = readSqliteTable(file, 'nssPublic');
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([k, c]) => [k, table.columns.indexOf(c)])) as Record<keyof typeof COLUMNS, number>;
  if (index.class < 0 || index.value < 0) throw new SqliteReadError('nssPublic has no class or value column');
  const bytesOf = (row: unknown[], column: number): Buffer | undefined => {
    const v = column >= 0 ? row[column] : undefined;
    return Buffer.isBuffer(v) && !v.equals(EXPLICIT_NULL) ? v : undefined;
  };
  const ulongOf = (row: unknown[], column: number): number | undefined => {
    const v = bytesOf(row, column);
    return v?.length === 4 ? v.readUInt32BE() : undefined;
  };
  const byIssuerSerial = (issuer?: Buffer, serial?: Buffer) => issuer && serial ? `${issuer.toString('hex')}/${serial.toString('hex')}` : undefined;

  // Trust objects that make a certificate an anchor, as NSS finds them: by issuer and serial number,
  // and then only when their SHA-1 hash (if they have one) is the certificate's.
  const trusts: { issuerSerial?: string; sha1?: string }[] = [];
  const certificates: { der: Buffer; nickname: string; issuerSerial?: string }[] = [];
  for (const row of table.rows) {
    const kind = ulongOf(row, index.class);
    if (kind === CKO_CERTIFICATE) {
      const der = bytesOf(row, index.value);
      if (der) certificates.push({ der, nickname: bytesOf(row, index.label)?.toString('utf8') ?? '', issuerSerial: byIssuerSerial(bytesOf(row, index.issuer), bytesOf(row, index.serial)) });
    } else if (kind === CKO_NSS_TRUST) {
      const serverAuth = ulongOf(row, index.serverAuth);
      if (serverAuth !== CKT_NSS_TRUSTED && serverAuth !== CKT_NSS_TRUSTED_DELEGATOR) continue;
      const issuerSerial = byIssuerSerial(bytesOf(row, index.issuer), bytesOf(row, index.serial));
      const sha1 = bytesOf(row, index.sha1)?.toString('hex');
      if (issuerSerial || sha1) trusts.push({ issuerSerial, sha1 });
    }
  }
  return certificates.map(c => {
    const sha1 = createHash('sha1').update(c.der).digest('hex');
    const trustedForServers = trusts.some(t =>
      (t.issuerSerial === undefined || t.issuerSerial === c.issuerSerial) && (t.sha1 === undefined || t.sha1 === sha1));
    return { der: c.der, nickname: c.nickname, trustedForServers };
  });
}

/**
 * Parser for what the Windows store queries print: `Get-ChildItem Cert:\<Location>\<Store> | ... |
 * Select-Object Thumbprint,Subject,NotAfter,FriendlyName,HasPrivateKey | ConvertTo-Json -Compress`.
 * JSON is used because it is the same in every display language (the text table is not).
 * ConvertTo-Json prints nothing for no match, one object for one match and an array for several.
 * Windows PowerShell 5.1 writes a DateTime as the string "\/Date(1767225599000)\/" (JSON.parse turns
 * "\/" into "/"); PowerShell 7 writes ISO 8601; an unselected DateTime can also arrive wrapped as
 * { "value": ..., "DateTime": "<localized text>" }.
 */

export interface WindowsCertEntry {
  /** Upper-case hex SHA-1, as Windows shows it. */
  thumbprint: string;
  subject: string;
  notAfter?: Date;
  friendlyName: string;
  hasPrivateKey: boolean;
  /** The certificate (DER, base64) when the query selected RawData. */
  rawData?: string;
}

export function parsePowerShellDate(value: unknown): Date | undefined {
  if (value && typeof value === 'object' && 'value' in value) return parsePowerShellDate((value as { value: unknown }).value);
  if (typeof value !== 'string') return undefined;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  if (ms) return new Date(Number(ms[1]));
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parseWindowsCertJson(stdout: string): WindowsCertEntry[] {
  const text = stdout.replace(/^\ufeff/, '').trim();
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`could not read the certificate store query output as JSON (${(err as Error).message}): ${text.slice(0, 200)}`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.filter((i): i is Record<string, unknown> => !!i && typeof i === 'object').map(i => ({
    thumbprint: String(i.Thumbprint ?? '').toUpperCase(),
    subject: String(i.Subject ?? ''),
    notAfter: parsePowerShellDate(i.NotAfter),
    friendlyName: typeof i.FriendlyName === 'string' ? i.FriendlyName : '',
    hasPrivateKey: i.HasPrivateKey === true,
    ...(typeof i.RawData === 'string' && /^[A-Za-z0-9+/=]+$/.test(i.RawData) ? { rawData: i.RawData } : {}),
  }));
}

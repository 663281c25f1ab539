/**
 * Input checks shared by the binding targets. Every value that ends up inside a netsh / PowerShell
 * argument is validated here first, so a bad port or a thumbprint pasted with hidden characters fails
 * with a message a user can act on instead of an opaque tool error half-way through an elevated script.
 */

/** Thrown for inputs a binding cannot be planned with; the message is fit for users. */
export class BindInputError extends Error {
  override readonly name = 'BindInputError';
}

/** The port range IIS Express reserves for SSL (its installer binds these in http.sys). */
export const IIS_EXPRESS_SSL_PORT_MIN = 44300;
export const IIS_EXPRESS_SSL_PORT_MAX = 44399;

/** The application id IIS Express registers its http.sys SSL bindings under. */
export const IIS_EXPRESS_APP_ID = '{214124cd-d05b-4309-9af9-9caa44b2b74a}';

export function validatePort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BindInputError(`"${String(port)}" is not a valid TCP port: use a whole number from 1 to 65535.`);
  }
  return port;
}

export function isIisExpressSslPort(port: number): boolean {
  return port >= IIS_EXPRESS_SSL_PORT_MIN && port <= IIS_EXPRESS_SSL_PORT_MAX;
}

/** A note (not an error): IIS Express only serves SSL without elevation on its reserved range. */
export function iisExpressPortWarning(port: number): string | undefined {
  if (isIisExpressSslPort(port)) return undefined;
  return `Port ${port} is outside ${IIS_EXPRESS_SSL_PORT_MIN}–${IIS_EXPRESS_SSL_PORT_MAX}, the range IIS Express `
    + 'expects its SSL ports in: IIS Express run without elevation may still fail to use this binding.';
}

/** Every port of the IIS Express SSL range, in order. */
export function iisExpressSslPorts(): number[] {
  const ports: number[] = [];
  for (let p = IIS_EXPRESS_SSL_PORT_MIN; p <= IIS_EXPRESS_SSL_PORT_MAX; p++) ports.push(p);
  return ports;
}

// Copying a thumbprint from the Windows certificate dialog famously brings an invisible U+200E (and
// sometimes U+200F / U+FEFF) along; netsh then rejects it with "The parameter is incorrect".
const INVISIBLE = /[\u200e\u200f\u202a-\u202e\ufeff]/g;

/** Normalise a SHA-1 thumbprint to 40 upper-case hex digits (spaces and colons allowed in the input). */
export function validateThumbprint(input: unknown): string {
  if (typeof input !== 'string') throw new BindInputError('A certificate thumbprint is required.');
  const hadInvisible = INVISIBLE.test(input);
  const cleaned = input.replace(INVISIBLE, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{40}$/.test(cleaned)) {
    const hint = hadInvisible ? ' (it also contained invisible characters, as copied from the Certificates dialog)' : '';
    throw new BindInputError(
      `"${input.replace(INVISIBLE, '')}" is not a SHA-1 thumbprint: expected 40 hexadecimal digits${hint}.`);
  }
  return cleaned.toUpperCase();
}

/** Normalise an application id to `{lower-case-guid}`, the form netsh prints. */
export function validateAppId(input: unknown): string {
  const m = typeof input === 'string'
    ? /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/.exec(input.trim())
    : null;
  if (!m) throw new BindInputError(`"${String(input)}" is not an application id: expected a GUID like ${IIS_EXPRESS_APP_ID}.`);
  return `{${m[1].toLowerCase()}}`;
}

/**
 * The settings of an http.sys SSL binding beyond its certificate hash and application id — the store
 * the certificate is read from, how client certificates are checked, the newer per-binding TLS switches —
 * as the parameters `netsh http add sslcert` takes. A binding is replaced by deleting it and adding
 * another, and whatever the add does not name is reset to netsh's default: so the binding that was there
 * is recorded with these settings and put back with them, and a binding of ours keeps the port's
 * client-certificate settings.
 *
 * Names, order and defaults: Microsoft's `add sslcert` reference (the ten documented parameters after
 * certhash and appid, printed by `show sslcert` in that order since Windows Vista) and netsh's own usage
 * text on current Windows (the switches, each printed only by the builds that have it).
 */
import { BindInputError } from './validate';

type Shape = 'flag' | 'uint' | 'name';

/** The documented parameters after certhash and appid, in the order `netsh http show sslcert` prints them. */
export const DOCUMENTED_SSLCERT_PARAMS = [
  { name: 'certstorename', shape: 'name' },
  { name: 'verifyclientcertrevocation', shape: 'flag' },
  { name: 'verifyrevocationwithcachedclientcertonly', shape: 'flag' },
  { name: 'usagecheck', shape: 'flag' },
  { name: 'revocationfreshnesstime', shape: 'uint' },
  { name: 'urlretrievaltimeout', shape: 'uint' },
  { name: 'sslctlidentifier', shape: 'name' },
  { name: 'sslctlstorename', shape: 'name' },
  { name: 'dsmapperusage', shape: 'flag' },
  { name: 'clientcertnegotiation', shape: 'flag' },
] as const satisfies readonly { name: string; shape: Shape }[];

/**
 * The newer switches, with the English label netsh prints for each. Which of them a build prints, and so
 * their positions, differ from build to build: unlike the documented ten they cannot be told apart by
 * order, only by label. Each is off unless set, so only a set one is recorded (`=enable`).
 */
export const SSLCERT_SWITCHES = [
  { name: 'reject', label: 'Reject Connections' },
  { name: 'disablehttp2', label: 'Disable HTTP2' },
  { name: 'disablequic', label: 'Disable QUIC' },
  { name: 'disabletls12', label: 'Disable TLS1.2' },
  { name: 'disabletls13', label: 'Disable TLS1.3' },
  { name: 'disableocspstapling', label: 'Disable OCSP Stapling' },
  { name: 'enabletokenbinding', label: 'Enable Token Binding' },
  { name: 'logextendedevents', label: 'Log Extended Events' },
  { name: 'disablelegacytls', label: 'Disable Legacy TLS Versions' },
  { name: 'enablesessionticket', label: 'Enable Session Ticket' },
  { name: 'disablesessionid', label: 'Disable Session ID' },
] as const;

export type SslcertParam = typeof DOCUMENTED_SSLCERT_PARAMS[number]['name'] | typeof SSLCERT_SWITCHES[number]['name'];

/** Parameter → value as netsh takes it (`enable`/`disable`, a number, a store or list name), in netsh's order. */
export type SslcertSettings = Partial<Record<SslcertParam, string>>;

const SHAPES = new Map<string, Shape>([
  ...DOCUMENTED_SSLCERT_PARAMS.map(p => [p.name, p.shape] as [string, Shape]),
  ...SSLCERT_SWITCHES.map(p => [p.name, 'flag'] as [string, Shape]),
]);
const ORDER = [...SHAPES.keys()];

/**
 * A store or certificate-trust-list name goes into one `name=value` argument of netsh (through
 * PowerShell 5.1 in the elevated script): letters, digits and `_ . -` only, so no quoting can change it.
 */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Does `value` have the shape `param` takes? */
export function sslcertValueFits(param: string, value: string): boolean {
  switch (SHAPES.get(param)) {
    case 'flag': return value === 'enable' || value === 'disable';
    case 'uint': return /^\d{1,10}$/.test(value) && Number(value) <= 0xffffffff;
    case 'name': return NAME.test(value);
    default: return false;
  }
}

/** The `name=value` arguments of `netsh http add|update sslcert` for these settings, in netsh's order. */
export function sslcertArgs(settings: SslcertSettings): string[] {
  return ORDER.filter(p => settings[p as SslcertParam] !== undefined).map(p => `${p}=${settings[p as SslcertParam]}`);
}

/**
 * Settings read back from the ledger (a fact someone could have edited): every parameter known and every
 * value of its shape, or BindInputError — never an argument netsh was not meant to get.
 */
export function validateSslcertSettings(input: unknown): SslcertSettings {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BindInputError('the recorded binding settings are not a list of netsh parameters');
  const out: SslcertSettings = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v !== 'string' || !sslcertValueFits(k, v)) throw new BindInputError(`the recorded binding setting ${JSON.stringify(k)}=${JSON.stringify(v)} is not one netsh takes`);
    out[k as SslcertParam] = v;
  }
  return out;
}

/** netsh's defaults for what a binding made without them gets (IisExpressAdminCmd makes them so). */
const DEFAULTS: SslcertSettings = {
  certstorename: 'MY', verifyclientcertrevocation: 'enable', verifyrevocationwithcachedclientcertonly: 'disable',
  usagecheck: 'enable', dsmapperusage: 'disable', clientcertnegotiation: 'disable',
};

/** The settings that differ from what a binding made with defaults has, as `name=value` (store names compared as Windows does, ignoring case). */
export function nonDefaultSslcertArgs(settings: SslcertSettings): string[] {
  return sslcertArgs(Object.fromEntries(Object.entries(settings).filter(([k, v]) => {
    const d = DEFAULTS[k as SslcertParam];
    return d === undefined ? true : d.toLowerCase() !== v.toLowerCase();
  })) as SslcertSettings);
}

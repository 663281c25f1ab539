/**
 * Settings arrive from a client we do not control (initializationOptions, workspace/configuration,
 * the legacy didChangeConfiguration push). Whatever shape they have, the server gets sane values:
 * a wrong type falls back to the default, numbers are clamped, nothing throws.
 */
import { DEFAULT_SERVER_SETTINGS, type ClientCertificateSetting, type ServerSettings } from '../protocol';

function isObject(v: unknown): v is Record<string, unknown> { return typeof v === 'object' && v !== null && !Array.isArray(v); }

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
}

function clientCertificates(v: unknown): Record<string, ClientCertificateSetting> {
  const out: Record<string, ClientCertificateSetting> = {};
  if (!isObject(v)) return out;
  for (const [key, e] of Object.entries(v)) {
    if (!isObject(e)) continue;
    const c: ClientCertificateSetting = {};
    for (const k of ['pfx', 'cert', 'key', 'requestPath'] as const) if (typeof e[k] === 'string') c[k] = e[k] as string;
    if (typeof e.forwardHeader === 'boolean') c.forwardHeader = e.forwardHeader;
    // A password in settings is refused by the loader; it is dropped here so it is never even held.
    out[key.trim()] = c;
  }
  return out;
}

/**
 * Accepts both the flat `ServerSettings` shape (initializationOptions) and VS Code's configuration
 * shape for section `devcertDoctor` (where `diagnostics.enable` is nested).
 */
export function normalizeSettings(raw: unknown, base: ServerSettings = DEFAULT_SERVER_SETTINGS): ServerSettings {
  if (!isObject(raw)) return { ...base };
  const diagnostics = isObject(raw.diagnostics) ? raw.diagnostics : {};
  const enable = typeof raw.diagnosticsEnable === 'boolean' ? raw.diagnosticsEnable
    : typeof diagnostics.enable === 'boolean' ? diagnostics.enable : base.diagnosticsEnable;
  return {
    timeoutMs: num(raw.timeoutMs, base.timeoutMs, 100, 60_000),
    expiringSoonDays: num(raw.expiringSoonDays, base.expiringSoonDays, 0, 3650),
    diagnosticsEnable: enable,
    endpoints: Array.isArray(raw.endpoints) ? raw.endpoints.filter((e): e is string => typeof e === 'string') : [...base.endpoints],
    clientCertificates: isObject(raw.clientCertificates) ? clientCertificates(raw.clientCertificates) : { ...base.clientCertificates },
  };
}

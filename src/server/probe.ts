/**
 * The server's seam to the probe engine (src/core/check.ts `checkEndpoints`): one call that takes the
 * endpoints to handshake with and returns a verdict per endpoint, in order. The cache, the backoff and
 * the diagnostics only know this signature.
 */
import type { DeclaredEndpoint } from '../core/endpoints/types';
import type { ClientCertificateInput, EndpointVerdict } from '../core/probe/types';
import { interimCheck } from './probeInterim';

export interface ProbeTarget {
  endpoint: DeclaredEndpoint;
  clientCertificate?: ClientCertificateInput;
  requestPath?: string;
  forwardClientCertHeader?: boolean;
}

export interface CheckSettings { timeoutMs: number; expiringSoonDays: number; concurrency: number }

export type CheckFn = (targets: ProbeTarget[], settings: CheckSettings) => Promise<EndpointVerdict[]>;

export const checkTargets: CheckFn = interimCheck;

/**
 * What activate() returns. Read-only state for anyone; the responder hook (answers modals without a
 * click) only in development and test runs, so an installed extension cannot be driven by another one.
 */
import type { EndpointVerdict } from '../core/check';
import type { GateOutcome } from './gate';
import type { NotificationRecord, Responder } from './output';
import type { StatusBarSnapshot } from './status';

export interface DevCertDoctorApi {
  /** How long activate() took, in ms. */
  readonly activationMs: number;
  lastGateOutcome(): GateOutcome | undefined;
  statusBarState(): StatusBarSnapshot;
  verdicts(): EndpointVerdict[];
  notifications(): readonly NotificationRecord[];
  clearNotifications(): void;
  /** Resolves when no workspace check is running. */
  whenIdle(): Promise<void>;
  /** Test/development runs only: answer notifications and modals programmatically. */
  setResponder?(responder: Responder | undefined): void;
}

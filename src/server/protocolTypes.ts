/**
 * The server's RequestType/NotificationType for each descriptor in `src/protocol.ts`, built from the
 * server's own copy of vscode-jsonrpc (the client builds its own; see the note in protocol.ts).
 */
import { NotificationType, RequestType } from 'vscode-languageserver/node';
import {
  CheckLaunchRequest, CheckNowRequest, ClientCertificateRequest, LookAgainNotification, ProbeRequest, VerdictsForRequest, VerdictsNotification,
  type NotificationSpec, type RequestSpec,
} from '../protocol';

function requestType<P, R>(spec: RequestSpec<P, R>): RequestType<P, R, void> { return new RequestType<P, R, void>(spec.method); }
function notificationType<P>(spec: NotificationSpec<P>): NotificationType<P> { return new NotificationType<P>(spec.method); }

export const checkNowType = requestType(CheckNowRequest);
export const verdictsForType = requestType(VerdictsForRequest);
export const probeType = requestType(ProbeRequest);
export const checkLaunchType = requestType(CheckLaunchRequest);
export const verdictsType = notificationType(VerdictsNotification);
export const clientCertificateType = requestType(ClientCertificateRequest);
export const lookAgainType = notificationType(LookAgainNotification);

/**
 * Room `output` — what the extension says: the log (a LogOutputChannel) and notifications (one place,
 * recorded for tests, with the remote-window caveat, control and bidi characters escaped). The lowest UI
 * room: imports only `vscode` and core's `io`.
 */
export { createLog, describeError, type Log } from './log';
export { Notifier, remoteCaveat, type NotificationKind, type NotificationRecord, type Responder } from './notifier';

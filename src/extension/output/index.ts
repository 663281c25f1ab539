/**
 * Room `output` — what the extension says: the log (a LogOutputChannel) and notifications (one place,
 * recorded for tests, with the remote-window caveat). The lowest UI room: imports only `vscode`.
 */
export { createLog, describeError, type Log } from './log';
export { Notifier, remoteCaveat, withRemoteCaveat, type NotificationKind, type NotificationRecord, type Responder } from './notifier';

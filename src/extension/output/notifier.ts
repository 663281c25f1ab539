/**
 * Every notification and modal the extension shows goes through here: one place that records what was
 * asked (the log, and the test API), escapes the control and bidi
 * characters that subjects and paths may carry (`notificationText`), and lets the extension-host tests
 * answer modals that would otherwise wait for a click forever.
 */
import * as vscode from 'vscode';
import type { Log } from './log';
import { displayText } from '../../core/io';
import { notificationText } from './notificationText';

export type NotificationKind = 'info' | 'warning' | 'error';

export interface NotificationRecord {
  kind: NotificationKind;
  message: string;
  detail?: string;
  modal: boolean;
  items: string[];
  /** The item chosen; undefined when dismissed (or not yet answered). */
  answer?: string;
  at: number;
}

/** Test hook: return the item to "click", or undefined to dismiss. */
export type Responder = (record: NotificationRecord) => string | undefined | Promise<string | undefined>;

const MAX_RECORDS = 100;

export class Notifier {
  private readonly records: NotificationRecord[] = [];
  private responder?: Responder;
  private readonly shown = new vscode.EventEmitter<NotificationRecord>();
  readonly onDidShow = this.shown.event;

  constructor(private readonly log: Log) {}

  setResponder(r: Responder | undefined): void { this.responder = r; }
  history(): readonly NotificationRecord[] { return this.records; }
  clear(): void { this.records.length = 0; }

  /**
   * `message` and `items` are shown as one line each. `detail` keeps its line breaks (a rendered plan, a
   * list): a caller that joins lines holding a peer's text escapes each line first (`displayText`).
   */
  async show(kind: NotificationKind, message: string, options: { modal?: boolean; detail?: string } = {},
    ...rawItems: string[]): Promise<string | undefined> {
    // Recorded, logged and shown as escaped; the answer is mapped back to the item the caller passed.
    const { message: shownMessage, detail, items } = notificationText(message, options.detail, rawItems);
    const record: NotificationRecord = { kind, message: shownMessage, detail, modal: !!options.modal, items, at: Date.now() };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.shift();
    this.log.info(`notify(${kind}${record.modal ? ', modal' : ''}): ${shownMessage}${items.length ? ` [${items.join(' | ')}]` : ''}`);
    this.shown.fire(record);
    let answer: string | undefined;
    if (this.responder) {
      answer = await this.responder(record);
    } else {
      const show = kind === 'error' ? vscode.window.showErrorMessage
        : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      answer = await show(shownMessage, { modal: record.modal, detail }, ...items);
    }
    record.answer = answer;
    if (answer) this.log.info(`notify: answered "${answer}"`);
    return answer === undefined ? undefined : rawItems[items.indexOf(answer)] ?? answer;
  }

  /** A progress notification; its title and messages (a plan's title, its steps' titles) escaped like every other. */
  progress<T>(title: string, task: (report: (message: string, increment: number) => void) => Thenable<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: displayText(title), cancellable: false },
      progress => task((message, increment) => progress.report({ message: displayText(message), increment })));
  }

  dispose(): void { this.shown.dispose(); }
}

/**
 * In a remote window (SSH, WSL, container, Codespaces) the probe runs on the remote machine, but the
 * browser that will open the page runs on the local one: its trust store is not the one checked.
 */
export function remoteCaveat(): string | undefined {
  const remote = vscode.env.remoteName;
  if (!remote) return undefined;
  return vscode.l10n.t('This window is connected to a remote ({0}): endpoints were checked there, but your browser runs on the local machine and its trust store was not checked.', remote);
}

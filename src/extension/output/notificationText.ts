/**
 * What a notification or modal shows, made safe: the message and the buttons are one line each, the
 * detail (a rendered plan, a list of problems) keeps its line breaks. Subjects, URLs and folder names
 * reach these texts from peers and workspaces; escaped here, every notification is covered at once.
 * Free of `vscode`, so it is unit-tested directly.
 */
import { displayLines, displayText } from '../../core/io';

export interface NotificationText { message: string; detail?: string; items: string[] }

export function notificationText(message: string, detail: string | undefined, items: readonly string[]): NotificationText {
  return {
    message: displayText(message),
    ...(detail !== undefined ? { detail: displayLines(detail) } : {}),
    items: items.map(displayText),
  };
}

/**
 * How discovery (and the language server, for the files discovery found) reads a workspace's file:
 * through io's `readBoundedFile` — a regular file whose real path is inside the workspace folder, at
 * most `maxBytes` — with the reason it was not read worded as a discovery warning. Names in the words
 * are the workspace's own, so they are shown escaped (`displayText`): a file named with ESC or a
 * newline cannot retitle a terminal or add a line.
 */
import * as path from 'node:path';
import { displayText, readBoundedFile, readBoundedFileSync, type BoundedRead } from '../io';

/** Configuration files are small; discovery skips anything longer (with a warning). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ContainedReadOptions {
  /** The workspace folder: files whose real path is not inside its real path are not read. */
  within: string;
  maxBytes: number;
}

/** The text (BOM dropped), or a warning message saying why it was not read. */
export type ContainedRead = { text: string; skipped?: undefined } | { text?: undefined; skipped: string };

export async function readContainedText(file: string, options: ContainedReadOptions): Promise<ContainedRead> {
  return worded(file, await readBoundedFile(file, options), options.maxBytes);
}

export function readContainedTextSync(file: string, options: ContainedReadOptions): ContainedRead {
  return worded(file, readBoundedFileSync(file, options), options.maxBytes);
}

/** A name as it appears in a warning: quoted, control and bidi characters escaped. */
export function shownName(p: string): string {
  return `"${displayText(p)}"`;
}

/** A link whose target is outside the workspace folder, naming both. */
export function leadsOutsideMessage(file: string, real: string): string {
  return `skipped: ${shownName(path.basename(file))} leads outside the workspace folder (to ${shownName(real)})`;
}

/** A FIFO, socket or device where discovery expected a configuration file, naming it. */
export function notRegularMessage(file: string, kind: string): string {
  return `skipped: ${shownName(path.basename(file))} is a ${kind}, not a regular file`;
}

function worded(file: string, read: BoundedRead, maxBytes: number): ContainedRead {
  if (read.bytes) {
    const text = read.bytes.toString('utf8');
    // Editors hide the BOM; dropping it keeps ranges on line 1 where the editor shows them.
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  const r = read.refused;
  const name = shownName(path.basename(file));
  switch (r.reason) {
    case 'outside': return { skipped: leadsOutsideMessage(file, r.real) };
    case 'not-regular': return { skipped: notRegularMessage(file, r.kind) };
    case 'too-large': return { skipped: `skipped: ${name} is larger than the ${maxBytes}-byte limit for configuration files` };
    case 'missing': return { skipped: `skipped: ${name} does not exist (or is a dangling link)` };
    // Node's message quotes the path raw: only its code is shown.
    case 'unreadable': return { skipped: `skipped: ${name} could not be read (${r.error.code ?? 'error'})` };
  }
}

/**
 * Text from a peer or a workspace (a certificate's subject, a SAN, a folder name, a URL, what a server
 * answered), made safe to show. A server picks its certificate's subject and a cloned repository picks
 * its folder names: shown raw in a terminal, ESC/BEL sequences retitle it or clear the screen, a newline
 * adds a line of the attacker's choosing to a plan the user is asked to approve, and bidi overrides
 * (U+202E) make text read differently from what it is. So every such string is shown with those
 * characters written out as escapes (`\x1b`, `\u202e`), at the place it is shown: the data itself
 * (verdicts, `check --json`, the ledger) keeps the exact value.
 *
 * Backslashes are not doubled, so escaping is idempotent: text that was escaped once (a rendered plan
 * shown again in the consent dialog) comes out unchanged.
 */

/**
 * C0 controls (with TAB, LF, CR), DEL, C1 controls; the bidi marks, embeddings, overrides and isolates
 * (U+061C, U+200E/F, U+202A–202E, U+2066–2069); zero-width and invisible format characters
 * (U+200B–200D, U+2060–206F, U+FEFF); the line and paragraph separators (U+2028/2029), which some
 * terminals and editors break lines at.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One line of text safe for a terminal, a dialog or a notification: every unsafe character escaped, newlines included. */
export function displayText(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * Text the tool itself broke into lines (a rendered plan, manual instructions): the line breaks are
 * kept, everything else is escaped as in `displayText` (CR too, so no line is overwritten).
 */
export function displayLines(s: string): string {
  return s.split('\n').map(displayText).join('\n');
}

/**
 * `displayText` for Markdown (hovers, the certificate details view, the status bar tooltip): also every
 * character Markdown would read as markup, so a subject can neither format nor link, nor break a table
 * row, nor smuggle a character back in as an HTML entity (`&#x202e;`).
 */
export function markdownText(s: string): string {
  return displayText(s).replace(/[\\`*_{}[\]<>()#+!|&~]/g, c => `\\${c}`);
}

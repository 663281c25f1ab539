/**
 * Setting keys in a `.env` file without disturbing anything else: comments, blank lines, order,
 * `export ` prefixes, spacing around `=`, the line ending, and every other key stay as they are.
 * A key that appears several times has every occurrence set (dotenv lets the last one win, other
 * loaders the first). Missing keys are appended at the end. Multi-line quoted values of a key being
 * replaced are replaced whole.
 */

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

/** Quote only when needed; single quotes keep backslashes (Windows paths) literal in dotenv. */
export function dotenvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+,=-]*$/.test(value)) return value;
  if (!value.includes("'") && !/[\r\n]/.test(value)) return `'${value}'`;
  return JSON.stringify(value);
}

/** The line count a value starting on this line spans (an opening quote without its closing one). */
function valueSpan(lines: string[], start: number, value: string): number {
  const q = value[0];
  if (q !== '"' && q !== "'" && q !== '`') return 1;
  if (value.length > 1 && value.slice(1).includes(q)) return 1;
  for (let i = start + 1; i < lines.length; i++) if (lines[i].includes(q)) return i - start + 1;
  return 1;
}

export function setDotenvValues(text: string, values: Record<string, string>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.length ? text.split(/\r?\n/) : [];
  const endsWithEol = lines.length > 0 && lines[lines.length - 1] === '';
  if (endsWithEol) lines.pop();
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ASSIGNMENT.exec(lines[i]);
    if (!m || !(m[2] in values)) { out.push(lines[i]); continue; }
    const span = valueSpan(lines, i, m[4]);
    out.push(`${m[1]}${m[2]}${m[3]}${dotenvValue(values[m[2]])}`);
    seen.add(m[2]);
    i += span - 1;
  }
  for (const [key, value] of Object.entries(values)) if (!seen.has(key)) out.push(`${key}=${dotenvValue(value)}`);
  return out.length ? out.join(eol) + eol : '';
}

/**
 * A small argv parser shared by every command: `--flag`, `--key value`, `--key=value`, repeated keys,
 * positionals. Unknown options are a usage error (exit 2), never silently ignored.
 */
export class UsageError extends Error {}

/**
 * The command line is well formed but what it names cannot be used (a file that is not a certificate,
 * a key that does not belong to it, no local CA yet): exit 2 like a usage error, said in one sentence
 * without the usage hint. Certificate files raise core's CertificateFormatError, which main.ts treats the same.
 */
export class InputError extends Error {}

export interface OptionSpec {
  /** `boolean` flags take no value; `string` options take one; `multi` may repeat. */
  type: 'boolean' | 'string';
  multi?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | string[] | boolean | undefined>;
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--') || arg === '-') { positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const def = spec[name];
    if (!def) throw new UsageError(`unknown option --${name}`);
    if (def.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (def.multi) {
      const prev = options[name];
      options[name] = [...(Array.isArray(prev) ? prev : []), value];
    } else {
      options[name] = value;
    }
  }
  return { positionals, options };
}

/**
 * The value of the environment variable an option names (`--password-env VAR`): secrets never travel in
 * argv. Undefined when the option is absent; a usage error when the variable is not set.
 */
export function envOption(options: ParsedArgs['options'], name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const variable = options[name];
  if (typeof variable !== 'string') return undefined;
  const value = env[variable];
  if (value === undefined) throw new UsageError(`environment variable ${variable} (from --${name}) is not set`);
  return value;
}

/** A whole number in [min, max], or a usage error naming the option. */
export function parseIntOption(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

// The command line of every `bitnet` command, read by one parser (Node's
// util.parseArgs): each command describes its options once, in a
// CommandSpec, and gets `--help`, strict checking and errors that name the
// flag the user typed from it. Option values are checked by the small
// readers below, which say what was expected and what was given.
import { parseArgs } from 'node:util';

/** A mistake on the command line: the message says which flag and what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value is, in the help text: FILE, N, TEXT… (string options). */
  value?: string;
  help: string;
  default?: string | boolean;
  required?: boolean;
  /** Left out of the help text (internal plumbing). */
  hidden?: boolean;
}

export interface CommandSpec {
  /** `bitnet <name>` */
  name: string;
  /** What the command does, a sentence or two for its help text. */
  description: string;
  options: Record<string, OptionSpec>;
  /** The positional argument, if the command takes exactly one (e.g. FILE). */
  positional?: { name: string; help: string };
}

/** A subcommand: its spec, and what it does with the parsed arguments (exit code out). */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedCommand): Promise<number>;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedCommand {
  /** True when --help or -h was given: print helpText(spec) and do nothing else. */
  help: boolean;
  values: OptionValues;
  positional?: string;
}

/** Reads `argv` (the words after the command name) against `spec`. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(spec, argv),
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, o.default === undefined ? { type: o.type } : { type: o.type, default: o.default }])),
      },
      allowPositionals: spec.positional !== undefined,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(describeParseError(spec, err as Error & { code?: string }));
  }
  const values = { ...parsed.values } as OptionValues;
  if (values.help) return { help: true, values };
  const missing = Object.entries(spec.options).filter(([name, o]) => o.required && values[name] === undefined);
  if (missing.length) throw new UsageError(`${missing.map(([name]) => `--${name}`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required`);
  if (spec.positional) {
    if (parsed.positionals.length === 0) throw new UsageError(`${spec.positional.name} is required`);
    if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]}'`);
  }
  return { help: false, values, positional: parsed.positionals[0] };
}

/**
 * `--temp -1` reads as two options to util.parseArgs; for a string option
 * followed by a negative number, join them into `--temp=-1` so the value
 * reaches its reader and gets a useful error.
 */
function joinNegativeNumbers(spec: CommandSpec, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.startsWith('--') ? argv[i]!.slice(2) : '';
    const next = argv[i + 1];
    if (spec.options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity|NaN)/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(argv[i]!);
    }
  }
  return out;
}

/** util.parseArgs' errors, reworded to name the flag as the user typed it. */
function describeParseError(spec: CommandSpec, err: Error & { code?: string }): string {
  const quoted = /'([^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return `${quoted} takes no value`;
      if (/ambiguous/.test(err.message)) return `${quoted} needs a value; for one that starts with '-', write ${quoted}=VALUE`;
      return `${quoted} needs a value`;
    default:
      return `${err.message} (bitnet ${spec.name})`;
  }
}

/** The `--help` text: usage line, description, options. */
export function helpText(spec: CommandSpec): string {
  const shown = Object.entries(spec.options).filter(([, o]) => !o.hidden);
  const flag = (name: string, o: OptionSpec) => `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  const usage = [
    `bitnet ${spec.name}`,
    ...shown.filter(([, o]) => o.required).map(([name, o]) => flag(name, o)),
    ...(spec.positional ? [spec.positional.name] : []),
    ...(shown.some(([, o]) => !o.required) ? ['[options]'] : []),
  ].join(' ');
  const rows: [string, string][] = [
    ...(spec.positional ? [[spec.positional.name, spec.positional.help] as [string, string]] : []),
    ...shown.map(([name, o]): [string, string] => [
      flag(name, o),
      `${o.help}${o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : ''}`,
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`usage: ${usage}`, '', spec.description, '', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)].join('\n');
}

/** A whole number from `min` to `max` (no upper limit if left out), given as --name. */
export function wholeNumber(values: OptionValues, name: string, min: number, max = Infinity): number {
  const text = String(values[name]);
  const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be a whole number ${range}, got '${text}'`);
  }
  return n;
}

/** A finite number from `min` to `max`, given as --name. */
export function decimal(values: OptionValues, name: string, min: number, max: number): number {
  const text = String(values[name]);
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** One of `choices`, given as --name. */
export function oneOf<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T {
  const text = String(values[name]);
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be ${choices.join(' or ')}, got '${text}'`);
  return text as T;
}

/** A comma-separated list of whole numbers from `min` to `max`, given as --name ("1,2"). */
export function wholeNumberList(values: OptionValues, name: string, min: number, max = Infinity): number[] {
  const text = String(values[name]);
  return text.split(',').map((part) => {
    try {
      return wholeNumber({ [name]: part.trim() }, name, min, max);
    } catch {
      const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new UsageError(`--${name} must be a comma-separated list of whole numbers ${range}, got '${text}'`);
    }
  });
}

// A tiny option parser for the CLI commands: `--name value` pairs and
// positional arguments, with a clear error for anything unknown.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  options: Map<string, string>;
  positional: string[];
}

export function parseArgs(args: string[], known: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { options, positional };
}

// The `bitnet` command line: one file per subcommand under src/cli/, each
// describing its options in a CommandSpec (args.ts), which gives every
// command `--help` and the same error messages.
import { UsageError, helpText, parseCommand, type Command } from './args';

declare const VERSION: string;

const version: Command = {
  spec: { name: 'version', description: 'Prints the version of this command line and the extension.', options: {} },
  run: async () => (console.log(VERSION), 0),
};

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  version: { summary: 'print the version', load: async () => version },
  'make-model': { summary: 'write a BitNet b1.58 GGUF with random weights', load: async () => (await import('./make-model')).makeModel },
  inspect: { summary: 'describe a GGUF model file and check it', load: async () => (await import('./inspect')).inspect },
  tokenize: { summary: 'text on stdin to token ids (--decode: ids to text)', load: async () => (await import('./tokenize')).tokenize },
  run: { summary: 'generate text from a prompt and print timings', load: async () => (await import('./run')).run },
  logits: { summary: 'print the top logits at the last position as JSON', load: async () => (await import('./logits')).logits },
  bench: { summary: 'measure load time, memory, decode and prompt speed', load: async () => (await import('./bench')).bench },
  serve: { summary: 'serve the model over llama.cpp-server and OpenAI-compatible HTTP', load: async () => (await import('./serve')).serve },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: bitnet <command> [options]\n\n${lines.join('\n')}\n\n'bitnet <command> --help' describes a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest.length) [name, rest] = [rest[0], ['--help']];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`bitnet: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      console.log(helpText(command.spec));
      return 0;
    }
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bitnet ${name}: ${err.message} (see 'bitnet ${name} --help')`);
      return 2;
    }
    console.error(`bitnet ${name}: ${(err as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));

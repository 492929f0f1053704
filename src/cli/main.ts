// The `bitnet` command line: one file per subcommand under src/cli/.
type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  version: { summary: 'print the version', load: async () => async () => (console.log(VERSION), 0) },
  'make-model': { summary: 'write a BitNet b1.58 GGUF with random weights', load: async () => (await import('./make-model')).makeModelCommand },
  inspect: { summary: 'describe a GGUF model file and check it', load: async () => (await import('./inspect')).inspectCommand },
  tokenize: { summary: 'text on stdin to token ids (--decode: ids to text)', load: async () => (await import('./tokenize')).tokenizeCommand },
  run: { summary: 'generate text from a prompt and print timings', load: async () => (await import('./run')).runCommand },
  logits: { summary: 'print the top logits at the last position as JSON', load: async () => (await import('./logits')).logitsCommand },
  bench: { summary: 'measure load time, memory, decode and prompt speed', load: async () => (await import('./bench')).benchCommand },
  serve: { summary: 'serve the model over llama.cpp-server and OpenAI-compatible HTTP', load: async () => (await import('./serve')).serveCommand },
};

declare const VERSION: string;

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: bitnet <command> [options]\n\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `bitnet: unknown command '${name}'\n\n${usage()}` : usage());
    return name && name !== '--help' ? 2 : 0;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    console.error(`bitnet ${name}: ${(err as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));

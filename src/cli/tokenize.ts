// `bitnet tokenize --model FILE [--json] [--bos] [--decode]`: the model's
// tokenizer on standard input. Text in, token ids out (one "id  piece" line
// each, or a JSON array with --json); with --decode, a JSON array of ids in
// and the text out. The text is tokenized exactly as read, trailing newline
// included.
import { readBitnetModel } from '../engine/bitnet-model';
import { Tokenizer } from '../engine/tokenizer';
import { UsageError, parseArgs } from './args';

const USAGE = 'usage: bitnet tokenize --model FILE [--json] [--bos] [--decode]  (reads standard input)';
const FLAGS = ['--json', '--bos', '--decode'];

export async function tokenizeCommand(args: string[]): Promise<number> {
  const flags = new Set(args.filter((a) => FLAGS.includes(a)));
  const { options, positional } = parseArgs(args.filter((a) => !FLAGS.includes(a)), ['model']);
  const model = options.get('model');
  if (!model || positional.length > 0) throw new UsageError(USAGE);

  const tokenizer = Tokenizer.fromVocab(readBitnetModel(model).vocab);
  const input = await readStdin();
  if (flags.has('--decode')) {
    process.stdout.write(tokenizer.decode(parseIds(input), { specials: true }));
    return 0;
  }
  const ids = tokenizer.encode(input, { bos: flags.has('--bos') });
  if (flags.has('--json')) {
    console.log(JSON.stringify(ids));
  } else {
    for (const id of ids) console.log(`${String(id).padStart(6)}  ${JSON.stringify(tokenizer.tokenPiece(id))}`);
    console.log(`${ids.length} tokens`);
  }
  return 0;
}

function parseIds(input: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new UsageError('--decode reads a JSON array of token ids, for example [9906, 1917, 0]');
  }
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new UsageError('--decode reads a JSON array of integer token ids, for example [9906, 1917, 0]');
  }
  return value as number[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

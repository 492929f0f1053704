// `bitnet tokenize --model FILE [--json] [--bos] [--decode]`: the model's
// tokenizer on standard input. Text in, token ids out (one "id  piece" line
// each, or a JSON array with --json); with --decode, a JSON array of ids in
// and the text out. The text is tokenized exactly as read, trailing newline
// included.
import { readBitnetModel } from '../model-file/bitnet-model';
import { Tokenizer } from '../tokenizer/tokenizer';
import type { Command } from './args';

export const tokenize: Command = {
  spec: {
    name: 'tokenize',
    description: 'Tokenizes standard input with the model\'s tokenizer, exactly as read (trailing newline included): one "id  piece" line per token, or with --decode, a JSON array of ids in and the text out.',
    options: {
      model: { type: 'string', value: 'FILE', help: 'the GGUF model whose tokenizer to use', required: true },
      json: { type: 'boolean', help: 'print the ids as one JSON array' },
      bos: { type: 'boolean', help: 'start with the begin-of-text token' },
      decode: { type: 'boolean', help: 'read a JSON array of ids and print their text' },
    },
  },
  async run({ values }) {
    const tokenizer = Tokenizer.fromVocab(readBitnetModel(String(values.model)).vocab);
    const input = await readStdin();
    if (values.decode) {
      process.stdout.write(tokenizer.decode(parseIds(input), { specials: true }));
      return 0;
    }
    const ids = tokenizer.encode(input, { bos: values.bos === true });
    if (values.json) {
      console.log(JSON.stringify(ids));
    } else {
      for (const id of ids) console.log(`${String(id).padStart(6)}  ${JSON.stringify(tokenizer.tokenPiece(id))}`);
      console.log(`${ids.length} tokens`);
    }
    return 0;
  },
};

function parseIds(input: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new Error('--decode reads a JSON array of token ids, for example [9906, 1917, 0]');
  }
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new Error('--decode reads a JSON array of integer token ids, for example [9906, 1917, 0]');
  }
  return value as number[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Counts tokens for the chat on a thread of its own, with the tokenizer built
// from the model file's vocabulary. The engine worker has the same tokenizer,
// but asking it means waiting behind inline completions and a model load; and
// reading the vocabulary takes a second or two, which must not block the
// extension host. Says 'ready' (or 'failed') once, then answers each request.
import { parentPort, workerData } from 'node:worker_threads';
import { readBitnetModel } from '../model-file/bitnet-model';
import { Tokenizer } from '../tokenizer/tokenizer';

export interface CountRequest {
  id: number;
  text: string;
}

export type CountReply =
  | { type: 'ready'; contextLength: number }
  | { type: 'failed'; message: string }
  | { type: 'count'; id: number; tokens: number };

function start(file: string): Tokenizer | undefined {
  try {
    const info = readBitnetModel(file);
    const tokenizer = Tokenizer.fromVocab(info.vocab);
    post({ type: 'ready', contextLength: info.hparams.contextLength });
    return tokenizer;
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
}

function post(reply: CountReply): void {
  parentPort?.postMessage(reply);
}

const tokenizer = start((workerData as { file: string }).file);
if (tokenizer) {
  parentPort?.on('message', ({ id, text }: CountRequest) => post({ type: 'count', id, tokens: tokenizer.encode(text).length }));
}

// Prompts as the server's endpoints accept them, turned into token ids.
// llama.cpp's `/completion` takes a string or an array mixing token ids and
// strings (each string tokenized on its own); BOS goes first when the prompt
// starts with text. Control tokens are never read out of prompt text: a file
// that contains "<|eot_id|>" is text, as in the local engine. `/tokenize`
// reads them when asked (`parse_special`), so a client can look up their ids.
import type { Tokenizer } from '../tokenizer/tokenizer';
import { RequestError } from './request-body';

type PromptTokenizer = Pick<Tokenizer, 'encode' | 'bosId' | 'vocabSize'>;

/** Most prompt pieces one request may send. */
const MAX_PIECES = 100_000;

export function promptTokens(tokenizer: PromptTokenizer, prompt: unknown): number[] {
  if (typeof prompt === 'string') return tokenizer.encode(prompt, { bos: true });
  if (!Array.isArray(prompt) || prompt.length === 0 || prompt.length > MAX_PIECES) {
    throw new RequestError(400, '"prompt" must be a string or a non-empty array of token ids and strings');
  }
  const ids = typeof prompt[0] === 'string' ? [tokenizer.bosId] : [];
  prompt.forEach((piece, i) => {
    if (typeof piece === 'string') ids.push(...tokenizer.encode(piece));
    else if (Number.isInteger(piece) && piece >= 0 && piece < tokenizer.vocabSize) ids.push(piece as number);
    else throw new RequestError(400, `"prompt"[${i}] must be a string or a token id from 0 to ${tokenizer.vocabSize - 1}`);
  });
  return ids;
}

/** Control tokens by name (`<|eot_id|>` → 128009), for `/tokenize` with `parse_special`. */
export class ControlTokens {
  private readonly byName = new Map<string, number>();
  private readonly pattern: RegExp | undefined;

  constructor(tokenizer: Pick<Tokenizer, 'vocabSize' | 'isControl' | 'tokenPiece'>) {
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      if (tokenizer.isControl(id)) this.byName.set(tokenizer.tokenPiece(id), id);
    }
    const names = [...this.byName.keys()].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
    this.pattern = names.length ? new RegExp(names.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** Tokens of `text` with control-token names read as those tokens. */
  encode(tokenizer: PromptTokenizer, text: string): number[] {
    if (!this.pattern) return tokenizer.encode(text);
    const ids: number[] = [];
    let at = 0;
    for (const match of text.matchAll(this.pattern)) {
      if (match.index! > at) ids.push(...tokenizer.encode(text.slice(at, match.index)));
      ids.push(this.byName.get(match[0])!);
      at = match.index! + match[0].length;
    }
    if (at < text.length) ids.push(...tokenizer.encode(text.slice(at)));
    return ids;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

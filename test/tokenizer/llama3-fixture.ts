// Shared by the tokenizer and chat-format tests: our tokenizer built from the
// real Llama 3 ranks file, and the independent llama3-tokenizer-js package as
// the reference to compare against.
import llama3Reference from 'llama3-tokenizer-js';
import { vocabFromTiktoken } from '../../src/tokenizer/llama3-vocab';
import { readTokenizerData } from '../../src/tokenizer/tokenizer-data';
import { Tokenizer } from '../../src/tokenizer/tokenizer';

export function llama3Tokenizer(): Tokenizer {
  return Tokenizer.fromVocab(vocabFromTiktoken(readTokenizerData()));
}

const NEVER = /(?!)/g;

/**
 * llama3-tokenizer-js's ids for `text` with no BOS/EOS, and with its special
 * token parsing turned off (it would otherwise turn "<|eot_id|>" in text into
 * 128009, which we deliberately never do).
 */
export function referenceEncode(text: string): number[] {
  const options = { bos: false, eos: false, specialTokenRegex: NEVER };
  return llama3Reference.encode(text, options);
}

// Where the Llama 3 tokenizer ranks file (tiktoken format) lives: the
// $BITNET_TOKENIZER_DATA override first, then `data/llama3-tokenizer.model`
// in the repository, found by walking up from this file (works from
// src/tokenizer/ under tsx and from dist/ when bundled).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TOKENIZER_DATA_FILE = path.join('data', 'llama3-tokenizer.model');

export function tokenizerDataPath(): string {
  const override = process.env.BITNET_TOKENIZER_DATA;
  if (override) return override;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, TOKENIZER_DATA_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`${TOKENIZER_DATA_FILE} was not found above ${__dirname}; set BITNET_TOKENIZER_DATA to its path`);
}

/** The text of the ranks file ("<base64 bytes> <rank>" per line). */
export function readTokenizerData(): string {
  return fs.readFileSync(tokenizerDataPath(), 'utf8');
}

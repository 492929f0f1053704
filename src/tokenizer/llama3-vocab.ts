// Turns Meta's tiktoken rank file for Llama 3 (one "<base64 bytes> <rank>"
// line per token) into the vocabulary a GGUF file carries: byte-level token
// strings (GPT-2's bytes-to-unicode alphabet), the BPE merge list, and the
// 256 special tokens with their types.
//
// The merges follow the rule Hugging Face's tiktoken converter uses, which is
// what the official Llama 3 GGUF files hold (280147 merges): for every token
// of two or more bytes, every split into a left and right part that are both
// tokens is a merge, ordered by the token's rank and, within one token, by the
// ranks of (left, right). Listing every split (not just the one BPE would have
// built the token from) makes merge-list BPE pick exactly what tiktoken's
// "lowest rank of the concatenation" rule picks.

export interface Vocab {
  /** Token strings in GGUF byte-level form, indexed by id (128256 for Llama 3). */
  tokens: string[];
  /** GGUF token types: 1 NORMAL, 3 CONTROL. */
  tokenTypes: number[];
  /** "left right" pairs in priority order, best first. */
  merges: string[];
  bosId: number;
  eosId: number;
  eotId: number;
}

export const TOKEN_TYPE_NORMAL = 1;
export const TOKEN_TYPE_CONTROL = 3;

/** Special token names for ids 128000.. in the order Meta's tokenizer.py lists them. */
export function llama3SpecialTokenNames(count = 256): string[] {
  const named = [
    '<|begin_of_text|>',
    '<|end_of_text|>',
    '<|reserved_special_token_0|>',
    '<|reserved_special_token_1|>',
    '<|reserved_special_token_2|>',
    '<|reserved_special_token_3|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|reserved_special_token_4|>',
    '<|eot_id|>',
  ];
  const names = named.slice(0, count);
  for (let i = 5; names.length < count; i++) names.push(`<|reserved_special_token_${i}|>`);
  return names;
}

/** GPT-2's reversible map from a byte to a printable character (space → 'Ġ', newline → 'Ċ'). */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : 256 + extra++);
  return table;
})();

export class VocabFormatError extends Error {
  override readonly name = 'VocabFormatError';
}

let cached: { data: string; vocab: Vocab } | undefined;

/**
 * Builds the GGUF vocabulary from the text of a tiktoken ranks file. The
 * result for the last input is cached, so callers must treat it as read-only.
 */
export function vocabFromTiktoken(data: string): Vocab {
  if (cached && cached.data === data) return cached.vocab;
  const ranked = parseRanks(data);
  const vocab = buildVocab(ranked);
  cached = { data, vocab };
  return vocab;
}

/** Token byte strings (one char per byte, latin1) indexed by rank. */
function parseRanks(data: string): string[] {
  const ranked: string[] = [];
  let lineNo = 0;
  for (const line of data.split('\n')) {
    lineNo++;
    if (line.length === 0) continue;
    const space = line.indexOf(' ');
    const rank = Number(line.slice(space + 1));
    if (space <= 0 || !Number.isInteger(rank) || rank !== ranked.length) {
      throw new VocabFormatError(
        `tiktoken ranks file, line ${lineNo}: expected "<base64> ${ranked.length}", found "${line.slice(0, 60)}"`,
      );
    }
    ranked.push(base64ToLatin1(line, space, lineNo));
  }
  if (ranked.length < 256) throw new VocabFormatError(`tiktoken ranks file has ${ranked.length} tokens, fewer than 256`);
  return ranked;
}

function buildVocab(ranked: string[]): Vocab {
  const rankOf = new Map<string, number>();
  for (let r = 0; r < ranked.length; r++) {
    const previous = rankOf.get(ranked[r]);
    if (previous !== undefined) throw new VocabFormatError(`tiktoken ranks file lists the same bytes twice (ranks ${previous} and ${r})`);
    rankOf.set(ranked[r], r);
  }
  const tokens = ranked.map(toByteLevel);
  const merges: string[] = [];
  const splits: number[] = []; // flat [rankLeft, rankRight, ...] for one token
  for (let r = 0; r < ranked.length; r++) {
    const bytes = ranked[r];
    splits.length = 0;
    for (let i = 1; i < bytes.length; i++) {
      const left = rankOf.get(bytes.slice(0, i));
      if (left === undefined) continue;
      const right = rankOf.get(bytes.slice(i));
      if (right !== undefined) splits.push(left, right);
    }
    if (splits.length === 2) merges.push(tokens[splits[0]] + ' ' + tokens[splits[1]]);
    else if (splits.length > 2) for (const k of sortedPairOrder(splits)) merges.push(tokens[splits[k]] + ' ' + tokens[splits[k + 1]]);
  }
  const base = tokens.length;
  const specials = llama3SpecialTokenNames();
  const tokenTypes = new Array<number>(base).fill(TOKEN_TYPE_NORMAL);
  for (const name of specials) {
    tokens.push(name);
    tokenTypes.push(TOKEN_TYPE_CONTROL);
  }
  return { tokens, tokenTypes, merges, bosId: base, eosId: base + 1, eotId: base + 9 };
}

/** Offsets of the (left, right) pairs in `flat`, ordered by left rank then right rank. */
function sortedPairOrder(flat: number[]): number[] {
  const order: number[] = [];
  for (let k = 0; k < flat.length; k += 2) order.push(k);
  if (order.length > 1) order.sort((a, b) => flat[a] - flat[b] || flat[a + 1] - flat[b + 1]);
  return order;
}

const BASE64_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** Decodes line[0, end) (standard base64 with padding) to one char per byte. */
function base64ToLatin1(line: string, end: number, lineNo: number): string {
  while (end > 0 && line.charCodeAt(end - 1) === 61 /* = */) end--;
  let bits = 0;
  let nbits = 0;
  let out = '';
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    const v = c < 128 ? BASE64_VALUE[c] : -1;
    if (v < 0) throw new VocabFormatError(`tiktoken ranks file, line ${lineNo}: "${line[i]}" is not base64`);
    bits = ((bits << 6) | v) & 0xffffff;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += String.fromCharCode((bits >> nbits) & 0xff);
    }
  }
  if (out.length === 0) throw new VocabFormatError(`tiktoken ranks file, line ${lineNo}: empty token`);
  return out;
}

function toByteLevel(bytes: string): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes.charCodeAt(i)];
  return s;
}

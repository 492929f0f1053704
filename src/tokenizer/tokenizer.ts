// Llama 3's byte-level BPE tokenizer, built from a GGUF vocabulary (token
// strings in GPT-2's byte alphabet plus the merge list).
//
// encode: text → pre-tokens (pretokenize.ts) → per pre-token, the whole piece
// if it is a token (Llama 3's `ignore_merges`), else BPE over its UTF-8 bytes
// applying the lowest-ranked merge first, leftmost on ties. Results are cached
// per pre-token text, so repeated words and indentation cost one Map lookup.
//
// Special tokens are never parsed from text: "<|eot_id|>" in a file is just
// characters. Callers insert special ids themselves (see chat-template.ts).
import { BYTE_TO_CHAR, TOKEN_TYPE_CONTROL, type Vocab } from './llama3-vocab';
import { forEachPretoken } from './pretokenize';
import { MergeTable } from './merge-table';
import { TokenIndex } from './token-index';

export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

export interface EncodeOptions {
  /** Put `<|begin_of_text|>` first. Default false. */
  bos?: boolean;
}

export interface DecodeOptions {
  /** Render control tokens (`<|eot_id|>` …) as their names instead of dropping them. Default false. */
  specials?: boolean;
}

/** Turns token ids into text one id at a time, never splitting a UTF-8 character. */
export interface StreamDecoder {
  /** Text completed by this token; bytes of an unfinished character are held back. */
  push(id: number): string;
  /** Whatever is still held back (incomplete bytes become U+FFFD). */
  flush(): string;
}

/** Names llama.cpp also treats as end of generation when a vocabulary has them. */
const END_OF_GENERATION_NAMES = ['<|eom_id|>', '<|im_end|>', '<|end|>', '<end_of_turn>', '<|endoftext|>', '<EOT>'];

const CACHE_GENERATION = 1 << 14; // entries per cache generation (two are kept: a few MiB at most)
const SMALL_PIECE = 48; // up to this many bytes, quadratic BPE beats the heap
const SCRATCH_KEEP = 1 << 16; // scratch buffers grown past this are dropped after use
// Heap keys are rank * 2^32 + position: exact in a double while rank < 2^21.
const PAIR_KEY_SPLIT = 2 ** 32;
const MAX_MERGES = 2 ** 21;

const CHAR_TO_BYTE = (() => {
  const map = new Map<number, number>();
  BYTE_TO_CHAR.forEach((c, b) => map.set(c.charCodeAt(0), b));
  return map;
})();

const built = new WeakMap<Vocab, Tokenizer>();

export class Tokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly eotId: number;
  readonly vocabSize: number;

  private readonly idOfBytes: TokenIndex; // token bytes → id (control tokens excluded)
  private readonly byteToId: Int32Array; // byte → id of its single-byte token
  private readonly merges: MergeTable;
  private readonly bytesStart: Int32Array; // token id → offset into tokenBytesPool
  private readonly bytesPool: Uint8Array;
  private readonly control: Uint8Array; // 1 for CONTROL tokens
  private readonly endOfGeneration: Set<number>;

  // Per-piece cache in two generations: when `recent` fills up it becomes
  // `older` and the previous `older` is dropped, which keeps hot pieces
  // without the bookkeeping of a strict LRU.
  private recent = new Map<string, number | Int32Array>();
  private older = new Map<string, number | Int32Array>();

  // Scratch buffers reused by every encode (grown on demand).
  private utf8 = new Uint8Array(256);
  private work = new Int32Array(256);
  private readonly slots = new Int32Array(SMALL_PIECE);
  private readonly encoder = new TextEncoder();

  /** A tokenizer for `vocab`; the same Vocab object always yields the same Tokenizer. */
  static fromVocab(vocab: Vocab): Tokenizer {
    let t = built.get(vocab);
    if (!t) {
      t = new Tokenizer(vocab);
      built.set(vocab, t);
    }
    return t;
  }

  private constructor(vocab: Vocab) {
    const { tokens, tokenTypes } = vocab;
    if (tokens.length === 0 || tokenTypes.length !== tokens.length) {
      throw new TokenizerError(`the vocabulary has ${tokens.length} tokens but ${tokenTypes.length} token types`);
    }
    this.vocabSize = tokens.length;
    // A vocabulary without <|eot_id|> (eotId -1) ends turns with EOS instead.
    const eotId = vocab.eotId === -1 ? vocab.eosId : vocab.eotId;
    for (const [what, id] of [['BOS', vocab.bosId], ['EOS', vocab.eosId], ['EOT', eotId]] as const) {
      if (!Number.isInteger(id) || id < 0 || id >= tokens.length) throw new TokenizerError(`the ${what} token id ${id} is outside the vocabulary`);
    }
    this.bosId = vocab.bosId;
    this.eosId = vocab.eosId;
    this.eotId = eotId;

    this.control = Uint8Array.from(tokenTypes, (t) => (t === TOKEN_TYPE_CONTROL ? 1 : 0));
    const { start, pool } = tokenBytes(tokens, this.control);
    this.bytesStart = start;
    this.bytesPool = pool;

    this.idOfBytes = new TokenIndex(start, pool, (id) => !this.control[id]);
    this.byteToId = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = this.idOfBytes.find(Uint8Array.of(b), 1);
      if (id === undefined) throw new TokenizerError(`the vocabulary has no token for the byte 0x${b.toString(16)}, so it is not byte-level BPE`);
      this.byteToId[b] = id;
    }
    this.merges = this.buildMerges(vocab.merges);

    this.endOfGeneration = new Set([this.eosId, this.eotId]);
    tokens.forEach((t, id) => {
      if (this.control[id] && END_OF_GENERATION_NAMES.includes(t)) this.endOfGeneration.add(id);
    });
  }

  private buildMerges(merges: string[]): MergeTable {
    if (merges.length > MAX_MERGES) throw new TokenizerError(`the vocabulary has ${merges.length} merges, more than the ${MAX_MERGES} supported`);
    const table = new MergeTable(merges.length);
    let bytes = new Uint8Array(256);
    for (let rank = 0; rank < merges.length; rank++) {
      const m = merges[rank];
      const space = m.indexOf(' '); // byte-level tokens never contain U+0020 itself
      if (bytes.length < m.length * 4) bytes = new Uint8Array(m.length * 4);
      // Both halves' bytes side by side: each half, and the pair joined, are views of one buffer.
      const split = space > 0 ? byteLevelInto(m, 0, space, bytes, 0) : 0;
      const end = space > 0 ? byteLevelInto(m, space + 1, m.length, bytes, split) : 0;
      const left = space > 0 ? this.idOfBytes.find(bytes, split) : undefined;
      const right = space > 0 ? this.idOfBytes.find(bytes.subarray(split), end - split) : undefined;
      const result = space > 0 ? this.idOfBytes.find(bytes, end) : undefined;
      if (left === undefined || right === undefined || result === undefined) {
        throw new TokenizerError(`merge ${rank} ("${m.slice(0, 40)}") does not join two tokens of the vocabulary into a third`);
      }
      table.add(left, right, rank, result);
    }
    return table;
  }

  /** Token ids for `text`. Never adds EOS; adds BOS only when asked. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (options.bos) out.push(this.bosId);
    forEachPretoken(text, (piece) => this.encodePiece(piece, out));
    return out;
  }

  /** Forgets every cached pre-token (benchmarks use it to measure a cold start). */
  clearCache(): void {
    this.recent.clear();
    this.older.clear();
  }

  /** True for the ids that end a reply (`<|end_of_text|>`, `<|eot_id|>`). */
  isEndOfGeneration(id: number): boolean {
    return this.endOfGeneration.has(id);
  }

  isControl(id: number): boolean {
    return this.control[id] === 1;
  }

  /** The raw bytes of one token (a control token's bytes are its name). */
  tokenBytes(id: number): Uint8Array {
    this.checkId(id);
    return this.bytesPool.subarray(this.bytesStart[id], this.bytesStart[id + 1]);
  }

  /** One token as text, for display; a partial UTF-8 character shows as U+FFFD. */
  tokenPiece(id: number): string {
    return Buffer.from(this.tokenBytes(id)).toString('utf8');
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const chunks: Uint8Array[] = [];
    for (const id of ids) if (options.specials || !this.isControl(id)) chunks.push(this.tokenBytes(id));
    return Buffer.concat(chunks).toString('utf8');
  }

  streamDecoder(options: DecodeOptions = {}): StreamDecoder {
    const utf8 = new TextDecoder('utf-8');
    return {
      push: (id) => (options.specials || !this.isControl(id) ? utf8.decode(this.tokenBytes(id), { stream: true }) : ''),
      flush: () => utf8.decode(),
    };
  }

  private checkId(id: number): void {
    if (!(id >= 0 && id < this.vocabSize && Number.isInteger(id))) {
      throw new TokenizerError(`token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
  }

  private encodePiece(piece: string, out: number[]): void {
    let ids = this.recent.get(piece);
    if (ids === undefined) {
      ids = this.older.get(piece);
      if (ids === undefined) ids = this.bpe(piece);
      if (this.recent.size >= CACHE_GENERATION) {
        this.older = this.recent;
        this.recent = new Map();
      }
      this.recent.set(ownCopy(piece), ids);
    }
    if (typeof ids === 'number') out.push(ids);
    else for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  /** BPE over the UTF-8 bytes of one pre-token: a single id, or the ids in order. */
  private bpe(piece: string): number | Int32Array {
    if (this.utf8.length < piece.length * 3) this.utf8 = new Uint8Array(piece.length * 3 + 64);
    const n = this.encoder.encodeInto(piece, this.utf8).written;
    const bytes = this.utf8;
    const whole = this.idOfBytes.find(bytes, n);
    if (whole !== undefined) return whole;
    if (this.work.length < n) this.work = new Int32Array(n + 64);
    const ids = this.work;
    for (let i = 0; i < n; i++) ids[i] = this.byteToId[bytes[i]];
    const count = n <= SMALL_PIECE ? this.mergeSmall(ids, n) : this.mergeLarge(ids, n);
    const result = count === 1 ? ids[0] : ids.slice(0, count);
    if (this.work.length > SCRATCH_KEEP) {
      this.work = new Int32Array(256);
      this.utf8 = new Uint8Array(256);
    }
    return result;
  }

  /**
   * Quadratic BPE for short pieces: keep each adjacent pair's merge slot,
   * take the best (lowest rank, leftmost), merge, and look up only the two
   * pairs that changed.
   */
  private mergeSmall(ids: Int32Array, n: number): number {
    const merges = this.merges;
    const slots = this.slots;
    for (let i = 0; i + 1 < n; i++) slots[i] = merges.find(ids[i], ids[i + 1]);
    for (;;) {
      let bestRank = 0x7fffffff;
      let bestAt = -1;
      for (let i = 0; i + 1 < n; i++) {
        const slot = slots[i];
        if (slot >= 0 && merges.rank[slot] < bestRank) {
          bestRank = merges.rank[slot];
          bestAt = i;
        }
      }
      if (bestAt < 0) return n;
      ids[bestAt] = merges.result[slots[bestAt]];
      ids.copyWithin(bestAt + 1, bestAt + 2, n);
      slots.copyWithin(bestAt + 1, bestAt + 2, n - 1);
      n--;
      if (bestAt > 0) slots[bestAt - 1] = merges.find(ids[bestAt - 1], ids[bestAt]);
      if (bestAt + 1 < n) slots[bestAt] = merges.find(ids[bestAt], ids[bestAt + 1]);
    }
  }

  /**
   * BPE for long pieces (long runs of spaces, '=' rulers, minified text): a
   * linked list of symbols and a min-heap of candidate pairs keyed by
   * (rank, position), so equal ranks still merge leftmost first.
   */
  private mergeLarge(ids: Int32Array, n: number): number {
    const merges = this.merges;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap(n);
    const consider = (at: number) => {
      if (at < 0 || next[at] < 0) return;
      const slot = merges.find(ids[at], ids[next[at]]);
      if (slot >= 0) heap.push(merges.rank[slot] * PAIR_KEY_SPLIT + at);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const at = key % PAIR_KEY_SPLIT;
      const rank = (key - at) / PAIR_KEY_SPLIT;
      const to = next[at];
      if (ids[at] < 0 || to < 0) continue;
      const slot = merges.find(ids[at], ids[to]);
      if (slot < 0 || merges.rank[slot] !== rank) continue; // stale entry
      ids[at] = merges.result[slot];
      ids[to] = -1;
      const after = next[to];
      next[at] = after;
      if (after >= 0) prev[after] = at;
      consider(prev[at]);
      consider(at);
    }
    let count = 0;
    for (let i = 0; i >= 0; i = next[i]) ids[count++] = ids[i];
    return count;
  }
}

/** A binary min-heap of non-negative integer keys below 2^53. */
class PairHeap {
  private keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
  }

  push(key: number): void {
    if (this.size === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      i = parent;
    }
    keys[i] = key;
  }

  pop(): number {
    const keys = this.keys;
    const top = keys[0];
    const last = keys[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= last) break;
      keys[i] = keys[child];
      i = child;
    }
    keys[i] = last;
    return top;
  }
}

/** Each token's bytes, packed: token id → [start[id], start[id + 1]) in pool. */
function tokenBytes(tokens: string[], control: Uint8Array): { start: Int32Array; pool: Uint8Array } {
  const start = new Int32Array(tokens.length + 1);
  let pool = new Uint8Array(1 << 20);
  let total = 0;
  for (let id = 0; id < tokens.length; id++) {
    const token = tokens[id];
    if (pool.length - total < token.length * 4) {
      const grown = new Uint8Array(Math.max(pool.length * 2, total + token.length * 4));
      grown.set(pool.subarray(0, total));
      pool = grown;
    }
    start[id] = total;
    total = control[id] ? total + Buffer.from(token, 'utf8').copy(pool, total) : byteLevelInto(token, 0, token.length, pool, total);
  }
  start[tokens.length] = total;
  return { start, pool: pool.slice(0, total) };
}

/**
 * GPT-2 byte alphabet back to bytes, written at out[at..]: the bytes of
 * text[from, to); returns where they end (out has room for 4 a character).
 * A character outside the alphabet (a hand-added token in some other GGUF)
 * stands for its own UTF-8 bytes.
 */
function byteLevelInto(text: string, from: number, to: number, out: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) {
    const b = CHAR_TO_BYTE.get(text.charCodeAt(i));
    if (b !== undefined) {
      out[at++] = b;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (ch.length === 2) i++;
    at += Buffer.from(ch, 'utf8').copy(out, at);
  }
  return at;
}

/**
 * A key that does not pin its source text: V8 makes pieces of 13 or more
 * characters views into the string they were cut from, and a cached view
 * would keep a whole editor document alive.
 */
function ownCopy(piece: string): string {
  return piece.length < 13 ? piece : Buffer.from(piece, 'utf16le').toString('utf16le');
}

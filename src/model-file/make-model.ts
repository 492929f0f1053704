// Writes a BitNet b1.58 GGUF in the layout of the published
// `ggml-model-i2_s.gguf` (docs/model-file.md): the same metadata keys in the same order
// with the same types, the same tensor names, types and shapes, F16 token
// embeddings, F32 norms and random ternary I2_S weights with one f32 scale per
// tensor. Any dimensions: the real 2B4T shape for benchmarks, tiny ones for
// tests. A seed makes the file byte-for-byte reproducible.
import { bitnetTensorShapes, type ModelShape } from './bitnet-tensors';
import { GGML_TYPE, I2S_TAIL_BYTES } from './ggml-types';
import { writeGguf, type GgufTensorSpec, type GgufTypedValue, type GgufWriteResult, type TensorSink } from './gguf-writer';
import type { Vocab } from '../tokenizer/llama3-vocab';
import { Xorshift128 } from './xorshift';

export type { ModelShape } from './bitnet-tensors';

export const MODEL_SHAPES = {
  '2b4t': { embeddingLength: 2560, feedForwardLength: 6912, blockCount: 30, headCount: 20, headCountKv: 5, contextLength: 4096 },
  tiny: { embeddingLength: 128, feedForwardLength: 256, blockCount: 2, headCount: 4, headCountKv: 2, contextLength: 4096 },
} as const satisfies Record<string, ModelShape>;

export type ModelShapeName = keyof typeof MODEL_SHAPES;

/** The tokenizer data a model file carries. */
export type ModelVocab = Vocab;

export interface MakeModelOptions {
  shape: ModelShape;
  vocab: ModelVocab;
  seed?: number;
  /** `bitnet-b1.58` (the current file) or `bitnet-25` (the first upload). */
  architecture?: 'bitnet-b1.58' | 'bitnet-25';
  name?: string;
}

/** Bumped whenever the bytes this module writes for the same options change. */
export const MAKE_MODEL_VERSION = 1;

/** The chat template string stored in the file (docs/tokenizer-and-chat.md; our engine builds prompts itself). */
export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] | trim }}<|eot_id|>{% endfor %}" +
  '{% if add_generation_prompt %}Assistant: {% endif %}';

const TOKEN_TYPE_CONTROL = 3;
const CHUNK_WORDS = 4 * 1024 * 1024; // 16 MB of random data at a time

/** The metadata and tensors of a model, before writing: tests adjust them to make bad files. */
export interface BitnetLayout {
  metadata: Array<[string, GgufTypedValue]>;
  tensors: GgufTensorSpec[];
}

export function bitnetLayout(options: MakeModelOptions): BitnetLayout {
  checkShape(options.shape);
  const rng = new Xorshift128(options.seed ?? 1);
  return { metadata: bitnetMetadata(options), tensors: bitnetTensors(options.shape, options.vocab.tokens.length, rng) };
}

export function writeBitnetModel(path: string, options: MakeModelOptions): GgufWriteResult {
  return writeGguf(path, bitnetLayout(options));
}

function checkShape(s: ModelShape): void {
  const positive = Object.entries(s).every(([, v]) => Number.isInteger(v) && v > 0);
  if (!positive) throw new RangeError('every model dimension must be a positive integer');
  if (s.embeddingLength % 128 !== 0 || s.feedForwardLength % 128 !== 0) {
    throw new RangeError('embedding and feed-forward lengths must be multiples of 128 (the I2_S block)');
  }
  if (s.embeddingLength % s.headCount !== 0 || s.headCount % s.headCountKv !== 0) {
    throw new RangeError('heads must divide the embedding length, and KV heads the heads');
  }
}

function bitnetMetadata(options: MakeModelOptions): Array<[string, GgufTypedValue]> {
  const arch = options.architecture ?? 'bitnet-b1.58';
  const s = options.shape;
  const v = options.vocab;
  const n = v.tokens.length;
  const u32 = (value: number): GgufTypedValue => ({ type: 'u32', value });
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) scores[i] = v.tokenTypes[i] === TOKEN_TYPE_CONTROL ? -1000 : 0;
  return [
    ['general.architecture', { type: 'string', value: arch }],
    ['general.name', { type: 'string', value: options.name ?? 'bitnet2b' }],
    [`${arch}.vocab_size`, u32(n)],
    [`${arch}.context_length`, u32(s.contextLength)],
    [`${arch}.embedding_length`, u32(s.embeddingLength)],
    [`${arch}.block_count`, u32(s.blockCount)],
    [`${arch}.feed_forward_length`, u32(s.feedForwardLength)],
    [`${arch}.rope.dimension_count`, u32(s.embeddingLength / s.headCount)],
    [`${arch}.attention.head_count`, u32(s.headCount)],
    [`${arch}.attention.head_count_kv`, u32(s.headCountKv)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { type: 'f32', value: 1e-5 }],
    [`${arch}.rope.freq_base`, { type: 'f32', value: 500000 }],
    ['general.file_type', u32(40)],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', items: v.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', items: scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', items: v.tokenTypes }],
    ['tokenizer.ggml.merges', { type: 'array', itemType: 'string', items: v.merges }],
    ['tokenizer.ggml.bos_token_id', u32(v.bosId)],
    ['tokenizer.ggml.eos_token_id', u32(v.eosId)],
    ['tokenizer.ggml.padding_token_id', u32(v.eosId)],
    ['tokenizer.chat_template', { type: 'string', value: CHAT_TEMPLATE }],
    ['general.quantization_version', u32(2)],
  ];
}

function bitnetTensors(s: ModelShape, vocabSize: number, rng: Xorshift128): GgufTensorSpec[] {
  // One PRNG stream in file order: tensors are generated lazily as the writer
  // reaches them, so the file's bytes depend only on the seed and the shape.
  return bitnetTensorShapes(s, vocabSize).map((t) => ({
    ...t,
    write: (sink: TensorSink) => {
      const count = t.dims.reduce((a, b) => a * b, 1);
      if (t.type === GGML_TYPE.F16) writeRandomF16(sink, count, rng);
      else if (t.type === GGML_TYPE.F32) writeNorm(sink, count, rng);
      else writeTernary(sink, count, rng);
    },
  }));
}

/** Small random F16 values, |x| in [2^-7, 2^-3), built straight from random bits. */
function writeRandomF16(sink: TensorSink, count: number, rng: Xorshift128): void {
  const words = new Uint32Array(Math.min(CHUNK_WORDS, Math.ceil(count / 2)));
  for (let left = count * 2; left > 0; left -= words.length * 4) {
    rng.fill(words);
    for (let i = 0; i < words.length; i++) {
      const x = words[i]!;
      // Per 16-bit half: keep sign and mantissa, set exponent 8..11 from two random bits.
      words[i] = (x & 0x83ff83ff) | ((((x >>> 10) & 0x00030003) + 0x00080008) << 10);
    }
    sink(new Uint8Array(words.buffer, 0, Math.min(left, words.length * 4)));
  }
}

/** Norm weights: positive, near 1 (0.8 to 1.2). */
function writeNorm(sink: TensorSink, count: number, rng: Xorshift128): void {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = 0.8 + 0.4 * rng.nextFloat();
  sink(new Uint8Array(values.buffer));
}

/**
 * Random ternary codes, already packed, then the scale tail. Weights are
 * independent, so drawing packed bytes directly is the same distribution as
 * packing random weights with packI2S (-1: 1/4, 0: 1/2, +1: 1/4), and 30× faster.
 */
function writeTernary(sink: TensorSink, count: number, rng: Xorshift128): void {
  const codeBytes = count / 4;
  const words = new Uint32Array(Math.min(CHUNK_WORDS, Math.ceil(codeBytes / 4)));
  for (let left = codeBytes; left > 0; left -= words.length * 4) {
    rng.fill(words);
    for (let i = 0; i < words.length; i++) {
      const x = words[i]!;
      // Code 3 never appears in a real file: turn every 0b11 pair into 0b01 (zero).
      words[i] = x ^ ((x & (x >>> 1) & 0x55555555) << 1);
    }
    sink(new Uint8Array(words.buffer, 0, Math.min(left, words.length * 4)));
  }
  const tail = new Uint8Array(I2S_TAIL_BYTES);
  // Scales like the official file's (0.74 to 4.6); the 28 bytes after it stay zero.
  new DataView(tail.buffer).setFloat32(0, 0.75 + 3.75 * rng.nextFloat(), true);
  sink(tail);
}

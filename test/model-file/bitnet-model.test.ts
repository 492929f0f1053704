import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkBitnetModel, readBitnetModel } from '../../src/model-file/bitnet-model';
import { GGML_TYPE } from '../../src/model-file/ggml-types';
import { readGguf } from '../../src/model-file/gguf-reader';
import { writeGguf, type GgufTypedValue } from '../../src/model-file/gguf-writer';
import { bitnetLayout, type BitnetLayout } from '../../src/model-file/make-model';
import { smallModelOptions, smallVocab, tempDir, tinyModelPath } from '../helpers/model-files';
import { expectGgufError } from '../helpers/gguf-errors';

const dir = tempDir();
const SMALL_TOKENS = smallVocab().tokens.length;
let counter = 0;


/** Writes the small model after `edit` changed its layout; returns the path. */
function writeEdited(edit: (layout: BitnetLayout) => void): string {
  const layout = bitnetLayout(smallModelOptions());
  edit(layout);
  const file = path.join(dir, `edited-${counter++}.gguf`);
  writeGguf(file, layout);
  return file;
}

function setMeta(layout: BitnetLayout, key: string, value: GgufTypedValue | undefined): void {
  const i = layout.metadata.findIndex(([k]) => k === key);
  assert.ok(i >= 0, key);
  if (value === undefined) layout.metadata.splice(i, 1);
  else layout.metadata[i] = [key, value];
}

test('the tiny model reads back with its hyperparameters, tensors and Llama 3 vocabulary', () => {
  const m = readBitnetModel(tinyModelPath());
  assert.equal(m.architecture, 'bitnet-b1.58');
  assert.equal(m.name, 'bitnet2b');
  assert.deepEqual(m.hparams, {
    vocabSize: 128256,
    contextLength: 4096,
    embeddingLength: 128,
    blockCount: 2,
    feedForwardLength: 256,
    headCount: 4,
    headCountKv: 2,
    ropeFreqBase: 500000,
    rmsEpsilon: Math.fround(1e-5),
  });
  assert.equal(m.tensors.length, 2 + 2 * 11);
  const embd = m.tensors.find((t) => t.name === 'token_embd.weight')!;
  assert.deepEqual([embd.type, embd.dims, embd.bytes], [GGML_TYPE.F16, [128, 128256], 128 * 128256 * 2]);
  const k = m.tensors.find((t) => t.name === 'blk.1.attn_k.weight')!;
  assert.deepEqual([k.type, k.dims, k.bytes], [GGML_TYPE.I2_S, [128, 64], (128 * 64) / 4 + 32]);
  const subNorm = m.tensors.find((t) => t.name === 'blk.0.ffn_sub_norm.weight')!;
  assert.deepEqual([subNorm.type, subNorm.dims], [GGML_TYPE.F32, [256]]);
  for (const t of m.tensors) assert.ok(t.offset + t.bytes <= m.fileSize && t.offset % 32 === 0, t.name);

  const v = m.vocab;
  assert.equal(v.tokens.length, 128256);
  assert.equal(v.merges.length, 280147);
  assert.deepEqual([v.bosId, v.eosId, v.eotId], [128000, 128001, 128009]);
  assert.equal(v.tokens[128009], '<|eot_id|>');
  assert.equal(v.tokenTypes.filter((t) => t === 3).length, 256);
  assert.equal(v.tokens[0], '!');
  assert.equal(v.merges[0], 'Ġ Ġ');
});

test('the tiny model carries the official metadata keys in the official order and types', () => {
  const g = readGguf(tinyModelPath());
  const a = 'bitnet-b1.58';
  assert.deepEqual(
    [...g.metadata.keys()].map((key) => `${key}:${g.metadataTypes.get(key)}`),
    [
      'general.architecture:8', 'general.name:8', `${a}.vocab_size:4`, `${a}.context_length:4`,
      `${a}.embedding_length:4`, `${a}.block_count:4`, `${a}.feed_forward_length:4`, `${a}.rope.dimension_count:4`,
      `${a}.attention.head_count:4`, `${a}.attention.head_count_kv:4`, 'tokenizer.ggml.add_bos_token:7',
      `${a}.attention.layer_norm_rms_epsilon:6`, `${a}.rope.freq_base:6`, 'general.file_type:4', 'tokenizer.ggml.model:8',
      'tokenizer.ggml.tokens:9', 'tokenizer.ggml.scores:9', 'tokenizer.ggml.token_type:9', 'tokenizer.ggml.merges:9',
      'tokenizer.ggml.bos_token_id:4', 'tokenizer.ggml.eos_token_id:4', 'tokenizer.ggml.padding_token_id:4',
      'tokenizer.chat_template:8', 'general.quantization_version:4',
    ],
  );
  assert.equal(g.metadata.get('general.file_type'), 40);
  assert.equal(g.metadata.get('tokenizer.ggml.padding_token_id'), 128001);
  const scores = g.metadata.get('tokenizer.ggml.scores') as number[];
  assert.deepEqual([scores[0], scores[127999], scores[128000], scores[128255]], [0, 0, -1000, -1000]);
});

test('a Llama GGUF is rejected as not a BitNet b1.58 model', () => {
  const file = path.join(dir, 'llama.gguf');
  writeGguf(file, {
    metadata: [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['llama.block_count', { type: 'u32', value: 1 }],
    ],
    tensors: [],
  });
  expectGgufError(() => readBitnetModel(file), 'WRONG_ARCHITECTURE', /^this file is a Llama GGUF, not a BitNet b1\.58 model$/);
});

test('other architectures and a missing architecture are named in the error', () => {
  const arch = (value: GgufTypedValue | undefined) =>
    writeEdited((l) => setMeta(l, 'general.architecture', value));
  expectGgufError(() => readBitnetModel(arch({ type: 'string', value: 'qwen2' })), 'WRONG_ARCHITECTURE', /a Qwen2 GGUF, not a BitNet/);
  expectGgufError(() => readBitnetModel(arch({ type: 'string', value: 'bitnet' })), 'WRONG_ARCHITECTURE', /mainline llama\.cpp BitNet GGUF/);
  expectGgufError(() => readBitnetModel(arch({ type: 'string', value: 'mamba' })), 'WRONG_ARCHITECTURE', /a GGUF for the "mamba" architecture/);
  expectGgufError(() => readBitnetModel(arch(undefined)), 'WRONG_ARCHITECTURE', /no general\.architecture/);
});

test('a file of another architecture is refused at its first metadata key, before the rest of its header is read', () => {
  const file = path.join(dir, 'llama-cut.gguf');
  writeGguf(file, {
    metadata: [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', items: ['a', 'b'] }],
    ],
    tensors: [],
  });
  // Cut right after the architecture: the rest of the header is missing.
  const cut = 24 + 8 + 'general.architecture'.length + 4 + 8 + 'llama'.length;
  fs.truncateSync(file, cut);
  expectGgufError(() => readGguf(file), 'TRUNCATED', /truncated/);
  expectGgufError(() => readBitnetModel(file), 'WRONG_ARCHITECTURE', /a Llama GGUF, not a BitNet b1\.58 model/);
});

test('an architecture named only after the vocabulary is refused', () => {
  const file = writeEdited((l) => {
    const i = l.metadata.findIndex(([k]) => k === 'general.architecture');
    l.metadata.push(...l.metadata.splice(i, 1));
  });
  expectGgufError(() => readBitnetModel(file), 'WRONG_ARCHITECTURE', /no general\.architecture ahead of its vocabulary/);
});

test('a header claiming more tensors than a BitNet model has is refused before its metadata is read', () => {
  const bytes = fs.readFileSync(tinyModelPath());
  bytes.writeBigUInt64LE(100_000n, 8);
  const file = path.join(dir, 'many-tensors.gguf');
  fs.writeFileSync(file, bytes);
  expectGgufError(() => readBitnetModel(file), 'BAD_TENSOR', /the file claims 100000 tensors; a BitNet b1\.58 model has at most 16384/);
});

test('the first upload\'s bitnet-25 architecture name is accepted', () => {
  const file = path.join(dir, 'b25.gguf');
  writeGguf(file, bitnetLayout(smallModelOptions({ architecture: 'bitnet-25', name: 'bitnet2b_2501' })));
  const m = readBitnetModel(file);
  assert.equal(m.architecture, 'bitnet-25');
  assert.equal(m.name, 'bitnet2b_2501');
  assert.equal(m.hparams.embeddingLength, 128);
});

test('a missing tensor is named', () => {
  const file = writeEdited((l) => l.tensors.splice(l.tensors.findIndex((t) => t.name === 'blk.0.ffn_up.weight'), 1));
  expectGgufError(() => readBitnetModel(file), 'MISSING_TENSOR', /^the model is missing the tensor "blk\.0\.ffn_up\.weight"$/);
});

test('a tensor of the wrong type or shape is named with what was expected', () => {
  const retype = writeEdited((l) => {
    const t = l.tensors.find((x) => x.name === 'token_embd.weight')!;
    t.type = GGML_TYPE.F32;
    const bytes = t.dims[0]! * t.dims[1]! * 4;
    t.write = (sink) => sink(new Uint8Array(bytes));
  });
  expectGgufError(() => readBitnetModel(retype), 'BAD_TENSOR', /"token_embd\.weight" is F32; a BitNet b1\.58 model stores it as F16 \(only F16 token embeddings are supported\)/);

  const reshape = writeEdited((l) => {
    const t = l.tensors.find((x) => x.name === 'blk.0.ffn_sub_norm.weight')!;
    t.dims = [128];
    t.write = (sink) => sink(new Uint8Array(512));
  });
  expectGgufError(() => readBitnetModel(reshape), 'BAD_TENSOR', /"blk\.0\.ffn_sub_norm\.weight" has shape 128, expected 256/);
});

test('input widths that are not a multiple of 128 are rejected', () => {
  const file = writeEdited((l) => setMeta(l, 'bitnet-b1.58.feed_forward_length', { type: 'u32', value: 200 }));
  expectGgufError(() => readBitnetModel(file), 'BAD_TENSOR', /feed-forward length 200 is not a multiple of 128/);
});

test('missing or inconsistent hyperparameters are reported', () => {
  const noBlocks = writeEdited((l) => setMeta(l, 'bitnet-b1.58.block_count', undefined));
  expectGgufError(() => readBitnetModel(noBlocks), 'CORRUPT', /bitnet-b1\.58\.block_count is missing/);
  const badVocab = writeEdited((l) => setMeta(l, 'bitnet-b1.58.vocab_size', { type: 'u32', value: 5 }));
  expectGgufError(() => readBitnetModel(badVocab), 'CORRUPT', new RegExp(`vocab_size is 5 but the tokenizer has ${SMALL_TOKENS} tokens`));
  const badHeads = writeEdited((l) => setMeta(l, 'bitnet-b1.58.attention.head_count', { type: 'u32', value: 3 }));
  expectGgufError(() => readBitnetModel(badHeads), 'CORRUPT', /do not divide the embedding length 128/);
  const badRope = writeEdited((l) => setMeta(l, 'bitnet-b1.58.rope.dimension_count', { type: 'u32', value: 32 }));
  expectGgufError(() => readBitnetModel(badRope), 'CORRUPT', /RoPE covers 32 dimensions of each 64-wide head/);
  const textEps = writeEdited((l) => setMeta(l, 'bitnet-b1.58.attention.layer_norm_rms_epsilon', { type: 'string', value: 'tiny' }));
  expectGgufError(() => readBitnetModel(textEps), 'CORRUPT', /layer_norm_rms_epsilon is the text "tiny"; expected a number/);
});

test('a tokenizer other than byte-level BPE, or a broken one, is reported', () => {
  const spm = writeEdited((l) => setMeta(l, 'tokenizer.ggml.model', { type: 'string', value: 'llama' }));
  expectGgufError(() => readBitnetModel(spm), 'CORRUPT', /its tokenizer is "llama"; only the byte-level BPE tokenizer \("gpt2"\) is supported/);
  const noMerges = writeEdited((l) => setMeta(l, 'tokenizer.ggml.merges', undefined));
  expectGgufError(() => readBitnetModel(noMerges), 'CORRUPT', /tokenizer\.ggml\.merges is missing/);
  const badTypes = writeEdited((l) => setMeta(l, 'tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', items: [1, 1] }));
  expectGgufError(() => readBitnetModel(badTypes), 'CORRUPT', new RegExp(`token_type must be ${SMALL_TOKENS} integers`));
  const badBos = writeEdited((l) => setMeta(l, 'tokenizer.ggml.bos_token_id', { type: 'u32', value: 1_000_000 }));
  expectGgufError(() => readBitnetModel(badBos), 'CORRUPT', new RegExp(`bos_token_id is 1000000; expected an integer from 0 to ${SMALL_TOKENS - 1}`));
});

test('the model check works on a parsed file and returns tensors in a fixed order', () => {
  const file = writeEdited((l) => l.tensors.reverse());
  const m = checkBitnetModel(readGguf(file));
  assert.equal(m.tensors[0]!.name, 'token_embd.weight');
  assert.equal(m.tensors.at(-1)!.name, 'output_norm.weight');
  assert.ok(fs.statSync(file).size === m.fileSize);
});

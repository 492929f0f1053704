// Opens a GGUF and checks it is a BitNet b1.58 model we can run: the
// architecture, the hyperparameters, every tensor with the type and shape the
// forward pass expects, and the byte-level BPE tokenizer data. The result is
// what the engine hands to the native addon and to the tokenizer.
import type { ModelHyperparams, TensorEntry } from '../../native';
import { bitnetTensorShapes, type ModelShape } from './bitnet-tensors';
import { GGML_TYPE, ggmlTypeName } from './ggml-types';
import { GgufError, readGguf, type GgufExpectations, type GgufFile, type GgufValue } from './gguf-reader';
import MODEL_LIMITS from '../../native/model-limits.json';

/** Bounds of a hyperparameter: [min, max] for the integers, (min, max] for the RoPE base.
 *  The native loader is built with the same file, so both accept the same models. */
function limit(name: keyof typeof MODEL_LIMITS): [min: number, max: number] {
  const [min, max] = MODEL_LIMITS[name];
  return [min!, max!];
}

export const BITNET_ARCHITECTURES = ['bitnet-b1.58', 'bitnet-25'] as const;

export interface BitnetVocab {
  tokens: string[];
  merges: string[];
  tokenTypes: number[];
  bosId: number;
  eosId: number;
  /** Id of `<|eot_id|>`, or -1 when the vocabulary has no such token. */
  eotId: number;
}

export interface BitnetModelInfo {
  architecture: string;
  name: string;
  fileSize: number;
  hparams: ModelHyperparams;
  /** The tensors the forward pass uses, in a fixed order (docs/model-file.md, Tensors). */
  tensors: TensorEntry[];
  vocab: BitnetVocab;
}

/** ggml's I2_S packs 128-weight blocks, so every input width must be a multiple of it. */
const K_MULTIPLE = 128;
const TOKEN_TYPE_NORMAL = 1;

/**
 * What a BitNet b1.58 file looks like, checked while its header is read, so
 * that another model or a hostile header is refused before the rest is
 * parsed. Each limit is several times what the official 2B4T file needs (332
 * tensors, 24 keys, a 7.6 MB header holding 0.54 M values).
 */
export const BITNET_EXPECTATIONS: GgufExpectations = {
  kind: 'a BitNet b1.58 model',
  architecture: (value) => checkArchitectureValue(value),
  // 11 a block (2 more in all); optional extras (biases, rope factors) fit too.
  maxTensors: 32 * limit('blockCount')[1],
  maxKeys: 1024,
  // Room for the largest vocabulary the limits allow (its tokens, types and merges).
  maxHeaderBytes: 32 * 1024 * 1024,
  maxValues: 4 * 1024 * 1024,
};

export function readBitnetModel(path: string): BitnetModelInfo {
  return checkBitnetModel(readGguf(path, BITNET_EXPECTATIONS));
}

export function checkBitnetModel(file: GgufFile): BitnetModelInfo {
  const architecture = checkArchitecture(file);
  const meta = new Metadata(file, architecture);
  const vocab = readVocab(meta);
  const hparams = readHparams(meta, vocab.tokens.length);
  const tensors = checkTensors(file, hparams);
  const name = meta.optionalString('general.name') ?? '';
  return { architecture, name, fileSize: file.fileSize, hparams, tensors, vocab };
}

function checkArchitecture(file: GgufFile): string {
  return checkArchitectureValue(file.metadata.get('general.architecture'));
}

function checkArchitectureValue(arch: GgufValue | undefined): string {
  if (typeof arch !== 'string') {
    throw new GgufError(
      'WRONG_ARCHITECTURE',
      'this GGUF file does not say which model it holds (no general.architecture ahead of its vocabulary), so it is not a BitNet b1.58 model',
    );
  }
  if ((BITNET_ARCHITECTURES as readonly string[]).includes(arch)) return arch;
  throw new GgufError('WRONG_ARCHITECTURE', `this file is ${describeArchitecture(arch)}, not a BitNet b1.58 model`);
}

function describeArchitecture(arch: string): string {
  const known: Record<string, string> = {
    llama: 'a Llama GGUF',
    bitnet: 'a mainline llama.cpp BitNet GGUF (architecture "bitnet", not the I2_S "bitnet-b1.58" file)',
    qwen2: 'a Qwen2 GGUF',
    qwen3: 'a Qwen3 GGUF',
    gemma: 'a Gemma GGUF',
    gemma2: 'a Gemma 2 GGUF',
    gemma3: 'a Gemma 3 GGUF',
    phi3: 'a Phi-3 GGUF',
    mistral: 'a Mistral GGUF',
    gpt2: 'a GPT-2 GGUF',
    starcoder2: 'a StarCoder2 GGUF',
  };
  const safe = arch.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
  return known[arch] ?? `a GGUF for the "${safe}" architecture`;
}

function readHparams(meta: Metadata, tokenCount: number): ModelHyperparams {
  const vocabSize = meta.optionalInt('vocab_size', ...limit('vocabSize')) ?? tokenCount;
  if (vocabSize !== tokenCount) {
    throw corrupt(`vocab_size is ${vocabSize} but the tokenizer has ${tokenCount} tokens`);
  }
  if (tokenCount > limit('vocabSize')[1]) corruptThrow(`the tokenizer has ${tokenCount} tokens; at most ${limit('vocabSize')[1]} are supported`);
  const embeddingLength = meta.int('embedding_length', ...limit('embeddingLength'));
  const feedForwardLength = meta.int('feed_forward_length', ...limit('feedForwardLength'));
  const headCount = meta.int('attention.head_count', ...limit('headCount'));
  const headCountKv = meta.optionalInt('attention.head_count_kv', ...limit('headCountKv')) ?? headCount;
  const hparams: ModelHyperparams = {
    vocabSize,
    contextLength: meta.int('context_length', ...limit('contextLength')),
    embeddingLength,
    blockCount: meta.int('block_count', ...limit('blockCount')),
    feedForwardLength,
    headCount,
    headCountKv,
    ropeFreqBase: meta.optionalFloat('rope.freq_base') ?? 10000,
    rmsEpsilon: meta.float('attention.layer_norm_rms_epsilon'),
  };
  if (!(hparams.rmsEpsilon > 0 && hparams.rmsEpsilon < 1)) corruptThrow(`the RMS norm epsilon ${hparams.rmsEpsilon} is not in (0, 1)`);
  const [ropeMin, ropeMax] = limit('ropeFreqBase');
  if (!(hparams.ropeFreqBase > ropeMin && hparams.ropeFreqBase <= ropeMax)) {
    corruptThrow(`the RoPE base ${hparams.ropeFreqBase} is not in (${ropeMin}, ${ropeMax}]`);
  }
  if (embeddingLength % headCount !== 0 || headCount % headCountKv !== 0) {
    corruptThrow(`${headCount} heads / ${headCountKv} KV heads do not divide the embedding length ${embeddingLength}`);
  }
  const headDim = embeddingLength / headCount;
  if (headDim % 2 !== 0) corruptThrow(`the head size ${headDim} is odd; RoPE needs an even size`);
  const [headMin, headMax] = limit('headDim');
  if (headDim < headMin || headDim > headMax) corruptThrow(`the head size ${headDim} is not between ${headMin} and ${headMax}`);
  const rot = meta.optionalInt('rope.dimension_count', 1, 1 << 16);
  if (rot !== undefined && rot !== headDim) {
    corruptThrow(`RoPE covers ${rot} dimensions of each ${headDim}-wide head; BitNet b1.58 rotates the whole head`);
  }
  for (const [what, k] of [['embedding length', embeddingLength], ['feed-forward length', feedForwardLength]] as const) {
    if (k % K_MULTIPLE !== 0) {
      throw new GgufError('BAD_TENSOR', `the ${what} ${k} is not a multiple of ${K_MULTIPLE}, which I2_S weights need`);
    }
  }
  return hparams;
}

function checkTensors(file: GgufFile, h: ModelHyperparams): TensorEntry[] {
  const byName = new Map(file.tensors.map((t) => [t.name, t]));
  const shape: ModelShape = {
    embeddingLength: h.embeddingLength,
    feedForwardLength: h.feedForwardLength,
    blockCount: h.blockCount,
    headCount: h.headCount,
    headCountKv: h.headCountKv,
    contextLength: h.contextLength,
  };
  return bitnetTensorShapes(shape, h.vocabSize).map((want) => {
    const t = byName.get(want.name);
    if (!t) throw new GgufError('MISSING_TENSOR', `the model is missing the tensor "${want.name}"`);
    if (t.type !== want.type) {
      const hint = want.type === GGML_TYPE.F16 ? ' (only F16 token embeddings are supported)' : '';
      throw new GgufError(
        'BAD_TENSOR',
        `tensor "${want.name}" is ${ggmlTypeName(t.type)}; a BitNet b1.58 model stores it as ${ggmlTypeName(want.type)}${hint}`,
      );
    }
    if (t.dims.length !== want.dims.length || t.dims.some((d, i) => d !== want.dims[i])) {
      throw new GgufError('BAD_TENSOR', `tensor "${want.name}" has shape ${t.dims.join('×')}, expected ${want.dims.join('×')}`);
    }
    return { name: t.name, type: t.type, dims: [...t.dims], offset: t.offset, bytes: t.bytes };
  });
}

function readVocab(meta: Metadata): BitnetVocab {
  const model = meta.optionalString('tokenizer.ggml.model', false);
  if (model !== 'gpt2') {
    throw corrupt(
      model === undefined
        ? 'it has no tokenizer (tokenizer.ggml.model is missing)'
        : `its tokenizer is "${model}"; only the byte-level BPE tokenizer ("gpt2") is supported`,
    );
  }
  const tokens = meta.stringArray('tokenizer.ggml.tokens');
  if (tokens.length === 0) corruptThrow('the tokenizer has no tokens');
  const merges = meta.stringArray('tokenizer.ggml.merges');
  const types = meta.file.metadata.get('tokenizer.ggml.token_type');
  let tokenTypes: number[];
  if (types === undefined) {
    tokenTypes = new Array<number>(tokens.length).fill(TOKEN_TYPE_NORMAL);
  } else {
    if (!Array.isArray(types) || types.length !== tokens.length || !types.every((t) => typeof t === 'number')) {
      corruptThrow(`tokenizer.ggml.token_type must be ${tokens.length} integers, one per token`);
    }
    tokenTypes = types as number[];
  }
  const special = (key: string, text: string): number => {
    const id = meta.optionalInt(key, 0, tokens.length - 1, false) ?? tokens.indexOf(text);
    if (id < 0) corruptThrow(`${key} is missing and there is no "${text}" token`);
    return id;
  };
  return {
    tokens,
    merges,
    tokenTypes,
    bosId: special('tokenizer.ggml.bos_token_id', '<|begin_of_text|>'),
    eosId: special('tokenizer.ggml.eos_token_id', '<|end_of_text|>'),
    eotId: tokens.indexOf('<|eot_id|>'),
  };
}

/** Typed access to metadata, with keys relative to the architecture unless `scoped` is false. */
class Metadata {
  constructor(
    readonly file: GgufFile,
    private readonly arch: string,
  ) {}

  private key(k: string, scoped: boolean): string {
    return scoped ? `${this.arch}.${k}` : k;
  }

  private get(k: string, scoped: boolean): GgufValue | undefined {
    return this.file.metadata.get(this.key(k, scoped));
  }

  int(k: string, min: number, max: number, scoped = true): number {
    const v = this.optionalInt(k, min, max, scoped);
    if (v === undefined) corruptThrow(`${this.key(k, scoped)} is missing`);
    return v;
  }

  optionalInt(k: string, min: number, max: number, scoped = true): number | undefined {
    const v = this.get(k, scoped);
    if (v === undefined) return undefined;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      corruptThrow(`${this.key(k, scoped)} is ${describe(v)}; expected an integer from ${min} to ${max}`);
    }
    return n;
  }

  float(k: string): number {
    const v = this.optionalFloat(k);
    if (v === undefined) corruptThrow(`${this.key(k, true)} is missing`);
    return v;
  }

  optionalFloat(k: string): number | undefined {
    const v = this.get(k, true);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) corruptThrow(`${this.key(k, true)} is ${describe(v)}; expected a number`);
    return v;
  }

  optionalString(k: string, scoped = false): string | undefined {
    const v = this.get(k, scoped);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') corruptThrow(`${this.key(k, scoped)} is ${describe(v)}; expected text`);
    return v;
  }

  stringArray(k: string): string[] {
    const v = this.file.metadata.get(k);
    if (v === undefined) corruptThrow(`${k} is missing`);
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) corruptThrow(`${k} must be an array of strings`);
    return v as string[];
  }
}

function describe(v: GgufValue): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the text "${v.slice(0, 40)}"`;
  return String(v);
}

function corrupt(message: string): GgufError {
  return new GgufError('CORRUPT', `this BitNet model file is damaged: ${message}`);
}

function corruptThrow(message: string): never {
  throw corrupt(message);
}

// The native addon's surface, typed once. Four callers load the addon, each
// off the extension host's main thread: the engine worker, the addon probe
// (a short-lived child process), the CLI's commands and `bitnet serve`.
// Everything else imports these types.

export interface CpuFeatures {
  arch: 'x64' | 'arm64' | 'other';
  avx2: boolean;
  fma: boolean;
  f16c: boolean;
  /** 256-bit VNNI (Intel client cores since Alder Lake). */
  avxvnni: boolean;
  avx512: boolean;
  avx512vnni: boolean;
  /** AMX-INT8 tiles, usable by this process (prefill runs on them). */
  amx: boolean;
  neon: boolean;
  dotprod: boolean;
  logicalCores: number;
  physicalCores: number;
}

/** One tensor as the TypeScript GGUF reader found it; offsets are absolute. */
export interface TensorEntry {
  name: string;
  /** ggml type id: 0 F32, 1 F16, 36 I2_S. */
  type: number;
  /** ggml order: dims[0] is the contiguous (input) dimension. */
  dims: number[];
  /** Absolute byte offset of the tensor data in the file. */
  offset: number;
  /** Byte size of the tensor data (I2_S: packed codes + 32-byte tail). */
  bytes: number;
}

export interface ModelHyperparams {
  vocabSize: number;
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  ropeFreqBase: number;
  rmsEpsilon: number;
}

/** The output layer. 'int8': a compact copy of the tied LM head made at
 *  load (fast, default). 'f16': the file's F16 embedding rows, copied
 *  (exact, for parity tests). 'q4': a 4-bit copy (half the int8 copy's
 *  memory) screens the vocabulary, and its 64 highest rows are computed
 *  again from the file's F16 rows: those logits are the 'f16' head's bits. */
export type LmHead = 'int8' | 'f16' | 'q4';

/** How a model's contexts store their KV cache. 'f16': what the reference
 *  stores, exact. 'i8': int8 K and V rows with one f32 scale each, about half
 *  the memory (docs/exactness.md, The 8-bit KV cache). */
export type KvCache = 'f16' | 'i8';

export interface LoadOptions {
  path: string;
  hparams: ModelHyperparams;
  tensors: TensorEntry[];
  /** Worker threads for compute; 0 means one per physical core. */
  threads?: number;
  /** The output layer (see LmHead); default 'int8'. */
  lmHead?: LmHead;
  /** How every context of the model stores its KV cache (see KvCache); default 'f16'. */
  kvCache?: KvCache;
  /** Kernel set to use; default the fastest this CPU runs. For tests. */
  kernels?: string;
  /** 2 MiB pages for the weights (default true): decode 20-35% faster,
   *  load a few seconds slower where the OS must compact memory first. */
  hugePages?: boolean;
}

export interface ModelStats {
  loadMs: number;
  /** Bytes of weights the engine keeps (repacked ternary, head, norms). */
  weightBytes: number;
  /** Bytes read from memory per decoded token (weights + head). */
  bytesPerToken: number;
  lmHead: LmHead;
  kvCache: KvCache;
  kernels: string;
  threads: number;
}

export interface EvalOptions {
  /** Return logits for every evaluated position, not just the last. */
  allLogits?: boolean;
  /** Int32Array over a SharedArrayBuffer; non-zero at index 0 aborts. */
  abort?: Int32Array;
}

export interface NativeContext {
  /** Most tokens the KV cache holds. */
  readonly capacity: number;
  /** Tokens now in the KV cache (the next eval starts at this position). */
  readonly length: number;
  /** Bytes of the KV cache at full capacity, values and (with kvCache 'i8') scales; its pages are paid for as positions fill. */
  readonly kvBytes: number;
  /**
   * Evaluates `tokens` at positions length..length+n-1 and appends them to
   * the KV cache. Returns a view (not a copy) of the logits: vocabSize floats,
   * or n × vocabSize with allLogits. The view is valid until the next eval.
   * On abort it throws an Error with code 'ABORTED'; `length` then counts
   * only the tokens whose evaluation finished. The same holds for
   * 'MODEL_CHANGED': the model file was truncated or written to since it was
   * loaded, and every later eval fails too (load the model again).
   */
  eval(tokens: Int32Array | number[], options?: EvalOptions): Float32Array;
  /** Keeps the first n tokens of the KV cache and forgets the rest. */
  trim(n: number): void;
  free(): void;
}

export interface NativeModel {
  readonly stats: ModelStats;
  createContext(capacity: number): NativeContext;
  /**
   * Evaluates tokens[i] (one id, or up to min(128, capacity) of them) in
   * contexts[i] for 1 to 64 contexts of this model, each once, 256 tokens at
   * most in all, in one pass over the weights, and appends them to each
   * context's KV cache. Returns a view of contexts.length × vocabSize
   * logits, row i the last position of contexts[i], bit for bit what
   * contexts[i].eval(tokens[i]) gives; valid until the next call. On abort
   * it throws code 'ABORTED' and no context's length changes.
   */
  evalBatch(contexts: NativeContext[], tokens: (number | number[] | Int32Array)[], options?: { abort?: Int32Array }): Float32Array;
  setThreads(threads: number): void;
  free(): void;
}

/**
 * `code` of the Errors the addon throws: INVALID_ARGUMENT (misuse: types,
 * ranges, capacity, token ids), BAD_MODEL (file, table or hyperparameters do
 * not match), IO_ERROR (open/read failed), MODEL_CHANGED (the file was
 * truncated or written to since it was loaded; load it again),
 * OUT_OF_MEMORY, ABORTED (the abort flag was raised), FREED (the model or
 * context was freed).
 */
export type NativeErrorCode = 'INVALID_ARGUMENT' | 'BAD_MODEL' | 'IO_ERROR' | 'MODEL_CHANGED' | 'OUT_OF_MEMORY' | 'ABORTED' | 'FREED';

export interface BitnetAddon {
  version(): string;
  cpuFeatures(): CpuFeatures;
  /** Throws an Error with a clear message if the file does not match. */
  loadModel(options: LoadOptions): NativeModel;
}

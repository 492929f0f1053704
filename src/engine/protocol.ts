// The messages between EngineClient (extension host) and the engine worker,
// and the public types of the generation service, typed once and imported by
// both sides and by the editor features.
import type { CpuFeatures, KvCache, LmHead } from '../../native';
import type { ChatMessage } from '../tokenizer/chat-template';
import type { SamplingOptions } from './decoding/sampler';

/** Data the worker is started with. */
export interface WorkerData {
  /** The extension's root folder, where prebuilds/ and build/ live. */
  extensionRoot: string;
}

// ---- The generation service's public types -------------------------------

export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to generate. */
  maxTokens: number;
  /** Generation ends (stopReason 'stop') before the first of these; it is not included. */
  stop?: string[];
  /**
   * Generation ends (stopReason 'time') once this long has passed since the
   * first generated token. Reading the prompt does not count: a request whose
   * prompt is still being read is waiting, not failing.
   */
  timeBudgetMs?: number;
}

/**
 * What inline completion asks the model to continue: the full prompt, and a
 * shorter one (the same header, less of the file) for when the full one is
 * not in the KV cache yet and would take this CPU too long to read. The
 * worker picks one, and reads the full one in the background.
 */
export interface CompletionPrompt {
  full: string;
  cold?: string;
}

/** A cold prompt is used when the full one needs more than this much reading at the measured rate. */
export const COLD_PROMPT_SECONDS = 1;

export type { ChatMessage } from '../tokenizer/chat-template';

export type GenerationKind = 'completion' | 'chat';

/** The KV caches of a loaded model: one per generation kind, and the cold completion window. */
export type SequenceName = GenerationKind | 'cold';

/** How far a request has got in reading its prompt. */
export interface PromptProgress {
  /** Prompt tokens in the KV cache now (reused ones included). */
  done: number;
  total: number;
}

export type EngineStatus =
  | { state: 'no-model' }
  /** The model file is being read into memory. */
  | { state: 'loading'; path: string }
  /** The model is in memory and requests are served. */
  | { state: 'ready'; path: string }
  /** A model is set but not in memory (not loaded yet, or freed when idle): the next request loads it. */
  | { state: 'unloaded'; path: string }
  /** A request is reading its prompt into the KV cache. */
  | { state: 'reading'; kind: GenerationKind; progress: PromptProgress }
  | { state: 'generating'; kind: GenerationKind }
  | { state: 'error'; message: string; /** The worker died and a new one is on its way. */ restarting?: boolean };

export type StopReason = 'eos' | 'stop' | 'length' | 'time' | 'aborted';

export interface GenerationStats {
  /** Tokens in the prompt, BOS included. */
  promptTokens: number;
  /** Prompt tokens found in the sequence's KV cache and not evaluated again. */
  reusedTokens: number;
  generatedTokens: number;
  /** Time spent evaluating the prompt's new tokens. */
  prefillMs: number;
  /** From the worker receiving the request to the first generated token (0 if none). */
  firstTokenMs: number;
  /** Completion: which prompt was read (see CompletionPrompt). */
  window?: 'full' | 'cold';
  /** The prefill rate the engine measured, tokens per second (undefined before any). */
  prefillTokensPerSecond?: number;
  /** Generated tokens per second after the first one. */
  tokensPerSecond: number;
  stopReason: StopReason;
}

export interface ModelConfig {
  /** The GGUF file; undefined when none is set. */
  path: string | undefined;
  /** Compute threads; 0 means one per physical core. */
  threads: number;
  /** KV cache size in tokens of each sequence. */
  contextSizes: { completion: number; chat: number };
  /** The model is freed after this long without a request. */
  idleUnloadMs: number;
  /** A kernel table to use instead of the fastest this CPU runs (benchmarks: an older CPU's speed). */
  kernels?: string;
  /** How the KV caches are stored (native LoadOptions.kvCache). */
  kvCache: KvCache;
  /** The output layer (native LoadOptions.lmHead). */
  lmHead: LmHead;
}

export const DEFAULT_MODEL_CONFIG: Omit<ModelConfig, 'path'> = {
  threads: 0,
  contextSizes: { completion: 2048, chat: 4096 },
  idleUnloadMs: 15 * 60_000,
  // The compact numbers: with both contexts full the engine fits in 1 GiB
  // instead of 1.35 (test/bench/memory.bench.ts; docs/exactness.md says
  // what each one changes).
  kvCache: 'i8',
  lmHead: 'q4',
};

export interface SequenceStats {
  /** Most tokens its KV cache holds. */
  capacity: number;
  /** Tokens in its KV cache now. */
  tokens: number;
  kvBytes: number;
}

export interface LoadedModelStats {
  path: string;
  fileBytes: number;
  loadMs: number;
  weightBytes: number;
  kernels: string;
  threads: number;
  lmHead: LmHead;
  kvCache: KvCache;
  sequences: Record<SequenceName, SequenceStats>;
}

export interface EngineStats {
  addonVersion: string;
  cpu: CpuFeatures;
  /** The model file set, loaded or not. */
  modelPath: string | undefined;
  /** Undefined while no model is in memory (not yet loaded, or unloaded when idle). */
  model: LoadedModelStats | undefined;
  last: Partial<Record<GenerationKind, GenerationStats>>;
  /** How fast this CPU reads prompts now, tokens per second (undefined before any). */
  prefillTokensPerSecond?: number;
  /** Prompt tokens evaluated since the worker started, by requests and background reading alike. */
  prefilledTokens?: number;
}

// ---- Abort flags -----------------------------------------------------------

/** Values of a request's abort flag, an Int32Array(1) over a SharedArrayBuffer.
 *  The worker reads it before each step (a prompt piece or one token), so a
 *  piece already started always finishes and stays in the KV cache. */
export const RUN = 0;
/** The caller cancelled, or a newer completion superseded this one. */
export const CANCEL = 1;

// ---- Messages --------------------------------------------------------------

export interface HelloResult {
  addonVersion: string;
  cpu: CpuFeatures;
  node: string;
  platform: string;
}

/** Each request kind with its parameters and its result. */
export interface RequestMap {
  hello: { params: Record<string, never>; result: HelloResult };
  countTokens: { params: { text: string }; result: number };
  stats: { params: Record<string, never>; result: EngineStats };
  /** Loads the model now (if one is set) so the first suggestion does not wait for it. */
  preload: { params: Record<string, never>; result: void };
}

export type RequestKind = keyof RequestMap;

export interface RequestMessage<K extends RequestKind = RequestKind> {
  type: 'request';
  id: number;
  kind: K;
  params: RequestMap[K]['params'];
}

/** Starts a generation; the worker answers with chunks and then one end or failed message. */
export interface GenerateMessage {
  type: 'generate';
  id: number;
  kind: GenerationKind;
  /** Completion: the prompts to continue. Chat: the conversation. */
  input: CompletionPrompt | ChatMessage[];
  options: GenerateOptions;
  /** Int32Array(1) over a SharedArrayBuffer; see RUN and CANCEL. */
  abort: Int32Array;
}

/** Sets the model and its settings; the worker applies it before the next generation. */
export interface ConfigureMessage {
  type: 'configure';
  config: ModelConfig;
  /** Load the model now, not on the first request. */
  preload: boolean;
}

/**
 * Reads a completion prompt into the KV cache ahead of typing, below live
 * completions and chat in priority; a newer completion or warm-up replaces it.
 */
export interface WarmMessage {
  type: 'warm';
  prompt: CompletionPrompt;
  /** The suggestion's token budget, which the prompt leaves room for in the cache. */
  maxTokens: number;
}

/** Drops every background prompt reading (the window lost focus, or the user went idle). */
export interface StopWarmingMessage {
  type: 'stopWarming';
}

export interface ErrorInfo {
  /** A stable code such as 'ADDON_LOAD_FAILED'; the message is for people. */
  code: string;
  message: string;
}

export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ErrorInfo };

/** Sent once, before anything else, when the worker has loaded the addon or failed to. */
export type ReadyMessage = { type: 'ready'; ok: true } | { type: 'ready'; ok: false; error: ErrorInfo };

export type GenerationMessage =
  | { type: 'progress'; id: number; progress: PromptProgress }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'end'; id: number; kind: GenerationKind; stats: GenerationStats }
  | { type: 'failed'; id: number; error: ErrorInfo };

export type StatusMessage = { type: 'status'; status: EngineStatus };

/** The measured prefill rate changed noticeably (tokens per second). */
export type RateMessage = { type: 'rate'; prefillTokensPerSecond: number };

export type WorkerToClient = ResponseMessage | ReadyMessage | GenerationMessage | StatusMessage | RateMessage;
export type ClientToWorker = RequestMessage | GenerateMessage | ConfigureMessage | WarmMessage | StopWarmingMessage;

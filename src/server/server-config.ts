// `bitnet serve`'s settings and their defaults, in one place.

export interface ServerConfig {
  /** The BitNet GGUF file. */
  modelPath: string;
  /** Address to listen on. Only this machine unless told otherwise. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Requests served at once, each slot with its own KV cache. */
  slots: number;
  /** KV cache size of each slot, in tokens. */
  contextSize: number;
  /** Compute threads; 0 means one per physical core. */
  threads: number;
  /** Required as `Authorization: Bearer KEY` (or `X-Api-Key`) when set. */
  apiKey: string | undefined;
  /** The model name the server reports; default the file's name. */
  alias: string | undefined;
  /** Prompt tokens read per step, over all slots: smaller lets generating slots' tokens through sooner. */
  prefillChunk: number;
}

export const SERVER_DEFAULTS: Omit<ServerConfig, 'modelPath'> = {
  host: '127.0.0.1',
  port: 8080,
  slots: 4,
  contextSize: 2048,
  threads: 0,
  apiKey: undefined,
  alias: undefined,
  prefillChunk: 64,
};

/** Most slots one server runs, and most tokens one step evaluates: the native evalBatch's limits. */
export const MAX_SLOTS = 64;
export const MAX_STEP_TOKENS = 256;
/** Most prompt tokens of one slot in one step (the engine's chunk). */
export const MAX_PROMPT_CHUNK = 128;

/** Largest request body read, in bytes. */
export const MAX_BODY_BYTES = 8 * 2 ** 20;

// What the HTTP routes hand the slot scheduler, and what they get back:
// typed once here for both server protocols (llama.cpp and OpenAI).
import type { SamplingOptions } from '../engine/decoding/sampler';

export interface GenerationRequest {
  /** The prompt's tokens, BOS included where the protocol adds it. */
  prompt: number[];
  /** Most tokens to generate; -1 until an end token or a full context; 0 only reads the prompt into the cache. */
  maxTokens: number;
  /** Generation ends before the first of these; it is not included. */
  stop: string[];
  sampling: SamplingOptions;
  /** Reuse the slot's cached prefix (llama.cpp's `cache_prompt`, default true). */
  cachePrompt: boolean;
}

/** Why a generation ended, in llama.cpp's words (`stop_type`). */
export type ServerStopType = 'eos' | 'word' | 'limit' | 'aborted';

export interface GenerationResult {
  slot: number;
  stopType: ServerStopType;
  /** The stop string that ended it, or ''. */
  stoppingWord: string;
  /** Tokens of the prompt after fitting it into the slot's context. */
  promptTokens: number;
  /** Prompt tokens found in the slot's cache and not evaluated again. */
  reusedTokens: number;
  generatedTokens: number;
  /** The prompt did not fit and its oldest tokens were dropped, or the context filled up. */
  truncated: boolean;
  /** From the request's start in its slot to the first token's logits. */
  promptMs: number;
  /** From the first generated token to the last. */
  predictedMs: number;
}

/** Where a generation's output goes: the HTTP response. */
export interface GenerationSink {
  /** Generated text, stop strings held back and cut. */
  text(text: string): void;
  /** Prompt tokens evaluated so far (a sign of life while a long prompt is read). */
  progress(done: number, total: number): void;
  end(result: GenerationResult): void;
  fail(error: Error): void;
}

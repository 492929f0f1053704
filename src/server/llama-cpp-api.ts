// The llama.cpp server's own `/completion` endpoint, as bitnet.cpp's
// llama-server speaks it: the request fields we honour (`prompt`, `stream`,
// `n_predict`, `stop`, `cache_prompt`, sampling) and the response: events of
// `{content, stop: false}` while streaming, then one with `stop: true`,
// `stop_type`, `tokens_cached` and `timings` (no `[DONE]` line).
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { GenerationRequest, GenerationResult, GenerationSink } from './generation-request';
import { promptTokens } from './prompt-tokens';
import { asObject, booleanField, numberField, samplingFields, stopField } from './request-body';
import { errorBody, type SseResponse } from './sse-response';

/** llama-server's default temperature, for clients that send none. */
export const LLAMA_CPP_DEFAULT_TEMPERATURE = 0.8;

export interface ParsedCompletion {
  request: GenerationRequest;
  stream: boolean;
}

export function parseCompletion(body: unknown, tokenizer: Pick<Tokenizer, 'encode' | 'bosId' | 'vocabSize'>): ParsedCompletion {
  const b = asObject(body);
  return {
    stream: booleanField(b, 'stream', false),
    request: {
      prompt: promptTokens(tokenizer, b.prompt),
      maxTokens: numberField(b, 'n_predict', { min: -1, max: 1 << 20, integer: true }, -1),
      stop: stopField(b),
      sampling: samplingFields(b, LLAMA_CPP_DEFAULT_TEMPERATURE),
      cachePrompt: booleanField(b, 'cache_prompt', true),
    },
  };
}

/** llama.cpp's `timings` object. */
export function timings(r: GenerationResult): Record<string, number> {
  const evaluated = r.promptTokens - r.reusedTokens;
  const perSecond = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);
  return {
    cache_n: r.reusedTokens,
    prompt_n: evaluated,
    prompt_ms: r.promptMs,
    prompt_per_token_ms: evaluated > 0 ? r.promptMs / evaluated : 0,
    prompt_per_second: perSecond(evaluated, r.promptMs),
    predicted_n: r.generatedTokens,
    predicted_ms: r.predictedMs,
    predicted_per_token_ms: r.generatedTokens > 1 ? r.predictedMs / (r.generatedTokens - 1) : 0,
    predicted_per_second: r.generatedTokens > 1 ? perSecond(r.generatedTokens - 1, r.predictedMs) : 0,
  };
}

function finalFields(r: GenerationResult, model: string) {
  return {
    stop: true,
    id_slot: r.slot,
    model,
    tokens_predicted: r.generatedTokens,
    tokens_evaluated: r.promptTokens,
    tokens_cached: r.reusedTokens,
    stop_type: r.stopType === 'aborted' ? 'none' : r.stopType,
    stopping_word: r.stoppingWord,
    truncated: r.truncated,
    timings: timings(r),
  };
}

/** Streams `/completion` events to `sse`. */
export function streamingCompletionSink(sse: SseResponse, model: string): GenerationSink {
  return {
    text: (content) => sse.data({ content, stop: false }),
    progress: (done, total) => sse.comment(`prompt ${done}/${total}`),
    end: (r) => {
      sse.data({ content: '', ...finalFields(r, model) });
      sse.end();
    },
    fail: (err) => sse.error(500, errorBody(500, err.message, 'server_error')),
  };
}

/** Collects the text and answers with one `/completion` JSON body. */
export function wholeCompletionSink(send: (status: number, body: unknown) => void, model: string): GenerationSink {
  let content = '';
  return {
    text: (t) => (content += t),
    progress: () => {},
    end: (r) => send(200, { content, ...finalFields(r, model) }),
    fail: (err) => send(500, errorBody(500, err.message, 'server_error')),
  };
}

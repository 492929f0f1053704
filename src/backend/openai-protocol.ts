// The OpenAI-compatible protocol (vLLM, LM Studio, llama.cpp, Ollama's
// /v1): completion as `/v1/completions` with the raw prompt, chat as
// `/v1/chat/completions` with the messages (the server applies its model's
// own template), both streamed as events ending with `data: [DONE]`. Stop
// strings beyond the four OpenAI allows are applied by the client as well.
// Token counts: the llama.cpp-style `/tokenize` that vLLM and llama.cpp
// also offer, else an estimate of four characters a token.
import type { ChatMessage, GenerateOptions } from '../engine/protocol';
import type { HttpTransport } from './http-transport';
import { parseJson } from './llama-cpp-protocol';
import { malformed } from './server-errors';
import { optionalNumber, type ProtocolAdapter, type StreamEnd, type StreamEvent, type StreamRequest } from './server-protocol';

/** OpenAI takes at most this many stop strings. */
const MAX_STOPS = 4;
/** Characters per token when the server cannot count (English text and code average about 4). */
const CHARS_PER_TOKEN = 4;

export class OpenAiProtocol implements ProtocolAdapter {
  readonly name = 'openai' as const;
  private canTokenize = true;

  constructor(
    private readonly http: HttpTransport,
    private readonly model: string,
  ) {}

  completion(prompt: string, options: GenerateOptions): StreamRequest {
    return { path: '/v1/completions', body: { model: this.model, prompt, ...generationFields(options) } };
  }

  async chat(messages: ChatMessage[], options: GenerateOptions): Promise<StreamRequest> {
    return { path: '/v1/chat/completions', body: { model: this.model, messages, ...generationFields(options) } };
  }

  parseEvent(data: string): StreamEvent {
    if (data.trim() === '[DONE]') return { text: '', done: true };
    const event = parseJson(data, this.http.baseUrl);
    const choices = event.choices;
    if (!Array.isArray(choices)) throw malformed(this.http.baseUrl, 'an event without "choices"');
    // The usage-only event (stream_options.include_usage) has no choices.
    const choice = (choices[0] ?? {}) as { text?: unknown; delta?: { content?: unknown }; finish_reason?: unknown };
    const text = choice.text ?? choice.delta?.content ?? '';
    if (typeof text !== 'string') throw malformed(this.http.baseUrl, 'an event whose text is not a string');
    const finish = choice.finish_reason;
    if (finish === null || finish === undefined) return { text };
    return { text, end: endOf(finish, event) };
  }

  isComplete(event: StreamEvent): boolean {
    return event.done === true;
  }

  async countTokens(text: string): Promise<number> {
    if (this.canTokenize) {
      try {
        const body = (await this.http.postJson('/tokenize', { content: text, prompt: text, model: this.model, add_special: false })) as {
          tokens?: unknown;
          count?: unknown;
        };
        if (Array.isArray(body.tokens)) return body.tokens.length;
        if (typeof body.count === 'number') return body.count;
      } catch {
        // No tokenizer endpoint here: estimate from now on.
      }
      this.canTokenize = false;
    }
    return Math.ceil(text.length / CHARS_PER_TOKEN);
  }
}

function generationFields(o: GenerateOptions) {
  const stop = o.stop?.slice(0, MAX_STOPS);
  return {
    max_tokens: o.maxTokens,
    temperature: o.temperature ?? 0,
    top_p: o.topP,
    presence_penalty: o.presencePenalty,
    seed: o.seed,
    ...(stop && stop.length > 0 ? { stop } : {}),
    stream: true,
  };
}

function endOf(finish: unknown, event: Record<string, unknown>): StreamEnd {
  const usage = (typeof event.usage === 'object' && event.usage !== null ? event.usage : {}) as Record<string, unknown>;
  // llama.cpp and `bitnet serve` add their timings to the last chunk.
  const timings = (typeof event.timings === 'object' && event.timings !== null ? event.timings : {}) as Record<string, unknown>;
  const cached = optionalNumber(timings.cache_n);
  const evaluated = optionalNumber(timings.prompt_n);
  const stopType = event.stop_type;
  return {
    // A plain 'stop' is an end token or a stop string; `bitnet serve` says which.
    stopReason: finish === 'length' ? 'length' : stopType === 'eos' ? 'eos' : stopType === 'word' ? 'stop' : undefined,
    promptTokens: optionalNumber(usage.prompt_tokens) ?? (evaluated !== undefined ? evaluated + (cached ?? 0) : undefined),
    reusedTokens: cached,
    generatedTokens: optionalNumber(usage.completion_tokens) ?? optionalNumber(timings.predicted_n),
    tokensPerSecond: optionalNumber(timings.predicted_per_second),
  };
}

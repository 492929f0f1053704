// The llama.cpp server's own protocol, spoken by bitnet.cpp's llama-server
// and `bitnet serve`. Completion: `/completion` with the prompt as text
// (the server adds BOS, as the local engine does), `cache_prompt` so each
// keystroke reuses the cached prefix, streamed as `{content, stop}` events;
// the last one (`stop: true`) carries `timings` for the stats. Chat uses
// `/completion` too, with the prompt as a list of pieces and token ids built
// by the local chat template, so the server sees the very tokens the local
// engine would (BitNet's vocabulary has no FIM tokens: no `/infill`).
// `/tokenize` counts tokens and looks up the chat's special token ids.
import { chatTokens } from '../tokenizer/chat-template';
import type { ChatMessage, GenerateOptions } from '../engine/protocol';
import type { HttpTransport } from './http-transport';
import { malformed, ServerError } from './server-errors';
import { optionalNumber, type ProtocolAdapter, type StreamEnd, type StreamEvent, type StreamRequest } from './server-protocol';

/** Names of the special tokens the chat format needs. */
const BOS_NAME = '<|begin_of_text|>';
const EOT_NAME = '<|eot_id|>';

export class LlamaCppProtocol implements ProtocolAdapter {
  readonly name = 'llama.cpp' as const;
  private specialIds: Promise<{ bos: number; eot: number }> | undefined;

  constructor(private readonly http: HttpTransport) {}

  completion(prompt: string, options: GenerateOptions): StreamRequest {
    return { path: '/completion', body: { prompt, ...generationFields(options) } };
  }

  async chat(messages: ChatMessage[], options: GenerateOptions): Promise<StreamRequest> {
    const ids = await (this.specialIds ??= this.lookUpSpecialIds().catch((err) => {
      this.specialIds = undefined;
      throw err;
    }));
    return { path: '/completion', body: { prompt: chatPieces(messages, ids), ...generationFields(options) } };
  }

  parseEvent(data: string): StreamEvent {
    const event = parseJson(data, this.http.baseUrl);
    if (typeof event.content !== 'string') throw malformed(this.http.baseUrl, 'an event without "content"');
    if (event.stop !== true) return { text: event.content };
    return { text: event.content, end: endOf(event) };
  }

  isComplete(event: StreamEvent): boolean {
    return event.end !== undefined;
  }

  async countTokens(text: string): Promise<number> {
    return (await this.tokenize(text, false)).length;
  }

  private async tokenize(content: string, parseSpecial: boolean): Promise<number[]> {
    const body = (await this.http.postJson('/tokenize', { content, add_special: false, parse_special: parseSpecial })) as { tokens?: unknown };
    const tokens = body?.tokens;
    if (!Array.isArray(tokens)) throw malformed(this.http.baseUrl, '/tokenize answered without "tokens"');
    return tokens.map((t) => (typeof t === 'object' && t !== null ? (t as { id: number }).id : (t as number)));
  }

  private async lookUpSpecialIds(): Promise<{ bos: number; eot: number }> {
    const [bos, eot] = await Promise.all([this.tokenize(BOS_NAME, true), this.tokenize(EOT_NAME, true)]);
    if (bos.length !== 1 || eot.length !== 1) {
      throw malformed(this.http.baseUrl, `its vocabulary has no ${BOS_NAME} and ${EOT_NAME} tokens (is it serving BitNet b1.58 2B4T?)`);
    }
    return { bos: bos[0]!, eot: eot[0]! };
  }
}

/** The request fields llama.cpp's /completion reads. */
function generationFields(o: GenerateOptions) {
  return {
    n_predict: o.maxTokens,
    stop: o.stop ?? [],
    temperature: o.temperature ?? 0,
    top_k: o.topK,
    top_p: o.topP,
    min_p: o.minP,
    repeat_penalty: o.repeatPenalty,
    presence_penalty: o.presencePenalty,
    seed: o.seed,
    stream: true,
    cache_prompt: true,
  };
}

/**
 * The conversation as llama.cpp prompt pieces: each text piece is tokenized
 * on its own by the server, as the local template tokenizes each header and
 * body on its own, and the special tokens go as ids. The local template
 * builds the sequence from a recording tokenizer, whose "token" for a text
 * is that text's index in the list it keeps.
 */
export function chatPieces(messages: readonly ChatMessage[], ids: { bos: number; eot: number }): (number | string)[] {
  const texts: string[] = [];
  const recorder = {
    bosId: -1,
    eotId: -2,
    encode: (text: string) => (texts.push(text), [texts.length - 1]),
  };
  return chatTokens(recorder, messages)
    .map((i) => (i === -1 ? ids.bos : i === -2 ? ids.eot : texts[i]!))
    .filter((piece) => piece !== '');
}

function endOf(event: Record<string, unknown>): StreamEnd {
  const timings = (typeof event.timings === 'object' && event.timings !== null ? event.timings : {}) as Record<string, unknown>;
  const cached = optionalNumber(timings.cache_n) ?? optionalNumber(event.tokens_cached);
  const evaluated = optionalNumber(timings.prompt_n);
  const stopType = event.stop_type;
  return {
    stopReason: stopType === 'eos' ? 'eos' : stopType === 'word' ? 'stop' : stopType === 'limit' ? 'length' : undefined,
    promptTokens: optionalNumber(event.tokens_evaluated) ?? (evaluated !== undefined ? evaluated + (cached ?? 0) : undefined),
    reusedTokens: cached,
    generatedTokens: optionalNumber(timings.predicted_n) ?? optionalNumber(event.tokens_predicted),
    prefillMs: optionalNumber(timings.prompt_ms),
    tokensPerSecond: optionalNumber(timings.predicted_per_second),
  };
}

export function parseJson(data: string, baseUrl: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw malformed(baseUrl, `an event that is not JSON (${JSON.stringify(data.slice(0, 80))})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(baseUrl, 'an event that is not a JSON object');
  const error = (value as { error?: { message?: unknown } }).error;
  if (error) {
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    throw new ServerError('SERVER_ERROR', `The BitNet server at ${baseUrl} failed while generating: ${message}.`);
  }
  return value as Record<string, unknown>;
}

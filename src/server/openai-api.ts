// The OpenAI-compatible endpoints: `/v1/completions` (a raw prompt) and
// `/v1/chat/completions` (messages, formatted with BitNet's own chat
// template, exactly as the local engine does). Streaming sends
// `text_completion` or `chat.completion.chunk` events, the last one with
// `finish_reason`, then `data: [DONE]`. Like llama-server, the last event
// also carries llama.cpp's `timings`.
import { randomUUID } from 'node:crypto';
import { chatTokens, type ChatMessage, type ChatRole } from '../tokenizer/chat-template';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { GenerationRequest, GenerationResult, GenerationSink } from './generation-request';
import { timings } from './llama-cpp-api';
import { promptTokens } from './prompt-tokens';
import { asObject, booleanField, numberField, RequestError, samplingFields, stopField, type JsonObject } from './request-body';
import { errorBody, type SseResponse } from './sse-response';

/** OpenAI's default temperature. */
export const OPENAI_DEFAULT_TEMPERATURE = 1;

type OpenAiTokenizer = Pick<Tokenizer, 'encode' | 'bosId' | 'eotId' | 'vocabSize'>;

export interface ParsedOpenAi {
  request: GenerationRequest;
  stream: boolean;
  includeUsage: boolean;
}

function common(b: JsonObject, prompt: number[]): ParsedOpenAi {
  const options = b.stream_options;
  const includeUsage = typeof options === 'object' && options !== null && (options as JsonObject).include_usage === true;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  return {
    stream: booleanField(b, 'stream', false),
    includeUsage,
    request: {
      prompt,
      maxTokens: numberField({ max_tokens: maxTokens }, 'max_tokens', { min: -1, max: 1 << 20, integer: true }, -1),
      stop: stopField(b),
      sampling: samplingFields(b, OPENAI_DEFAULT_TEMPERATURE),
      cachePrompt: true,
    },
  };
}

export function parseOpenAiCompletion(body: unknown, tokenizer: OpenAiTokenizer): ParsedOpenAi {
  const b = asObject(body);
  // One prompt per request: an array of several prompts asks for several completions.
  const prompt = Array.isArray(b.prompt) && b.prompt.length === 1 && typeof b.prompt[0] === 'string' ? b.prompt[0] : b.prompt;
  if (Array.isArray(prompt) && prompt.some((p) => typeof p !== 'number')) throw new RequestError(400, 'one prompt per request, please');
  return common(b, promptTokens(tokenizer, prompt));
}

const ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];

export function parseOpenAiChat(body: unknown, tokenizer: OpenAiTokenizer): ParsedOpenAi {
  const b = asObject(body);
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw new RequestError(400, '"messages" must be a non-empty array');
  const messages: ChatMessage[] = b.messages.map((m, i) => {
    const message = asObject(m);
    if (!ROLES.includes(message.role as ChatRole)) throw new RequestError(400, `messages[${i}].role must be system, user or assistant`);
    return { role: message.role as ChatRole, content: messageText(message.content, i) };
  });
  return common(b, chatTokens(tokenizer, messages));
}

/** A message's content: a string, or text parts. */
function messageText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((p) => typeof p === 'object' && p !== null && (p as JsonObject).type === 'text' && typeof (p as JsonObject).text === 'string')) {
    return content.map((p) => (p as { text: string }).text).join('');
  }
  throw new RequestError(400, `messages[${i}].content must be a string or text parts`);
}

function finishReason(r: GenerationResult): string | null {
  if (r.stopType === 'limit') return 'length';
  return r.stopType === 'aborted' ? null : 'stop';
}

function usage(r: GenerationResult) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.generatedTokens, total_tokens: r.promptTokens + r.generatedTokens };
}

export type OpenAiKind = 'completion' | 'chat';

/** Streams OpenAI chunks to `sse`. */
export function streamingOpenAiSink(sse: SseResponse, kind: OpenAiKind, model: string, includeUsage: boolean): GenerationSink {
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const choice = (text: string | undefined, finish: string | null) =>
    kind === 'chat'
      ? { index: 0, delta: text === undefined ? {} : { content: text }, finish_reason: finish }
      : { index: 0, text: text ?? '', logprobs: null, finish_reason: finish };
  if (kind === 'chat') sse.data({ id, object, created, model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  return {
    text: (text) => sse.data({ id, object, created, model, choices: [choice(text, null)] }),
    progress: (done, total) => sse.comment(`prompt ${done}/${total}`),
    end: (r) => {
      // llama.cpp's timings and stop_type ride along: OpenAI clients ignore them, ours reads them.
      sse.data({ id, object, created, model, choices: [choice(undefined, finishReason(r))], timings: timings(r), stop_type: r.stopType });
      if (includeUsage) sse.data({ id, object, created, model, choices: [], usage: usage(r) });
      sse.data('[DONE]');
      sse.end();
    },
    fail: (err) => sse.error(500, errorBody(500, err.message, 'server_error')),
  };
}

/** Collects the text and answers with one OpenAI JSON body. */
export function wholeOpenAiSink(send: (status: number, body: unknown) => void, kind: OpenAiKind, model: string): GenerationSink {
  let text = '';
  return {
    text: (t) => (text += t),
    progress: () => {},
    end: (r) => {
      const choice =
        kind === 'chat'
          ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason(r) }
          : { index: 0, text, logprobs: null, finish_reason: finishReason(r) };
      send(200, {
        id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`,
        object: kind === 'chat' ? 'chat.completion' : 'text_completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [choice],
        usage: usage(r),
        timings: timings(r),
      });
    },
    fail: (err) => send(500, errorBody(500, err.message, 'server_error')),
  };
}

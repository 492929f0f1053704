// The slice of the generation service (EngineClient) the chat uses. Naming
// it lets the view-model's unit tests pass a small in-process generator.
// Tokens are counted by the chat's own LocalTokenizer, never by the engine:
// the engine may be busy with inline completions or loading the model.
import type { ChatMessage, EngineClient, GenerateOptions } from '../engine/client/engine-client';

export type { ChatMessage, EngineStatus, GenerateOptions } from '../engine/client/engine-client';

export type ChatEngine = Pick<EngineClient, 'status' | 'onDidChangeStatus'> & {
  /** The reply's text as it streams (the chat reads only the text). */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string>;
};

/** Counts tokens the way the model reads them. */
export interface TokenSource {
  /** Rejects when no tokenizer is available (no model file set). */
  count(text: string): Promise<number>;
  /** The model's trained context length, once known. */
  readonly contextLength: number | undefined;
}

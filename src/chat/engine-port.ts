// The slice of the generation service (EngineClient) the chat uses. Naming
// it lets the view-model's unit tests pass a small in-process generator.
import type { ChatMessage, EngineClient, GenerateOptions } from '../engine/client';

export type { ChatMessage, EngineStatus, GenerateOptions } from '../engine/client';

export type ChatEngine = Pick<EngineClient, 'countTokens' | 'status' | 'onDidChangeStatus'> & {
  /** The reply's text as it streams (the chat reads only the text). */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string>;
};

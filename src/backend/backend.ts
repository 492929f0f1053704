// The generation service as the editor features see it, whichever backend
// answers: the in-process engine (EngineClient) or a server (ServerClient).
// Prompt building, post-processing and the UI use only this surface.
import type { ChatMessage, EngineStats, EngineStatus, GenerateOptions, GenerationKind, GenerationStats } from '../engine/protocol';
import type { ServerStats } from './server-stats';

export type BackendKind = 'local' | 'server';

export interface Backend {
  readonly status: EngineStatus;
  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void };
  lastStats(kind: GenerationKind): GenerationStats | undefined;
  /** Continues `prompt` as plain text (BOS + its tokens). */
  complete(prompt: string, options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string>;
  /** Replies to a conversation in BitNet's chat format. */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string>;
  countTokens(text: string): Promise<number>;
  stats(): Promise<EngineStats | ServerStats>;
  dispose(): Promise<void> | void;
}

// The generation service as the editor features see it, whichever backend
// answers: the in-process engine (EngineClient) or a server (ServerClient).
// Prompt building, post-processing and the UI use only this surface.
import type { GenerationStream } from '../engine/client/engine-client';
import type { ChatMessage, CompletionPrompt, EngineStats, EngineStatus, GenerateOptions, GenerationKind, GenerationStats } from '../engine/protocol';
import type { ServerStats } from './server-stats';

export type BackendKind = 'local' | 'server';

export interface Backend {
  readonly status: EngineStatus;
  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void };
  lastStats(kind: GenerationKind): GenerationStats | undefined;
  /** How fast prompts are read here (tokens per second), once measured; undefined when unknown. */
  readonly prefillRate: number | undefined;
  /** Continues a completion prompt as plain text (BOS + its tokens). */
  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream;
  /** Replies to a conversation in BitNet's chat format. */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream;
  /** Reads a completion prompt into the cache ahead of typing, below every request in priority. */
  warm(prompt: CompletionPrompt, maxTokens: number): void;
  /** Drops reading ahead (the window lost focus, or the user went idle). */
  stopWarming(): void;
  countTokens(text: string): Promise<number>;
  stats(): Promise<EngineStats | ServerStats>;
  dispose(): Promise<void> | void;
}

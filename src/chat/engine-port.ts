// The slice of the generation service the chat uses. The types mirror
// src/engine/client.ts (EngineClient) exactly, so the real client satisfies
// ChatEngine structurally and tests can pass a small in-process generator.
export interface GenerateOptions {
  maxTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repeatPenalty?: number;
  seed?: number;
  stop?: string[];
  timeBudgetMs?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type EngineStatus =
  | { state: 'no-model' }
  | { state: 'loading'; path: string }
  | { state: 'ready'; path: string }
  | { state: 'generating'; kind: 'completion' | 'chat' }
  | { state: 'error'; message: string };

export interface ChatEngine {
  /** Streams reply text chunks; aborting the signal ends the stream quietly. */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string>;
  countTokens(text: string): Promise<number>;
  readonly status: EngineStatus;
  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void };
}

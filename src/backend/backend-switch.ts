// The one Backend the editor features hold: it forwards to the backend the
// settings choose (the local engine or a server) and can be switched while
// the extension runs, so the UI never has to be rebuilt. Status events come
// from whichever backend is active.
import type { GenerationStream } from '../engine/client/generation-stream';
import type { ChatMessage, CompletionPrompt, EngineStatus, GenerateOptions, GenerationKind, GenerationStats } from '../engine/protocol';
import type { Backend, BackendKind } from './backend';
import { StatusListeners } from '../engine/client/status-listeners';

export class BackendSwitch implements Backend {
  private active: Backend;
  private activeKind: BackendKind;
  private subscription: { dispose(): void };
  private readonly listeners = new StatusListeners();

  constructor(backend: Backend, kind: BackendKind) {
    this.active = backend;
    this.activeKind = kind;
    this.subscription = backend.onDidChangeStatus((s) => this.emit(s));
  }

  get kind(): BackendKind {
    return this.activeKind;
  }

  get current(): Backend {
    return this.active;
  }

  /** Uses `backend` from the next request on; requests in flight finish where they started. */
  use(backend: Backend, kind: BackendKind): void {
    if (backend === this.active) return;
    this.active.stopWarming();
    this.subscription.dispose();
    this.active = backend;
    this.activeKind = kind;
    this.subscription = backend.onDidChangeStatus((s) => this.emit(s));
    this.emit(backend.status);
  }

  get status(): EngineStatus {
    return this.active.status;
  }

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  lastStats(kind: GenerationKind): GenerationStats | undefined {
    return this.active.lastStats(kind);
  }

  get prefillRate(): number | undefined {
    return this.active.prefillRate;
  }

  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.active.complete(prompt, options, signal);
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.active.chat(messages, options, signal);
  }

  warm(prompt: CompletionPrompt, maxTokens: number): void {
    this.active.warm(prompt, maxTokens);
  }

  stopWarming(): void {
    this.active.stopWarming();
  }

  countTokens(text: string): Promise<number> {
    return this.active.countTokens(text);
  }

  stats() {
    return this.active.stats();
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private emit(status: EngineStatus): void {
    this.listeners.emit(status);
  }
}

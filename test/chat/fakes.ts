// Test doubles for the chat's view-model tests: an in-memory Memento and a
// tiny scripted generator standing in for the engine's chat stream.
import type { StateStore } from '../../src/chat/conversation';
import type { ChatEngine, ChatMessage, EngineStatus, GenerateOptions } from '../../src/chat/engine-port';
import type { HostToView, ViewCommand } from '../../src/chat/messages';
import { ChatSession } from '../../src/chat/chat-session';

export class MemoryStore implements StateStore {
  readonly data = new Map<string, unknown>();
  writes = 0;
  get(key: string): unknown {
    // Memento round-trips through JSON; so does this.
    const value = this.data.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

/** One token per word, plus one per punctuation mark: close enough to make budgets testable. */
export function wordTokens(text: string): number {
  return (text.match(/\w+|[^\w\s]/g) ?? []).length;
}

export class FakeEngine implements ChatEngine {
  status: EngineStatus = { state: 'ready', path: '/models/ggml-model-i2_s.gguf' };
  readonly calls: Array<{ messages: ChatMessage[]; options: GenerateOptions; signal?: AbortSignal }> = [];
  /** Chunks each reply streams. */
  reply = ['Hello', ' there', '.'];
  /** When set, each chunk waits for release() before it is yielded. */
  gated = false;
  failWith: Error | undefined;
  private waiting: Array<() => void> = [];
  private readonly listeners = new Set<(s: EngineStatus) => void>();

  async *chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string> {
    this.calls.push({ messages, options, signal });
    for (const chunk of this.reply) {
      if (this.gated) await new Promise<void>((resolve) => { this.waiting.push(resolve); signal?.addEventListener('abort', () => resolve()); });
      if (signal?.aborted) return;
      if (this.failWith) throw this.failWith;
      await Promise.resolve();
      yield chunk;
    }
  }

  release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  async countTokens(text: string): Promise<number> {
    if (this.status.state === 'no-model') throw new Error('no model loaded');
    return wordTokens(text);
  }

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  setStatus(status: EngineStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

export interface Harness {
  session: ChatSession;
  engine: FakeEngine;
  store: MemoryStore;
  posted: HostToView[];
  actions: Array<{ kind: 'insert' | 'copy'; code: string } | { kind: 'command'; command: ViewCommand }>;
}

export async function harness(options: { engine?: FakeEngine; store?: MemoryStore; maxTokens?: number; ready?: boolean } = {}): Promise<Harness> {
  const engine = options.engine ?? new FakeEngine();
  const store = options.store ?? new MemoryStore();
  const posted: HostToView[] = [];
  const actions: Harness['actions'] = [];
  const session = new ChatSession({
    engine,
    store,
    settings: () => ({ maxTokens: options.maxTokens ?? 256, temperature: 0.2 }),
    actions: {
      insertCode: (code) => actions.push({ kind: 'insert', code }),
      copyCode: (code) => actions.push({ kind: 'copy', code }),
      runCommand: (command) => actions.push({ kind: 'command', command }),
    },
    saveDelayMs: 1,
  });
  session.attachView((m) => posted.push(m));
  if (options.ready ?? true) await session.handleMessage({ type: 'ready' });
  return { session, engine, store, posted, actions };
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

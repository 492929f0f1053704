// Test doubles for the chat's view-model tests: an in-memory Memento, a
// tiny scripted generator standing in for the engine's chat stream, and a
// word counter standing in for the tokenizer (LocalTokenizer has its own
// tests against the real one).
import type { StateStore } from '../../src/chat/conversation-history';
import type { ChatEngine, ChatMessage, EngineStatus, GenerateOptions, TokenSource } from '../../src/chat/engine-port';
import type { CodeSelection } from '../../src/chat/explain-prompt';
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
    // Like a Memento, undefined removes the key.
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
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
    if (this.stuck) await new Promise<never>(() => {});
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

  /** A request stuck behind other work in the engine: it never yields and ignores its signal. */
  stuck = false;

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  setStatus(status: EngineStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** Counts words as tokens; without a model file it cannot count at all. */
export class FakeTokens implements TokenSource {
  available = true;
  contextLength: number | undefined = 4096;
  counted = 0;
  /** When set, each count waits for this promise (a tokenizer still reading the model file). */
  gate: Promise<void> | undefined;

  async count(text: string): Promise<number> {
    if (this.gate) await this.gate;
    if (!this.available) throw new Error('No model file is set, so tokens cannot be counted yet.');
    this.counted++;
    return wordTokens(text);
  }
}

export type Action =
  | { kind: 'insert' | 'copy'; code: string }
  | { kind: 'command'; command: ViewCommand }
  | { kind: 'askTitle'; current: string };

export interface Harness {
  session: ChatSession;
  engine: FakeEngine;
  tokens: FakeTokens;
  store: MemoryStore;
  posted: HostToView[];
  actions: Action[];
  /** What askTitle answers next. */
  title: string | undefined;
  /** What editorContext returns next. */
  editor: CodeSelection | undefined;
  clock: { now: number };
}

export interface HarnessOptions {
  engine?: FakeEngine;
  tokens?: FakeTokens;
  store?: MemoryStore;
  maxTokens?: number;
  contextTokens?: number;
  ready?: boolean;
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const engine = options.engine ?? new FakeEngine();
  const tokens = options.tokens ?? new FakeTokens();
  const store = options.store ?? new MemoryStore();
  const posted: HostToView[] = [];
  const actions: Action[] = [];
  const clock = { now: 1_700_000_000_000 };
  const h = { engine, tokens, store, posted, actions, title: undefined, editor: undefined, clock } as Omit<Harness, 'session'> as Harness;
  h.session = new ChatSession({
    engine,
    tokens,
    store,
    settings: () => ({ maxTokens: options.maxTokens ?? 256, temperature: 0.2, contextTokens: options.contextTokens ?? 4096 }),
    actions: {
      insertCode: (code) => actions.push({ kind: 'insert', code }),
      copyCode: (code) => actions.push({ kind: 'copy', code }),
      runCommand: (command) => actions.push({ kind: 'command', command }),
      askTitle: async (current) => {
        actions.push({ kind: 'askTitle', current });
        return h.title;
      },
      editorContext: () => h.editor,
    },
    saveDelayMs: 1,
    now: () => clock.now++,
  });
  const session = h.session;
  session.attachView((m) => posted.push(m));
  if (options.ready ?? true) await session.handleMessage({ type: 'ready' });
  return h;
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

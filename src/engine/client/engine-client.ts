// EngineClient: what the rest of the extension uses to talk to the engine.
// It owns the worker thread; callers see typed requests, async iterables of
// text, AbortSignal cancellation and typed errors. If the worker dies, the
// requests in flight fail with a clear EngineError and a new worker starts
// after a growing pause.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError, noModelError } from '../engine-errors';
import { probeAddon } from './run-probe-process';
import {
  CANCEL,
  DEFAULT_MODEL_CONFIG,
  type ChatMessage,
  type CompletionPrompt,
  type EngineStats,
  type EngineStatus,
  type ErrorInfo,
  type GenerateOptions,
  type GenerationKind,
  type GenerationStats,
  type ModelConfig,
  type PromptProgress,
  type RequestKind,
  type RequestMap,
  type WorkerData,
  type WorkerToClient,
} from '../protocol';
import { TextStream } from './text-stream';
import { generationStream, pendingStats, type GenerationStream } from './generation-stream';
import { StatusListeners } from './status-listeners';
import { TOKENIZER_THREAD_LIMITS } from '../../tokenizer/tokenizer-thread-limits';

export { EngineError } from '../engine-errors';
export type { ChatMessage, CompletionPrompt, EngineStats, EngineStatus, GenerateOptions, GenerationStats, PromptProgress } from '../protocol';

export type { GenerationStream };

export interface ModelOptions {
  threads?: number;
  contextSizes?: { completion: number; chat: number };
  idleUnloadMs?: number;
  kernels?: string;
  kvCache?: ModelConfig['kvCache'];
  lmHead?: ModelConfig['lmHead'];
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Stream {
  kind: GenerationKind;
  text: TextStream;
  abort: Int32Array;
  progress: PromptProgress | undefined;
  ended(stats: GenerationStats | undefined): void;
}

/** Pauses before restarting a dead worker: 0.5 s, 1 s, 2 s, … up to 30 s. */
const RESTART_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 16000, 30000];

export class EngineClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private probed = false;
  /** Why the addon cannot load here: kept, so a broken install is reported once, not probed per keystroke. */
  private loadProblem: EngineError | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, Stream>();
  private config: ModelConfig = { path: undefined, ...DEFAULT_MODEL_CONFIG };
  private currentStatus: EngineStatus = { state: 'no-model' };
  private readonly listeners = new StatusListeners();
  private readonly last: Partial<Record<GenerationKind, GenerationStats>> = {};
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private endPause: (() => void) | undefined;
  private disposed = false;
  private rate: number | undefined;
  /** The model set last is to be loaded at once. */
  private preloading = false;
  /** Counts warm() and stopWarming() calls, so a warm-up waiting for the worker knows it was stopped. */
  private warmTicket = 0;

  constructor(private readonly extensionRoot: string) {}

  get status(): EngineStatus {
    return this.currentStatus;
  }

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  lastStats(kind: GenerationKind): GenerationStats | undefined {
    return this.last[kind];
  }

  /** How fast this CPU reads prompts, as the engine last measured it (tokens per second). */
  get prefillRate(): number | undefined {
    return this.rate;
  }

  /**
   * Sets the model file and its settings. It loads on the first request, or
   * at once with `preload` (the status then says 'loading' until it is in memory).
   */
  setModel(modelPath: string | undefined, options: ModelOptions = {}, preload = false): void {
    this.preloading = preload && !!modelPath;
    this.config = {
      path: modelPath || undefined,
      threads: options.threads ?? DEFAULT_MODEL_CONFIG.threads,
      contextSizes: options.contextSizes ?? DEFAULT_MODEL_CONFIG.contextSizes,
      idleUnloadMs: options.idleUnloadMs ?? DEFAULT_MODEL_CONFIG.idleUnloadMs,
      kernels: options.kernels,
      kvCache: options.kvCache ?? DEFAULT_MODEL_CONFIG.kvCache,
      lmHead: options.lmHead ?? DEFAULT_MODEL_CONFIG.lmHead,
    };
    if (this.worker) this.worker.postMessage({ type: 'configure', config: this.config, preload: this.preloading });
    else if (this.currentStatus.state !== 'error') this.setStatus(this.idleStatus());
    if (this.preloading) void this.start().catch(() => undefined); // failures show in the status
  }

  /** Continues a completion prompt as plain text (BOS + its tokens), on a completion sequence. */
  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate('completion', prompt, options, signal);
  }

  /** Replies to a conversation, on the chat sequence. */
  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate('chat', messages, options, signal);
  }

  /** Reads a completion prompt into the cache in the background, ahead of typing. */
  warm(prompt: CompletionPrompt, maxTokens: number): void {
    if (!this.config.path) return;
    // Right after start-up the worker may not run yet, or not know the model: the
    // first place opened would never be warmed. Send it once the worker is ready,
    // unless warming was stopped meanwhile.
    const ticket = ++this.warmTicket;
    this.running().then(
      (worker) => {
        if (ticket === this.warmTicket) worker.postMessage({ type: 'warm', prompt, maxTokens });
      },
      () => undefined, // a worker that cannot start says so in the status
    );
  }

  /** Drops background prompt reading (the window lost focus, or the user went idle). */
  stopWarming(): void {
    this.warmTicket++;
    this.worker?.postMessage({ type: 'stopWarming' });
  }

  countTokens(text: string): Promise<number> {
    return this.request('countTokens', { text });
  }

  stats(): Promise<EngineStats> {
    return this.request('stats', {});
  }

  /** Loads the model in the background, so the first suggestion does not wait for it. */
  preload(): void {
    if (this.config.path) this.request('preload', {}).catch(() => undefined); // failures show in the status
  }

  /** Probes the addon in a child process (once), then starts the worker. Idempotent. */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new EngineError('DISPOSED', 'The BitNet engine was shut down.'));
    if (!this.ready) {
      const ready: Promise<void> = this.boot().catch((err) => {
        if (this.ready === ready) this.ready = undefined;
        throw err;
      });
      this.ready = ready;
    }
    return this.ready;
  }

  async request<K extends RequestKind>(kind: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const worker = await this.running();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ type: 'request', id, kind, params });
    });
  }

  /** The worker, started if need be. */
  private async running(): Promise<Worker> {
    await this.start();
    if (!this.worker) throw new EngineError('WORKER_FAILED', 'The BitNet engine stopped while starting.');
    return this.worker;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.endPause?.(); // requests waiting for a restart fail with DISPOSED
    // Stop native work first: terminating a worker inside a native call is where addons crash.
    for (const stream of this.streams.values()) Atomics.store(stream.abort, 0, CANCEL);
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new EngineError('DISPOSED', 'The BitNet engine was shut down.'));
    await worker?.terminate();
  }

  private generate(kind: GenerationKind, input: CompletionPrompt | ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    const stats = pendingStats();
    let stream: Stream | undefined;
    const texts = this.stream(kind, input, options, signal, (s) => {
      stream = s;
      s.ended = stats.settle;
    });
    return generationStream(texts, stats, () => stream !== undefined, () => stream?.progress);
  }

  private async *stream(
    kind: GenerationKind,
    input: CompletionPrompt | ChatMessage[],
    options: GenerateOptions,
    signal: AbortSignal | undefined,
    opened: (stream: Stream) => void,
  ): AsyncGenerator<string> {
    if (!this.config.path) throw noModelError();
    if (signal?.aborted) return;
    const worker = await this.running();
    if (signal?.aborted) return;
    const id = this.nextId++;
    const stream: Stream = { kind, text: new TextStream(), abort: new Int32Array(new SharedArrayBuffer(4)), progress: undefined, ended: () => {} };
    opened(stream);
    const onAbort = () => {
      Atomics.store(stream.abort, 0, CANCEL);
      stream.text.end();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.streams.set(id, stream);
    worker.postMessage({ type: 'generate', id, kind, input, options, abort: stream.abort });
    try {
      yield* stream.text;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // A reader that stops early cancels the request; the worker still ends it, which settles its stats.
      if (this.streams.has(id)) Atomics.store(stream.abort, 0, CANCEL);
    }
  }

  private async boot(): Promise<void> {
    if (this.loadProblem) throw this.loadProblem;
    if (!this.probed) {
      const problem = await probeAddon(this.extensionRoot);
      if (problem) throw this.cannotLoad(new EngineError('ADDON_LOAD_FAILED', problem));
      this.probed = true;
    }
    if (this.disposed) throw new EngineError('DISPOSED', 'The BitNet engine was shut down.');
    const data: WorkerData = { extensionRoot: this.extensionRoot };
    const worker = new Worker(path.join(this.extensionRoot, 'dist', 'worker.js'), {
      workerData: data,
      resourceLimits: TOKENIZER_THREAD_LIMITS,
    });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerToClient) => {
        if (message.type === 'ready') {
          if (!message.ok) {
            this.worker = undefined;
            void worker.terminate();
            return reject(this.cannotLoad(toError(message.error)));
          }
          worker.postMessage({ type: 'configure', config: this.config, preload: this.preloading });
          resolve();
        } else {
          this.receive(message);
        }
      });
      const died = (why: string) => {
        const error = new EngineError('WORKER_FAILED', `The BitNet engine stopped (${why}).`);
        reject(error);
        this.workerDied(worker, error);
      };
      worker.on('error', (err) => died(err.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
  }

  /** Remembers that the addon cannot load and says so in the status. */
  private cannotLoad(error: EngineError): EngineError {
    this.loadProblem = error;
    this.setStatus({ state: 'error', message: error.message });
    return error;
  }

  private receive(message: Exclude<WorkerToClient, { type: 'ready' }>): void {
    switch (message.type) {
      case 'response':
        return this.settle(message.id, message.ok ? { value: message.result } : { error: toError(message.error) });
      case 'progress': {
        const stream = this.streams.get(message.id);
        if (stream) stream.progress = message.progress;
        return;
      }
      case 'chunk':
        return this.streams.get(message.id)?.text.push(message.text);
      case 'end': {
        this.last[message.kind] = message.stats;
        if (message.stats.stopReason !== 'aborted') this.crashes = 0;
        const stream = this.streams.get(message.id);
        this.streams.delete(message.id);
        stream?.text.end();
        return stream?.ended(message.stats);
      }
      case 'failed': {
        const stream = this.streams.get(message.id);
        this.streams.delete(message.id);
        stream?.text.fail(toError(message.error));
        return stream?.ended(undefined);
      }
      case 'status':
        return this.setStatus(message.status);
      case 'rate':
        this.rate = message.prefillTokensPerSecond;
        return;
    }
  }

  /** Fails what was in flight and starts a new worker after a pause. */
  private workerDied(worker: Worker, error: EngineError): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(error);
    const delay = RESTART_DELAYS_MS[Math.min(this.crashes++, RESTART_DELAYS_MS.length - 1)];
    this.setStatus({ state: 'error', message: `${error.message} Restarting in ${delay / 1000} s.`, restarting: true });
    const ready: Promise<void> = new Promise<void>((resolve) => {
      this.restartTimer = setTimeout(resolve, delay);
      this.endPause = resolve;
    })
      .then(() => this.boot())
      .catch((err) => {
        if (this.ready === ready) this.ready = undefined;
        this.setStatus({ state: 'error', message: (err as Error).message });
        throw err;
      });
    ready.catch(() => {});
    this.ready = ready;
  }

  private settle(id: number, outcome: { value: unknown } | { error: Error }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const stream of this.streams.values()) {
      stream.text.fail(error);
      stream.ended(undefined);
    }
    this.streams.clear();
  }

  private idleStatus(): EngineStatus {
    if (!this.config.path) return { state: 'no-model' };
    return this.preloading ? { state: 'loading', path: this.config.path } : { state: 'unloaded', path: this.config.path };
  }

  private setStatus(status: EngineStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.currentStatus)) return;
    this.currentStatus = status;
    this.listeners.emit(status);
  }
}

function toError(info: ErrorInfo): EngineError {
  return new EngineError(info.code, info.message);
}

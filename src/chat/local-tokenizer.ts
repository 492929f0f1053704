// The chat's token counter: a worker thread of its own (token-count-worker.ts)
// that reads the model file's vocabulary, so the meter and the context
// budget never wait for the engine to load the model or finish inline
// completions. The worker starts on the first count and ends after a quiet
// spell, freeing its tables.
import { Worker } from 'node:worker_threads';
import type { CountReply } from './token-count-worker';
import { TOKENIZER_THREAD_LIMITS } from '../tokenizer/tokenizer-thread-limits';

/** A quiet spell after which the counter's tables are freed; the next count reads them again. */
export const TOKENIZER_IDLE_MS = 10 * 60_000;

export class NoTokenizerError extends Error {
  override readonly name = 'NoTokenizerError';
}

interface Pending {
  resolve(tokens: number): void;
  reject(err: Error): void;
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
}

export class LocalTokenizer {
  private path: string | undefined;
  private running: Running | undefined;
  private failure: Error | undefined;
  private limit: number | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** `script` is the bundled token-count-worker. */
  constructor(private readonly script: string, private readonly idleMs = TOKENIZER_IDLE_MS) {}

  /** The model file whose vocabulary counts; a different file starts a new counter. */
  setModel(path: string | undefined): void {
    if (path === this.path) return;
    this.path = path;
    this.failure = undefined;
    this.limit = undefined;
    this.stop(new NoTokenizerError('The model file changed while counting.'));
  }

  get modelPath(): string | undefined {
    return this.path;
  }

  /** Whether the counter's worker (and its tables) is in memory. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** The model's trained context length, once its file has been read. */
  get contextLength(): number | undefined {
    return this.limit;
  }

  async count(text: string): Promise<number> {
    const running = this.start();
    await running.ready;
    this.armIdleTimer();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      running.worker.postMessage({ id, text });
    });
  }

  dispose(): void {
    this.stop(new NoTokenizerError('The token counter was shut down.'));
  }

  private start(): Running {
    if (!this.path) throw new NoTokenizerError('No model file is set, so tokens cannot be counted yet.');
    if (this.failure) throw this.failure;
    if (this.running) return this.running;
    const worker = new Worker(this.script, { workerData: { file: this.path }, resourceLimits: TOKENIZER_THREAD_LIMITS });
    let settle: { resolve(): void; reject(err: Error): void } | undefined;
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    ready.catch(() => undefined);
    const running: Running = { worker, ready };
    worker.on('message', (reply: CountReply) => {
      if (reply.type === 'ready') {
        this.limit = reply.contextLength;
        settle?.resolve();
      } else if (reply.type === 'failed') {
        this.failure = new NoTokenizerError(`The model file's vocabulary cannot be read: ${reply.message}`);
        settle?.reject(this.failure);
        this.stop(this.failure);
      } else {
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        pending?.resolve(reply.tokens);
      }
    });
    const died = (why: string) => {
      if (this.running !== running) return;
      const err = new NoTokenizerError(`The token counter stopped (${why}).`);
      settle?.reject(err);
      this.stop(err);
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    this.running = running;
    return running;
  }

  private stop(reason: Error): void {
    clearTimeout(this.idleTimer);
    const running = this.running;
    this.running = undefined;
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
    if (running) void running.worker.terminate();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size === 0) this.stop(new NoTokenizerError('idle'));
      else this.armIdleTimer();
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

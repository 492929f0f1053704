// EngineClient: what the rest of the extension uses to talk to the engine.
// It owns the worker thread; callers see typed requests and typed errors.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { probeAddon } from './probe-addon';
import type { ErrorInfo, RequestKind, RequestMap, WorkerData, WorkerToClient } from './protocol';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly extensionRoot: string) {}

  /** Probes the addon in a child process, then starts the worker. Idempotent. */
  start(): Promise<void> {
    this.ready ??= this.boot().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async request<K extends RequestKind>(kind: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker!.postMessage({ type: 'request', id, kind, params });
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new EngineError('DISPOSED', 'The BitNet engine was shut down.'));
    await worker?.terminate();
  }

  private async boot(): Promise<void> {
    const problem = await probeAddon(this.extensionRoot);
    if (problem) throw new EngineError('ADDON_LOAD_FAILED', problem);
    const data: WorkerData = { extensionRoot: this.extensionRoot };
    const worker = new Worker(path.join(this.extensionRoot, 'dist', 'worker.js'), { workerData: data });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerToClient) => {
        if (message.type === 'ready') {
          if (message.ok) resolve();
          else reject(toError(message.error));
        } else {
          this.settle(message.id, message.ok ? { value: message.result } : { error: toError(message.error) });
        }
      });
      worker.on('error', (err) => {
        const error = new EngineError('WORKER_FAILED', `The BitNet engine stopped: ${err.message}`);
        reject(error);
        this.failAll(error);
      });
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const error = new EngineError('WORKER_EXITED', `The BitNet engine stopped (exit code ${code}).`);
        reject(error);
        this.failAll(error);
      });
    });
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
  }
}

function toError(info: ErrorInfo): EngineError {
  return new EngineError(info.code, info.message);
}

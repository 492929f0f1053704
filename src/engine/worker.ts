// The engine worker: the only code that loads and calls the native addon, so
// that model work never blocks the extension host's main thread. It owns the
// model session and the scheduler, and streams generated text back.
import { parentPort, workerData } from 'node:worker_threads';
import type { BitnetAddon } from '../../native';
import { loadAddon } from './addon-loader';
import { errorCode } from './engine-errors';
import { Generation, type GenerationSink } from './generation';
import { ModelSession, type SessionState } from './model-session';
import type {
  ClientToWorker,
  EngineStatus,
  ErrorInfo,
  GenerateMessage,
  GenerationKind,
  GenerationStats,
  RequestMap,
  WorkerData,
  WorkerToClient,
} from './protocol';
import { Scheduler } from './scheduler';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

function send(message: WorkerToClient): void {
  port!.postMessage(message);
}

function errorInfo(err: unknown, fallbackCode: string): ErrorInfo {
  const e = err as Error & { code?: string };
  return { code: errorCode(err, fallbackCode as never), message: e?.message ?? String(err) };
}

type Handlers = { [K in keyof RequestMap]: (params: RequestMap[K]['params']) => RequestMap[K]['result'] | Promise<RequestMap[K]['result']> };

class Engine {
  private readonly session: ModelSession;
  private readonly scheduler: Scheduler;
  private readonly last: Partial<Record<GenerationKind, GenerationStats>> = {};
  private sessionState: SessionState = { state: 'unloaded' };
  private activity: GenerationKind | undefined;
  private lastStatus = '';
  readonly handlers: Handlers;

  constructor(private readonly addon: BitnetAddon) {
    this.session = new ModelSession(addon, (state) => {
      this.sessionState = state;
      this.publishStatus();
    });
    this.scheduler = new Scheduler({
      onActivity: (kind) => {
        this.activity = kind;
        this.publishStatus();
      },
    });
    this.handlers = {
      hello: () => ({
        addonVersion: addon.version(),
        cpu: addon.cpuFeatures(),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      }),
      countTokens: ({ text }) => this.session.tokenizer().encode(text, { bos: false }).length,
      preload: () => {
        if (!this.session.path) return;
        this.session.acquire('completion');
        this.session.release();
      },
      stats: () => ({
        addonVersion: addon.version(),
        cpu: addon.cpuFeatures(),
        modelPath: this.session.path,
        model: this.session.stats(),
        last: { ...this.last },
      }),
    };
  }

  handle(message: ClientToWorker): void {
    switch (message?.type) {
      case 'request':
        void this.answer(message.id, message.kind, message.params);
        break;
      case 'configure': {
        // Requests for the old model end as 'aborted'; their contexts are gone.
        if (this.session.configure(message.config)) this.scheduler.cancelAll();
        this.sessionState = this.session.state;
        this.publishStatus();
        break;
      }
      case 'generate':
        this.scheduler.submit(this.generation(message));
        break;
    }
  }

  private async answer(id: number, kind: keyof RequestMap, params: unknown): Promise<void> {
    try {
      const handler = this.handlers[kind] as (p: unknown) => unknown;
      if (!handler) throw new Error(`unknown request '${kind}'`);
      send({ type: 'response', id, ok: true, result: await handler(params) });
    } catch (err) {
      send({ type: 'response', id, ok: false, error: errorInfo(err, 'ENGINE_ERROR') });
    }
  }

  private generation({ id, kind, input, options, abort }: GenerateMessage): Generation {
    let acquired = false;
    const release = () => {
      if (acquired) this.session.release();
      acquired = false;
    };
    const sink: GenerationSink = {
      chunk: (text) => send({ type: 'chunk', id, text }),
      end: (stats) => {
        release();
        this.last[kind] = stats;
        send({ type: 'end', id, kind, stats });
      },
      fail: (error) => {
        release();
        send({ type: 'failed', id, error });
      },
    };
    return new Generation(kind, options, abort, () => {
      const sequence = this.session.acquire(kind);
      acquired = true;
      return { sequence, tokenizer: this.session.tokenizer(), prompt: this.session.promptTokens(kind, input) };
    }, sink);
  }

  private status(): EngineStatus {
    const path = this.session.path;
    if (this.sessionState.state === 'error') return { state: 'error', message: this.sessionState.message };
    if (this.sessionState.state === 'loading' && path) return { state: 'loading', path };
    if (this.activity) return { state: 'generating', kind: this.activity };
    return path ? { state: 'ready', path } : { state: 'no-model' };
  }

  private publishStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    send({ type: 'status', status });
  }
}

function start(): void {
  const { extensionRoot } = workerData as WorkerData;
  let engine: Engine;
  try {
    engine = new Engine(loadAddon(extensionRoot));
  } catch (err) {
    send({ type: 'ready', ok: false, error: errorInfo(err, 'ADDON_LOAD_FAILED') });
    return;
  }
  port!.on('message', (message: ClientToWorker) => engine.handle(message));
  send({ type: 'ready', ok: true });
}

start();

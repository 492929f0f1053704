// The engine worker: where the extension calls the native addon, so that
// model work never blocks the extension host's main thread (the addon probe,
// the CLI and `bitnet serve` load it too, in processes of their own). It owns
// the model session and the scheduler, and streams generated text back.
import { parentPort, workerData } from 'node:worker_threads';
import type { BitnetAddon } from '../../native';
import { loadAddon } from './addon-loader';
import { BackgroundReading } from './background-reading';
import { chooseWindow } from './completion-window';
import { errorCode } from './engine-errors';
import { Generation, type GenerationSetup, type GenerationSink } from './generation';
import { ModelSession, type SessionState } from './model-session';
import { PrefillMeter } from './prefill-meter';
import { PromptFill } from './prompt-fill';
import type {
  ChatMessage,
  ClientToWorker,
  CompletionPrompt,
  EngineStatus,
  ErrorInfo,
  GenerateMessage,
  GenerationKind,
  GenerationStats,
  RequestMap,
  SequenceName,
  WorkerData,
  WorkerToClient,
} from './protocol';
import { Scheduler, type Activity } from './scheduler';
import { fitPrompt, type Sequence } from './sequence';

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

/** The measured prefill rate is sent again when it moves by more than this fraction. */
const RATE_CHANGE = 0.1;

/** A completion's prompts as tokens fitted to their caches, and which one to read. */
interface CompletionPlan {
  full: number[];
  cold: number[] | undefined;
  window: 'full' | 'cold';
}

class Engine {
  private readonly session: ModelSession;
  private readonly scheduler: Scheduler;
  private readonly meter = new PrefillMeter();
  private readonly last: Partial<Record<GenerationKind, GenerationStats>> = {};
  private sessionState: SessionState = { state: 'unloaded' };
  private activity: Activity | undefined;
  private lastStatus = '';
  private sentRate = 0;
  readonly handlers: Handlers;

  constructor(private readonly addon: BitnetAddon) {
    this.session = new ModelSession(addon, (state) => {
      this.sessionState = state;
      this.publishStatus();
    });
    this.scheduler = new Scheduler({
      onActivity: (activity) => {
        this.activity = activity;
        this.publishStatus();
        this.publishRate();
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
      preload: () => this.preload(),
      stats: () => ({
        addonVersion: addon.version(),
        cpu: addon.cpuFeatures(),
        modelPath: this.session.path,
        model: this.session.stats(),
        last: { ...this.last },
        prefillTokensPerSecond: this.meter.tokensPerSecond,
        prefilledTokens: this.meter.totalTokens,
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
        if (message.preload && this.session.path && this.sessionState.state === 'unloaded') {
          // Say 'loading' at once, and load on the next turn, so that no 'unloaded' shows in between.
          this.sessionState = { state: 'loading' };
          setImmediate(() => this.preload());
        }
        this.publishStatus();
        break;
      }
      case 'generate':
        this.scheduler.submit(this.generation(message));
        break;
      case 'warm':
        if (this.session.path) this.scheduler.submit(this.warmUp(message.prompt, message.maxTokens));
        break;
      case 'stopWarming':
        this.scheduler.cancelBackground();
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
    const hold = this.hold();
    const sink: GenerationSink = {
      progress: (progress) => send({ type: 'progress', id, progress }),
      chunk: (text) => send({ type: 'chunk', id, text }),
      end: (stats) => {
        const full = { ...stats, prefillTokensPerSecond: this.meter.tokensPerSecond };
        this.last[kind] = full;
        send({ type: 'end', id, kind, stats: full });
      },
      fail: (error) => send({ type: 'failed', id, error }),
      close: hold.release,
    };
    const setup = (): GenerationSetup => {
      const sequences = hold.acquire();
      const tokenizer = this.session.tokenizer();
      if (kind === 'chat') {
        const prompt = fitPrompt(this.session.promptTokens(input as ChatMessage[]), sequences.chat.capacity, options.maxTokens);
        return { fill: new PromptFill(sequences.chat, prompt, this.meter), tokenizer };
      }
      const plan = this.plan(input as CompletionPrompt, options.maxTokens, sequences);
      if (plan.window === 'cold') {
        // The user sees the cold window's suggestion; the full window is read behind it.
        this.scheduler.submit(this.backgroundReading((s) => [() => this.fill(s.completion, plan.full)]));
        return { fill: this.fill(sequences.cold, plan.cold!), tokenizer, window: 'cold' };
      }
      return { fill: this.fill(sequences.completion, plan.full), tokenizer, window: 'full' };
    };
    return new Generation(kind, options, abort, setup, sink);
  }

  /** Reads a place's prompt ahead of typing: the cold window first when the full one is far from cached. */
  private warmUp(prompt: CompletionPrompt, maxTokens: number): BackgroundReading {
    return this.backgroundReading((sequences) => {
      const plan = this.plan(prompt, maxTokens, sequences);
      const full = () => this.fill(sequences.completion, plan.full);
      return plan.window === 'cold' ? [() => this.fill(sequences.cold, plan.cold!), full] : [full];
    });
  }

  /** A background job over the loaded model's sequences, which it holds until it ends. */
  private backgroundReading(reads: (sequences: Record<SequenceName, Sequence>) => (() => PromptFill)[]): BackgroundReading {
    const hold = this.hold();
    return new BackgroundReading(() => reads(hold.acquire()), hold.release);
  }

  private plan(prompt: CompletionPrompt, maxTokens: number, sequences: Record<SequenceName, Sequence>): CompletionPlan {
    const full = fitPrompt(this.session.promptTokens(prompt.full), sequences.completion.capacity, maxTokens);
    const cold = prompt.cold === undefined ? undefined : fitPrompt(this.session.promptTokens(prompt.cold), sequences.cold.capacity, maxTokens);
    const window = chooseWindow(
      { tokens: full, cached: sequences.completion.reusableLength(full) },
      cold && { tokens: cold, cached: sequences.cold.reusableLength(cold) },
      this.meter,
    );
    return { full, cold, window };
  }

  private fill(sequence: Sequence, tokens: number[]): PromptFill {
    return new PromptFill(sequence, tokens, this.meter);
  }

  /** The model held by one job: acquired on its first step, released once when it ends. */
  private hold(): { acquire(): Record<SequenceName, Sequence>; release(): void } {
    let held = false;
    return {
      acquire: () => {
        const sequences = this.session.acquire();
        held = true;
        return sequences;
      },
      release: () => {
        if (held) this.session.release();
        held = false;
      },
    };
  }

  /** Loads the model if one is set; a failure shows in the status. */
  private preload(): void {
    if (!this.session.path) return;
    try {
      this.session.acquire();
      this.session.release();
    } catch {
      this.sessionState = this.session.state;
      this.publishStatus();
    }
  }

  private status(): EngineStatus {
    const path = this.session.path;
    if (this.sessionState.state === 'error') return { state: 'error', message: this.sessionState.message };
    if (this.sessionState.state === 'loading' && path) return { state: 'loading', path };
    const a = this.activity;
    if (a?.progress) return { state: 'reading', kind: a.kind, progress: a.progress };
    if (a) return { state: 'generating', kind: a.kind };
    if (!path) return { state: 'no-model' };
    return this.sessionState.state === 'loaded' ? { state: 'ready', path } : { state: 'unloaded', path };
  }

  private publishStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    send({ type: 'status', status });
  }

  private publishRate(): void {
    const rate = this.meter.tokensPerSecond;
    if (rate === undefined || Math.abs(rate - this.sentRate) <= RATE_CHANGE * this.sentRate) return;
    this.sentRate = rate;
    send({ type: 'rate', prefillTokensPerSecond: rate });
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

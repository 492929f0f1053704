// ServerClient: the Backend surface over a server, for teams that share one
// strong machine (`bitnet serve`, bitnet.cpp's llama-server, or any
// OpenAI-compatible server). It finds out which protocol the server speaks,
// streams each request, applies stop strings itself too (servers differ in
// what they honour), cancels by closing the request, ends every failure
// with a clear error in the status and the log, and keeps each request's
// stats, marked with the server that answered.
import { generationStream, pendingStats, type GenerationStream, type PendingStats } from '../engine/client/generation-stream';
import type { ChatMessage, CompletionPrompt, EngineStatus, GenerateOptions, GenerationKind, GenerationStats, StopReason } from '../engine/protocol';
import { StopStringMatcher } from '../engine/decoding/stop-strings';
import type { Backend } from './backend';
import { DEFAULT_TIMEOUTS, HttpTransport, type TransportOptions } from './http-transport';
import { LlamaCppProtocol } from './llama-cpp-protocol';
import { OpenAiProtocol } from './openai-protocol';
import { malformed, ServerError } from './server-errors';
import type { ProtocolAdapter, StreamEnd, StreamRequest } from './server-protocol';
import type { ServerEngineInfo, ServerProtocol, ServerStats } from './server-stats';
import { sseData } from './sse-events';
import { StatusListeners } from '../engine/client/status-listeners';

export interface ServerClientOptions {
  /** Base URL, like http://team-box:8080 (a trailing slash or /v1 is fine). */
  url: string;
  /** 'auto' asks the server (/props, then /v1/models). */
  protocol: 'auto' | ServerProtocol;
  /** Model name for OpenAI-compatible servers; default the first the server lists. */
  model?: string;
  apiKey?: string;
  timeouts?: Partial<Pick<TransportOptions, 'requestTimeoutMs' | 'firstByteTimeoutMs' | 'stallTimeoutMs'>>;
  /** One line per request and per problem, for the "BitNet" log. */
  log?: (line: string) => void;
}

/** What the server said about itself when the client first reached it. */
interface Identity {
  adapter: ProtocolAdapter;
  model: string | undefined;
  build: string | undefined;
  slots: number | undefined;
  contextSize: number | undefined;
  engine: ServerEngineInfo | undefined;
}

export class ServerClient implements Backend {
  private readonly http: HttpTransport;
  private identity: Promise<Identity> | undefined;
  private known: Identity | undefined;
  private currentStatus: EngineStatus;
  private readonly listeners = new StatusListeners();
  private readonly last: Partial<Record<GenerationKind, GenerationStats>> = {};
  private readonly active = new Map<number, GenerationKind>();
  private readonly controllers = new Set<AbortController>();
  private nextId = 1;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ServerClientOptions) {
    const baseUrl = options.url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
    this.http = new HttpTransport({ baseUrl, apiKey: options.apiKey || undefined, ...DEFAULT_TIMEOUTS, ...options.timeouts });
    this.log = options.log ?? (() => {});
    this.currentStatus = { state: 'ready', path: baseUrl };
  }

  /** "server http://… (llama.cpp, bitnet serve)": for the status, stats and log. */
  describe(): string {
    const k = this.known;
    const what = k ? `${k.adapter.name}${k.engine ? ', bitnet serve' : ''}${k.model ? `, ${k.model}` : ''}` : this.options.protocol;
    return `server ${this.http.baseUrl} (${what})`;
  }

  get status(): EngineStatus {
    return this.currentStatus;
  }

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  lastStats(kind: GenerationKind): GenerationStats | undefined {
    return this.last[kind];
  }

  /** Reaches the server now, so the status says at once whether it answers. */
  async connect(): Promise<void> {
    this.setStatus({ state: 'loading', path: this.http.baseUrl });
    try {
      await this.identify();
      this.setStatus(this.idleStatus());
    } catch (err) {
      this.failed('connect', err as Error);
    }
  }

  /** Unknown: the server reads prompts at its own pace, so completion always sends the full window. */
  get prefillRate(): number | undefined {
    return undefined;
  }

  /** The server keeps each user's prompt cached by itself (prefix reuse per slot). */
  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate('completion', options, signal, (a) => a.completion(prompt.full, options));
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate('chat', options, signal, (a) => a.chat(messages, options));
  }

  /**
   * Reading ahead is the local engine's: a server would be sent the code
   * around every cursor rest, not only where the user asks for completions,
   * and one user's warming would take a slot from another user's request.
   */
  warm(): void {}

  stopWarming(): void {}

  async countTokens(text: string): Promise<number> {
    return (await this.identify()).adapter.countTokens(text);
  }

  async stats(): Promise<ServerStats> {
    // Asked afresh: slots and engine figures change while the server runs.
    this.identity = undefined;
    const id = await this.identify();
    return {
      backend: 'server',
      url: this.http.baseUrl,
      protocol: id.adapter.name,
      model: id.model,
      build: id.build,
      slots: id.slots,
      contextSize: id.contextSize,
      engine: id.engine,
      last: { ...this.last },
    };
  }

  dispose(): void {
    for (const controller of this.controllers) controller.abort();
  }

  private generate(
    kind: GenerationKind,
    options: GenerateOptions,
    signal: AbortSignal | undefined,
    build: (adapter: ProtocolAdapter) => StreamRequest | Promise<StreamRequest>,
  ): GenerationStream {
    const stats = pendingStats();
    // The stream settles its own figures when it ends; before it starts there are none.
    return generationStream(this.stream(kind, options, signal, build, stats), stats, () => false);
  }

  private async *stream(
    kind: GenerationKind,
    options: GenerateOptions,
    signal: AbortSignal | undefined,
    build: (adapter: ProtocolAdapter) => StreamRequest | Promise<StreamRequest>,
    stats: PendingStats,
  ): AsyncGenerator<string> {
    if (signal?.aborted) return;
    const startedAt = performance.now();
    const id = this.nextId++;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.controllers.add(controller);
    let timedOut = false;
    let budget: ReturnType<typeof setTimeout> | undefined;
    // Counted from the first token, as locally: a prompt the server is still reading is waiting, not failing.
    const startBudget = () => {
      if (budget !== undefined || !options.timeBudgetMs) return;
      budget = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeBudgetMs);
    };
    const stops = new StopStringMatcher(options.stop ?? []);
    const run = { firstAt: undefined as number | undefined, lastAt: 0, chunks: 0, end: undefined as StreamEnd | undefined, stoppedHere: false, read: false };
    this.begin(id, kind);
    let failed = false;
    try {
      const { adapter } = await this.identify();
      const request = await build(adapter);
      for await (const data of sseData(this.http.stream(request.path, request.body, controller.signal))) {
        const event = adapter.parseEvent(data);
        if (event.end) run.end = event.end;
        if (event.text) {
          run.firstAt ??= performance.now();
          startBudget();
          run.lastAt = performance.now();
          run.chunks++;
          const shown = stops.push(event.text);
          if (shown.text) yield shown.text;
          if (shown.stopped) {
            run.stoppedHere = true;
            break;
          }
        }
        if (adapter.isComplete(event)) break;
      }
      if (!run.stoppedHere && !controller.signal.aborted) {
        if (!run.end) throw malformed(this.http.baseUrl, 'the stream ended before the reply did');
        const tail = stops.flush();
        if (tail) yield tail;
      }
      run.read = true;
    } catch (err) {
      failed = true;
      this.failed(kind, err as Error);
      throw err;
    } finally {
      clearTimeout(budget);
      signal?.removeEventListener('abort', onAbort);
      // Cancelled: by the signal or the time budget, or by a reader that stopped reading.
      const cancelled = !run.stoppedHere && (controller.signal.aborted || !run.read);
      // Closing the request tells the server to stop generating.
      controller.abort();
      this.controllers.delete(controller);
      const figures = this.finish(id, kind, failed, () => {
        // A server's plain "stop" is an end token or one of our stop strings.
        const ended = run.end?.stopReason ?? (options.stop?.length ? 'stop' : 'eos');
        const reason: StopReason = run.stoppedHere ? 'stop' : cancelled ? (timedOut ? 'time' : 'aborted') : ended;
        return this.statsOf(run, startedAt, reason);
      });
      stats.settle(figures);
    }
  }

  private statsOf(run: { firstAt?: number; lastAt: number; chunks: number; end?: StreamEnd }, startedAt: number, stopReason: StopReason): GenerationStats {
    const end = run.end;
    const decodeSeconds = run.firstAt === undefined ? 0 : (run.lastAt - run.firstAt) / 1000;
    const generated = end?.generatedTokens ?? run.chunks;
    return {
      promptTokens: end?.promptTokens ?? 0,
      reusedTokens: end?.reusedTokens ?? 0,
      generatedTokens: generated,
      prefillMs: end?.prefillMs ?? 0,
      firstTokenMs: run.firstAt === undefined ? 0 : run.firstAt - startedAt,
      tokensPerSecond: end?.tokensPerSecond ?? (generated > 1 && decodeSeconds > 0 ? (generated - 1) / decodeSeconds : 0),
      stopReason,
    };
  }

  private begin(id: number, kind: GenerationKind): void {
    this.active.set(id, kind);
    this.setStatus({ state: 'generating', kind });
  }

  /** Ends request `id`: keeps and logs its figures (none if it failed) and returns them. */
  private finish(id: number, kind: GenerationKind, failed: boolean, stats: () => GenerationStats): GenerationStats | undefined {
    this.active.delete(id);
    let s: GenerationStats | undefined;
    if (!failed) {
      s = stats();
      this.last[kind] = s;
      this.log(
        `${kind} by ${this.describe()}: first token ${s.firstTokenMs.toFixed(0)} ms, ${s.generatedTokens} tokens at ${s.tokensPerSecond.toFixed(1)} tok/s, ` +
          `prompt ${s.promptTokens} tokens (${s.reusedTokens} reused), ended by ${s.stopReason}`,
      );
    }
    const still = [...this.active.values()];
    if (still.length > 0) this.setStatus({ state: 'generating', kind: still.includes('completion') ? 'completion' : 'chat' });
    else if (!failed) this.setStatus(this.idleStatus());
    return s;
  }

  private failed(what: string, err: Error): void {
    // Ask the server who it is again next time: it may have been replaced.
    this.identity = undefined;
    this.log(`${what} by ${this.describe()} failed: ${err.message}`);
    this.setStatus({ state: 'error', message: err.message });
  }

  private identify(): Promise<Identity> {
    if (!this.identity) {
      const pending = this.detect().then((id) => (this.known = id));
      pending.catch(() => {
        if (this.identity === pending) this.identity = undefined;
      });
      this.identity = pending;
    }
    return this.identity;
  }

  private async detect(): Promise<Identity> {
    const wanted = this.options.protocol;
    if (wanted !== 'openai') {
      try {
        const props = (await this.http.getJson('/props')) as Record<string, unknown>;
        if (props && ('default_generation_settings' in props || 'total_slots' in props)) return llamaIdentity(this.http, props);
        if (wanted === 'llama.cpp') throw malformed(this.http.baseUrl, '/props does not look like a llama.cpp server');
      } catch (err) {
        // Down, locked or silent: asking again elsewhere will not do better.
        const fatal = !(err instanceof ServerError) || ['SERVER_UNREACHABLE', 'SERVER_AUTH', 'SERVER_STALLED'].includes(err.code);
        if (wanted === 'llama.cpp' || fatal) throw err;
      }
    }
    const models = (await this.http.getJson('/v1/models')) as { data?: { id?: unknown }[] };
    const listed = Array.isArray(models?.data) && typeof models.data[0]?.id === 'string' ? (models.data[0].id as string) : undefined;
    const model = this.options.model || listed;
    if (!model) throw malformed(this.http.baseUrl, '/v1/models lists no model; set "bitnet.server.model"');
    return { adapter: new OpenAiProtocol(this.http, model), model, build: undefined, slots: undefined, contextSize: undefined, engine: undefined };
  }

  private idleStatus(): EngineStatus {
    return { state: 'ready', path: this.http.baseUrl };
  }

  private setStatus(status: EngineStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.currentStatus)) return;
    this.currentStatus = status;
    this.listeners.emit(status);
  }
}

function llamaIdentity(http: HttpTransport, props: Record<string, unknown>): Identity {
  const settings = (props.default_generation_settings ?? {}) as { n_ctx?: unknown };
  const modelPath = typeof props.model_path === 'string' ? props.model_path : undefined;
  const alias = typeof props.model_alias === 'string' ? props.model_alias : undefined;
  return {
    adapter: new LlamaCppProtocol(http),
    model: alias ?? modelPath,
    build: typeof props.build_info === 'string' ? props.build_info : undefined,
    slots: typeof props.total_slots === 'number' ? props.total_slots : undefined,
    contextSize: typeof settings.n_ctx === 'number' ? settings.n_ctx : undefined,
    engine: typeof props.bitnet === 'object' && props.bitnet !== null ? (props.bitnet as ServerEngineInfo) : undefined,
  };
}

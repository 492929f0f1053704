// A server backend that falls back to the local engine while the server
// cannot be reached ("bitnet.server.fallbackToLocal"): a request the server
// refuses to connect for runs locally instead, and the log says so. Only an
// unreachable server falls back; a wrong key or a server error is reported,
// since the local engine would hide a problem the user should fix.
import { generationStream, pendingStats, type GenerationStream } from '../engine/client/generation-stream';
import type { ChatMessage, CompletionPrompt, EngineStatus, GenerateOptions, GenerationKind, GenerationStats } from '../engine/protocol';
import type { Backend } from './backend';
import { ServerError } from './server-errors';
import { StatusListeners } from '../engine/client/status-listeners';

export class LocalFallback implements Backend {
  /** Which one answered the latest request. */
  private answered: Backend;
  private readonly listeners = new StatusListeners();
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly server: Backend,
    private readonly local: Backend,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.answered = server;
    this.subscriptions = [server, local].map((b) => b.onDidChangeStatus((s) => b === this.answered && this.emit(s)));
  }

  get status(): EngineStatus {
    return this.answered.status;
  }

  onDidChangeStatus(listener: (s: EngineStatus) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  lastStats(kind: GenerationKind): GenerationStats | undefined {
    return this.answered.lastStats(kind);
  }

  /** The server's figures, or the local engine's while it stands in. */
  get prefillRate(): number | undefined {
    return this.answered.prefillRate;
  }

  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate((b) => b.complete(prompt, options, signal), 'completion');
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): GenerationStream {
    return this.generate((b) => b.chat(messages, options, signal), 'chat');
  }

  warm(prompt: CompletionPrompt, maxTokens: number): void {
    this.answered.warm(prompt, maxTokens);
  }

  stopWarming(): void {
    this.server.stopWarming();
    this.local.stopWarming();
  }

  async countTokens(text: string): Promise<number> {
    try {
      return await this.server.countTokens(text);
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      return this.local.countTokens(text);
    }
  }

  stats() {
    return this.answered.stats();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  /** The server's text, or the local engine's when the server cannot be reached; the figures of whichever answered. */
  private generate(run: (b: Backend) => GenerationStream, kind: GenerationKind): GenerationStream {
    const stats = pendingStats();
    let answering: GenerationStream | undefined;
    const texts = this.fallThrough(run, kind, (stream) => (answering = stream), () => answering?.stats.then(stats.settle));
    return generationStream(texts, stats, () => answering !== undefined, () => answering?.progress);
  }

  private async *fallThrough(
    run: (b: Backend) => GenerationStream,
    kind: GenerationKind,
    use: (stream: GenerationStream) => void,
    ended: () => void,
  ): AsyncGenerator<string> {
    let any = false;
    try {
      try {
        const server = run(this.server);
        use(server);
        for await (const chunk of server) {
          any = true;
          yield chunk;
        }
        this.switchTo(this.server);
        return;
      } catch (err) {
        if (any || !isUnreachable(err)) throw err;
        this.log(`${kind}: ${(err as Error).message} The local engine answers instead.`);
      }
      this.switchTo(this.local);
      const local = run(this.local);
      use(local);
      yield* local;
    } finally {
      ended();
    }
  }

  private switchTo(backend: Backend): void {
    if (this.answered === backend) return;
    this.answered = backend;
    this.emit(backend.status);
  }

  private emit(status: EngineStatus): void {
    this.listeners.emit(status);
  }
}

function isUnreachable(err: unknown): boolean {
  return err instanceof ServerError && err.code === 'SERVER_UNREACHABLE';
}

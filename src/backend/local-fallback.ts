// A server backend that falls back to the local engine while the server
// cannot be reached ("bitnet.server.fallbackToLocal"): a request the server
// refuses to connect for runs locally instead, and the log says so. Only an
// unreachable server falls back; a wrong key or a server error is reported,
// since the local engine would hide a problem the user should fix.
import type { ChatMessage, EngineStatus, GenerateOptions, GenerationKind, GenerationStats } from '../engine/protocol';
import type { Backend } from './backend';
import { ServerError } from './server-errors';

export class LocalFallback implements Backend {
  /** Which one answered the latest request. */
  private answered: Backend;
  private readonly listeners = new Set<(s: EngineStatus) => void>();
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
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  lastStats(kind: GenerationKind): GenerationStats | undefined {
    return this.answered.lastStats(kind);
  }

  complete(prompt: string, options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string> {
    return this.generate((b) => b.complete(prompt, options, signal), 'completion');
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal?: AbortSignal): AsyncIterable<string> {
    return this.generate((b) => b.chat(messages, options, signal), 'chat');
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

  private async *generate(run: (b: Backend) => AsyncIterable<string>, kind: GenerationKind): AsyncGenerator<string> {
    let any = false;
    try {
      for await (const chunk of run(this.server)) {
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
    yield* run(this.local);
  }

  private switchTo(backend: Backend): void {
    if (this.answered === backend) return;
    this.answered = backend;
    this.emit(backend.status);
  }

  private emit(status: EngineStatus): void {
    for (const listener of this.listeners) listener(status);
  }
}

function isUnreachable(err: unknown): boolean {
  return err instanceof ServerError && err.code === 'SERVER_UNREACHABLE';
}

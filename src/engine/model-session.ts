// The model as the worker holds it: loaded once, lazily, on the first request
// after the model is set; freed after an idle timeout; loaded again on demand.
// Each generation kind gets its own native context, so completion and chat
// never evict each other's KV cache.
import type { BitnetAddon, NativeModel } from '../../native';
import { readBitnetModel } from './bitnet-model';
import { chatTokens } from './chat-template';
import { EngineError } from './engine-errors';
import {
  DEFAULT_MODEL_CONFIG,
  type ChatMessage,
  type GenerationKind,
  type LoadedModelStats,
  type ModelConfig,
} from './protocol';
import { Sequence } from './sequence';
import { Tokenizer } from './tokenizer';

interface Loaded {
  path: string;
  fileBytes: number;
  model: NativeModel;
  sequences: Record<GenerationKind, Sequence>;
}

export type SessionState = { state: 'unloaded' } | { state: 'loading' } | { state: 'loaded' } | { state: 'error'; message: string };

export class ModelSession {
  private config: ModelConfig = { path: undefined, ...DEFAULT_MODEL_CONFIG };
  private loaded: Loaded | undefined;
  /** Also built alone for countTokens while the model is not loaded. */
  private vocab: { path: string; tokenizer: Tokenizer } | undefined;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private failure: string | undefined;

  constructor(
    private readonly addon: BitnetAddon,
    private readonly onState: (state: SessionState) => void = () => {},
  ) {}

  get path(): string | undefined {
    return this.config.path;
  }

  get state(): SessionState {
    if (this.failure) return { state: 'error', message: this.failure };
    return { state: this.loaded ? 'loaded' : 'unloaded' };
  }

  /** Applies new settings; true when the model in use changed (and was unloaded). */
  configure(config: ModelConfig): boolean {
    const old = this.config;
    this.config = config;
    const sameModel = old.path === config.path && old.contextSizes.completion === config.contextSizes.completion && old.contextSizes.chat === config.contextSizes.chat;
    if (!sameModel) {
      this.failure = undefined;
      if (old.path !== config.path) this.vocab = undefined;
      this.unload();
    } else if (this.loaded && old.threads !== config.threads) {
      this.loaded.model.setThreads(config.threads);
    }
    if (this.users === 0) this.armIdleTimer();
    return !sameModel;
  }

  /** The prompt tokens for a request, BOS first. */
  promptTokens(kind: GenerationKind, input: string | ChatMessage[]): number[] {
    const tokenizer = this.tokenizer();
    if (kind === 'chat') return chatTokens(tokenizer, input as ChatMessage[]);
    return tokenizer.encode(input as string, { bos: true });
  }

  tokenizer(): Tokenizer {
    const path = this.requirePath();
    if (this.vocab?.path !== path) {
      const info = this.readModelFile(path);
      this.vocab = { path, tokenizer: Tokenizer.fromVocab(info.vocab) };
    }
    return this.vocab.tokenizer;
  }

  /** The sequence for `kind`, loading the model if needed. Pair with release(). */
  acquire(kind: GenerationKind): Sequence {
    this.users++;
    clearTimeout(this.idleTimer);
    try {
      return (this.loaded ??= this.load()).sequences[kind];
    } catch (err) {
      this.release();
      throw err;
    }
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) this.armIdleTimer();
  }

  stats(): LoadedModelStats | undefined {
    const l = this.loaded;
    if (!l) return undefined;
    const s = l.model.stats;
    const sequence = (q: Sequence) => ({ capacity: q.capacity, tokens: q.tokens.length, kvBytes: q.kvBytes });
    return {
      path: l.path,
      fileBytes: l.fileBytes,
      loadMs: s.loadMs,
      weightBytes: s.weightBytes,
      kernels: s.kernels,
      threads: s.threads,
      lmHead: s.lmHead,
      sequences: { completion: sequence(l.sequences.completion), chat: sequence(l.sequences.chat) },
    };
  }

  unload(): void {
    clearTimeout(this.idleTimer);
    const l = this.loaded;
    if (!l) return;
    this.loaded = undefined;
    l.sequences.completion.free();
    l.sequences.chat.free();
    l.model.free();
    this.onState(this.state);
  }

  private load(): Loaded {
    const path = this.requirePath();
    this.onState({ state: 'loading' });
    try {
      const info = this.readModelFile(path);
      if (this.vocab?.path !== path) this.vocab = { path, tokenizer: Tokenizer.fromVocab(info.vocab) };
      const model = this.addon.loadModel({ path, hparams: info.hparams, tensors: info.tensors, threads: this.config.threads });
      const { completion, chat } = this.config.contextSizes;
      const limit = info.hparams.contextLength;
      const sequences = {
        completion: new Sequence(model.createContext(Math.min(completion, limit))),
        // A chat turn re-sends the last reply: reusing its decoded tokens saves
        // evaluating it again, at the cost of last-bit equality (sequence.ts).
        chat: new Sequence(model.createContext(Math.min(chat, limit)), { reuseDecoded: true }),
      };
      this.failure = undefined;
      const loaded = { path, fileBytes: info.fileSize, model, sequences };
      this.loaded = loaded;
      this.onState(this.state);
      return loaded;
    } catch (err) {
      const error = err instanceof EngineError ? err : new EngineError('MODEL_INVALID', `The model file ${path} cannot be used: ${(err as Error).message}`);
      this.failure = error.message;
      this.onState(this.state);
      throw error;
    }
  }

  private readModelFile(path: string): ReturnType<typeof readBitnetModel> {
    try {
      return readBitnetModel(path);
    } catch (err) {
      throw new EngineError('MODEL_INVALID', `The model file ${path} cannot be used: ${(err as Error).message}`);
    }
  }

  private requirePath(): string {
    const path = this.config.path;
    if (!path) throw new EngineError('NO_MODEL', 'No BitNet model is set. Run "BitNet: Download model" or "BitNet: Use a local model file…".');
    return path;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (!this.loaded) return;
    this.idleTimer = setTimeout(() => {
      if (this.users > 0) return;
      // The tokenizer's tables go too; the next request rebuilds them with the model.
      this.vocab = undefined;
      this.unload();
    }, this.config.idleUnloadMs);
    this.idleTimer.unref();
  }
}

// The model as the worker holds it: loaded once, lazily, on the first request
// after the model is set; freed after an idle timeout; loaded again on demand,
// and when the file on disk is no longer the one loaded (its device, inode,
// size or modification time changed). Each use gets its own native context,
// so completion and chat never evict each other's KV cache, and a cold
// completion window (completion-window.ts) lives beside the full one.
import * as fs from 'node:fs';
import type { BitnetAddon, ModelHyperparams, NativeModel, TensorEntry } from '../../../native';
import { readBitnetModel } from '../../model-file/bitnet-model';
import { chatTokens } from '../../tokenizer/chat-template';
import { EngineError, errorCode, noModelError } from '../engine-errors';
import {
  DEFAULT_MODEL_CONFIG,
  type ChatMessage,
  type LoadedModelStats,
  type ModelConfig,
  type SequenceName,
} from '../protocol';

/** Tokens the cold completion window's cache holds: a short prompt and the suggestion. */
export const COLD_CONTEXT_TOKENS = 1024;
import { Sequence } from '../decoding/sequence';
import { Tokenizer } from '../../tokenizer/tokenizer';

interface ModelFile {
  path: string;
  /** Identity of the file on disk (device, inode, size, mtime). */
  stamp: string;
  hparams: ModelHyperparams;
  tensors: TensorEntry[];
  fileSize: number;
  tokenizer: Tokenizer;
}

interface Loaded {
  path: string;
  /** The stamp of the file the model was loaded from. */
  stamp: string;
  fileBytes: number;
  model: NativeModel;
  sequences: Record<SequenceName, Sequence>;
}

export type SessionState = { state: 'unloaded' } | { state: 'loading' } | { state: 'loaded' } | { state: 'error'; message: string };

export class ModelSession {
  private config: ModelConfig = { path: undefined, ...DEFAULT_MODEL_CONFIG };
  private loaded: Loaded | undefined;
  /** What the file says, read once; countTokens needs only its tokenizer. */
  private file: ModelFile | undefined;
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
    const sameModel =
      old.path === config.path &&
      old.contextSizes.completion === config.contextSizes.completion &&
      old.contextSizes.chat === config.contextSizes.chat &&
      old.kvCache === config.kvCache &&
      old.lmHead === config.lmHead &&
      old.kernels === config.kernels;
    if (!sameModel) {
      this.failure = undefined;
      if (old.path !== config.path) this.file = undefined;
      this.unload();
    } else if (this.loaded && old.threads !== config.threads) {
      this.loaded.model.setThreads(config.threads);
    }
    if (this.users === 0) this.armIdleTimer();
    return !sameModel;
  }

  /** The prompt tokens of a completion text or a conversation, BOS first. */
  promptTokens(input: string | ChatMessage[]): number[] {
    const tokenizer = this.tokenizer();
    if (typeof input !== 'string') return chatTokens(tokenizer, input);
    return tokenizer.encode(input, { bos: true });
  }

  tokenizer(): Tokenizer {
    return this.modelFile(this.requirePath()).tokenizer;
  }

  /** The loaded model's sequences, loading it if needed. Pair with release(). */
  acquire(): Record<SequenceName, Sequence> {
    this.users++;
    clearTimeout(this.idleTimer);
    try {
      return this.current().sequences;
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
      kvCache: s.kvCache,
      sequences: { completion: sequence(l.sequences.completion), cold: sequence(l.sequences.cold), chat: sequence(l.sequences.chat) },
    };
  }

  unload(): void {
    clearTimeout(this.idleTimer);
    const l = this.loaded;
    if (!l) return;
    this.loaded = undefined;
    for (const sequence of Object.values(l.sequences)) sequence.free();
    l.model.free();
    this.onState(this.state);
  }

  /** The loaded model, loaded first if the file on disk is not the one in memory. */
  private current(): Loaded {
    const l = this.loaded;
    if (l && l.stamp !== stampIfAny(l.path)) {
      // Another request still runs on the old model: it ends first (from what
      // was loaded, or with the engine's MODEL_CHANGED error).
      if (this.users > 1) throw fileChangedError(l.path, '; it will be loaded again when the request in progress ends');
      this.unload();
    }
    return (this.loaded ??= this.load());
  }

  private load(): Loaded {
    const path = this.requirePath();
    this.onState({ state: 'loading' });
    try {
      const info = this.modelFile(path);
      const model = this.addon.loadModel({ path, hparams: info.hparams, tensors: info.tensors, threads: this.config.threads, kernels: this.config.kernels, kvCache: this.config.kvCache, lmHead: this.config.lmHead });
      if (fileStamp(path) !== info.stamp) {
        // The header was read from another version of the file than the engine loaded.
        model.free();
        throw fileChangedError(path, ' while it was loading; try again once it is complete');
      }
      const { completion, chat } = this.config.contextSizes;
      const limit = info.hparams.contextLength;
      const sequences = {
        completion: new Sequence(model.createContext(Math.min(completion, limit))),
        cold: new Sequence(model.createContext(Math.min(COLD_CONTEXT_TOKENS, completion, limit))),
        // A chat turn re-sends the last reply: reusing its decoded tokens saves
        // evaluating it again, at the cost of last-bit equality (sequence.ts).
        chat: new Sequence(model.createContext(Math.min(chat, limit)), { reuseDecoded: true }),
      };
      this.failure = undefined;
      const loaded = { path, stamp: info.stamp, fileBytes: info.fileSize, model, sequences };
      this.loaded = loaded;
      this.onState(this.state);
      return loaded;
    } catch (err) {
      const error =
        err instanceof EngineError
          ? err
          : errorCode(err, 'MODEL_INVALID') === 'MODEL_CHANGED'
            ? fileChangedError(path, ' while it was loading; try again once it is complete')
            : new EngineError('MODEL_INVALID', `The model file ${path} cannot be used: ${(err as Error).message}`);
      this.failure = error.message;
      this.onState(this.state);
      throw error;
    }
  }

  /** The file's header and tokenizer, read again if the file changed on disk. */
  private modelFile(path: string): ModelFile {
    const stamp = fileStamp(path);
    if (this.file?.path === path && this.file.stamp === stamp) return this.file;
    let info: ReturnType<typeof readBitnetModel>;
    try {
      info = readBitnetModel(path);
    } catch (err) {
      throw new EngineError('MODEL_INVALID', `The model file ${path} cannot be used: ${(err as Error).message}`);
    }
    // Keep the small parts only: the vocabulary's strings live on in the tokenizer's own tables.
    const { hparams, tensors, fileSize } = info;
    this.file = { path, stamp, hparams, tensors, fileSize, tokenizer: Tokenizer.fromVocab(info.vocab) };
    return this.file;
  }

  private requirePath(): string {
    const path = this.config.path;
    if (!path) throw noModelError();
    return path;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (!this.loaded) return;
    this.idleTimer = setTimeout(() => {
      if (this.users > 0) return;
      // The tokenizer's tables go too; the next request rebuilds them with the model.
      this.file = undefined;
      this.unload();
    }, this.config.idleUnloadMs);
    this.idleTimer.unref();
  }
}

/** Identity of the file at `path` now: device, inode, size and modification time (ns). */
function fileStamp(path: string): string {
  try {
    const st = fs.statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch (err) {
    throw new EngineError('MODEL_INVALID', `The model file ${path} cannot be read: ${(err as Error).message}`);
  }
}

function stampIfAny(path: string): string | undefined {
  try {
    return fileStamp(path);
  } catch {
    return undefined;
  }
}

function fileChangedError(path: string, detail: string): EngineError {
  return new EngineError('MODEL_CHANGED', `The model file ${path} changed on disk${detail}.`);
}

// One generation's text as it streams, with its figures once it has ended:
// the shape every backend (the local engine, a server) hands the features.
import type { GenerationStats, PromptProgress } from '../protocol';

export interface GenerationStream extends AsyncIterable<string> {
  /** The figures once the request has ended; undefined if it failed or never started. */
  readonly stats: Promise<GenerationStats | undefined>;
  /** How far the prompt has been read, while it is being read. */
  readonly progress: PromptProgress | undefined;
}

/** The stats promise and its one-shot resolver (later calls do nothing). */
export interface PendingStats {
  readonly promise: Promise<GenerationStats | undefined>;
  settle(stats: GenerationStats | undefined): void;
}

export function pendingStats(): PendingStats {
  let settle: (stats: GenerationStats | undefined) => void = () => undefined;
  const promise = new Promise<GenerationStats | undefined>((resolve) => (settle = resolve));
  return { promise, settle: (stats) => settle(stats) };
}

/**
 * Wraps the producer's text so that its stats always settle. A failed
 * request has none. One whose text ended, or whose reader stopped, before
 * it was `sent()` has none either (an abort before it started, or a reader
 * that never read); once sent, the producer settles them itself, perhaps
 * after the text has ended (a cancelled request is still ended by the engine).
 */
export function generationStream(
  texts: AsyncIterable<string>,
  stats: PendingStats,
  sent: () => boolean,
  progress: () => PromptProgress | undefined = () => undefined,
): GenerationStream {
  const unlessSent = () => {
    if (!sent()) stats.settle(undefined);
  };
  return {
    stats: stats.promise,
    get progress() {
      return progress();
    },
    [Symbol.asyncIterator]: () => {
      const iterator = texts[Symbol.asyncIterator]();
      return {
        next: async () => {
          try {
            const result = await iterator.next();
            if (result.done) unlessSent();
            return result;
          } catch (err) {
            stats.settle(undefined);
            throw err;
          }
        },
        return: async () => {
          const result = await iterator.return?.(undefined);
          unlessSent();
          return result ?? { done: true, value: undefined };
        },
      };
    },
  };
}

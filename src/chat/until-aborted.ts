// Reading a stream that must stop the moment the user says so. The engine
// cancels a request when its signal fires, but a request still queued behind
// inline completions in the worker may take a while to notice; the chat must
// not wait for that before it gives the input back.

/** Yields from `source` until `signal` aborts, then returns at once without waiting for a pending chunk. */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const iterator = source[Symbol.asyncIterator]();
  let onAbort = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      const next = iterator.next();
      // A chunk (or failure) arriving after the abort has no reader left.
      next.catch(() => undefined);
      const result = await Promise.race([next, aborted]);
      if (result === 'aborted') return;
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Tell the source to stop, but never wait for it.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

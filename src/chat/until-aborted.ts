// Waiting that must end the moment the user says Stop. The engine cancels a
// request when its signal fires, but a request still queued behind inline
// completions in the worker may take a while to notice, and the token counter
// may still be reading the model file; the chat must not wait for either
// before it gives the input back.

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

/** The promise's value, or undefined as soon as `signal` aborts (the promise is left to finish unheard). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

// How long to wait after a keystroke before asking the model. A pause at the
// end of a line or after punctuation is the moment a suggestion helps; in
// the middle of a word the user is still typing, so wait longer.
import { lineAroundCursor, type DocumentSnapshot } from './snapshot';

export const DEBOUNCE_MS = { lineEnd: 30, afterPunctuation: 60, midWord: 180 } as const;

export function debounceDelay(doc: Pick<DocumentSnapshot, 'prefix' | 'suffix'>, explicit: boolean): number {
  if (explicit) return 0;
  const { before, after } = lineAroundCursor(doc);
  const last = before.slice(-1);
  if (/[\p{L}\p{N}_]/u.test(last)) return DEBOUNCE_MS.midWord;
  if (after.trim() === '') return DEBOUNCE_MS.lineEnd;
  return DEBOUNCE_MS.afterPunctuation;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

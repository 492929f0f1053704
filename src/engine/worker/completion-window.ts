// Which of a completion's prompts to read (see CompletionPrompt): the full
// one when this CPU reads what the cache lacks of it in about a second, else
// the cold one, whose shorter window it can read in that time. The user sees
// a suggestion from the cold window; the full one is read in the background
// and taken over once it is in the cache.
import type { PrefillMeter } from './prefill-meter';
import { COLD_PROMPT_SECONDS } from '../protocol';

export interface WindowCandidate {
  /** The prompt's tokens, BOS included. */
  tokens: readonly number[];
  /** How many of them its sequence already holds. */
  cached: number;
}

export function chooseWindow(full: WindowCandidate, cold: WindowCandidate | undefined, meter: PrefillMeter): 'full' | 'cold' {
  const missing = (c: WindowCandidate) => c.tokens.length - c.cached;
  if (!cold || meter.secondsFor(missing(full)) <= COLD_PROMPT_SECONDS) return 'full';
  return missing(cold) < missing(full) ? 'cold' : 'full';
}

// Llama 3's pre-tokenizer: the split pattern from Meta's tokenizer.py (the one
// the model was trained with through tiktoken), written for JavaScript.
//
// Two translations keep it identical to tiktoken's Rust regex engine:
// - `(?i:'s|'t|…)` has no JavaScript form without flags on the whole pattern,
//   so the case-insensitive contractions are spelled out. Unicode simple case
//   folding also maps 'ſ' (U+017F) to 's', so it is in the class too.
// - `\s` in Rust means Unicode White_Space; JavaScript's `\s` differs on two
//   characters (it adds U+FEFF and lacks U+0085), so `\p{White_Space}` is used.

const WS = '\\p{White_Space}';
const NOT_WS = '\\P{White_Space}';

export const LLAMA3_SPLIT = new RegExp(
  [
    "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])",
    '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+',
    '\\p{N}{1,3}',
    ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*`,
    `${WS}*[\\r\\n]+`,
    `${WS}+(?!${NOT_WS})`,
    `${WS}+`,
  ].join('|'),
  'gu',
);

/**
 * Calls `piece` for each pre-token of `text`, in order. The pattern matches
 * every code point, but any gap is still passed on so no text is ever lost.
 */
export function forEachPretoken(text: string, piece: (s: string) => void): void {
  const re = LLAMA3_SPLIT;
  re.lastIndex = 0;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > end) piece(text.slice(end, m.index));
    piece(m[0]);
    end = re.lastIndex;
  }
  if (end < text.length) piece(text.slice(end));
}

/** The pre-tokens of `text` as an array (for tests and tools). */
export function pretokenize(text: string): string[] {
  const out: string[] = [];
  forEachPretoken(text, (s) => out.push(s));
  return out;
}

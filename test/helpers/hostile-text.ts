// Strings that break text code: long runs of one markup character (the usual
// trigger of a quadratic regex or parser), and random mixes from alphabets of
// markup, whitespace, controls, lone surrogates, combining marks and emoji.
// Seeded, so a failure names a text that can be made again.
import { Xorshift128 } from '../../src/model-file/xorshift';

export const MEGABYTE = 1 << 20;

export interface HostileText {
  name: string;
  text: string;
}

/** Units whose long runs are the classic worst cases for regexes and Markdown parsers. */
export const HOSTILE_UNITS: readonly string[] = [
  '[', '](', '[](', '[a](', '`', '```\n', '~~~\n', '*a', '**a', '_a', '<a ', '&', '\\', '|', '#', '> ', '- ', '1. ',
  ' ', '\t', '\n', '\r\n', 'a', '7', '.', '🙂', '\u0301', '\ud800', '\u0000', '\u200b', '*', ':',
];

const ALPHABET = [
  ...'abcXYZ019 \t\n\r.,:;!?-_*`~#>|[](){}<>&"\'\\/=+@$%^',
  'é', 'ß', '日本', '🙂', '👩‍💻', '\u0301', '\u200b', '\u202e', '\ud800', '\udfff', '\u0000', '\u001b', '\u0085', '\ufeff', '\u3000',
  '<|eot_id|>', '<|begin_of_text|>', '```', '~~~', '](', 'javascript:', '**', '__',
];

/** `unit` repeated to `size` characters (rounded up to whole units). */
export function runOf(unit: string, size: number): HostileText {
  return { name: `${JSON.stringify(unit)} × ${Math.ceil(size / unit.length)}`, text: unit.repeat(Math.ceil(size / unit.length)) };
}

/** About `size` characters drawn at random from the hostile alphabet. */
export function randomText(seed: number, size: number): HostileText {
  const rng = new Xorshift128(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const piece = ALPHABET[rng.nextU32() % ALPHABET.length]!;
    // Runs of one piece now and then, where backtracking hurts.
    const repeat = rng.nextU32() % 16 === 0 ? 1 + (rng.nextU32() % 64) : 1;
    parts.push(piece.repeat(repeat));
    length += piece.length * repeat;
  }
  return { name: `random text (seed ${seed}, ${length} characters)`, text: parts.join('') };
}

/** Every hostile run at `size`, then random texts at `size` for each seed. */
export function hostileTexts(size: number, seeds: readonly number[] = [1, 2]): HostileText[] {
  return [...HOSTILE_UNITS.map((u) => runOf(u, size)), ...seeds.map((s) => randomText(s, size))];
}

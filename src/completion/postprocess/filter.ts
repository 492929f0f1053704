// What every post-processing filter sees. A filter is a pure function from
// the model's text to the text worth showing ('' means show nothing).
import type { CompletionMode } from '../mode';

export interface FilterContext {
  /** The cursor's line up to the cursor, and after it. */
  lineBefore: string;
  lineAfter: string;
  /** Document lines after the cursor's line. */
  nextLines: readonly string[];
  mode: CompletionMode;
  tabSize: number;
  insertSpaces: boolean;
}

export type Filter = (text: string, ctx: FilterContext) => string;

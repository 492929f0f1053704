// Small models loop. Cut the text where it starts repeating itself: a line
// that repeats the line before it twice over, or a short run of characters
// repeated many times at the end of a line.
import type { Filter } from './filter';

const MAX_SAME_LINES = 2;
const LOOP = /(.{1,12}?)\1{5,}$/;

export const stopAtRepetition: Filter = (text) => {
  const lines = text.split('\n');
  const kept: string[] = [];
  let same = 1;
  for (const line of lines) {
    const previous = kept[kept.length - 1];
    same = previous !== undefined && line.trim() !== '' && line === previous ? same + 1 : 1;
    if (same > MAX_SAME_LINES) break;
    const loop = LOOP.exec(line);
    if (loop) {
      kept.push(line.slice(0, loop.index + loop[1].length));
      break;
    }
    kept.push(line);
  }
  return kept.join('\n');
};

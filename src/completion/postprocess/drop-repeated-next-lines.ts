// A suggestion that only retypes the lines already below the cursor is
// noise: drop it, and cut a multi-line suggestion where it runs into them.
import type { Filter } from './filter';

export const dropRepeatedNextLines: Filter = (text, ctx) => {
  const next = ctx.nextLines.map((l) => l.trim()).filter((l) => l !== '');
  if (next.length === 0) return text;
  const lines = text.split('\n');
  const firstFull = (ctx.lineBefore + lines[0]).trim();
  if (firstFull !== '' && firstFull === next[0] && ctx.lineAfter.trim() === '') return '';
  const meets = lines.findIndex((line, i) => i > 0 && line.trim() !== '' && line.trim() === next[0]);
  return meets < 0 ? text : lines.slice(0, meets).join('\n');
};

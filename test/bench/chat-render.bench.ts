// Prints what re-rendering a streamed chat reply costs: Markdown → DOMPurify →
// fragment with code buttons and colours, on jsdom (slower than the webview's
// Chromium, so an upper bound). The view re-renders the growing reply at most
// once per animation frame.
//   node --import tsx test/bench/chat-render.bench.ts
import { JSDOM } from 'jsdom';
import { performance } from 'node:perf_hooks';
import { createRenderer } from '../../media/render-markdown';

const win = new JSDOM('<!DOCTYPE html><body></body>').window as unknown as Window;
const renderer = createRenderer(win);

const paragraph = 'The function walks the list once, keeping a running **sum** and the `best` value seen so far; see [the docs](https://example.com). ';
const code = '```ts\nfunction best(xs: number[]): number {\n  let sum = 0, best = -Infinity;\n  for (const x of xs) { sum += x; best = Math.max(best, sum); }\n  return best; // "done"\n}\n```\n';

function reply(chars: number): string {
  let text = '';
  while (text.length < chars) text += paragraph + '\n\n' + code + '\n';
  return text.slice(0, chars);
}

for (const size of [500, 2_000, 8_000, 16_000]) {
  const text = reply(size);
  const host = win.document.createElement('div');
  const runs = 50;
  for (let i = 0; i < 5; i++) host.replaceChildren(renderer.fragment(text));
  const start = performance.now();
  for (let i = 0; i < runs; i++) host.replaceChildren(renderer.fragment(text));
  const ms = (performance.now() - start) / runs;
  console.log(`reply of ${String(size).padStart(6)} chars: ${ms.toFixed(2)} ms per re-render (${host.querySelectorAll('.code-block').length} code blocks)`);
}

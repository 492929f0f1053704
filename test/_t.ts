import { readFileSync } from 'node:fs';
import ref from 'llama3-tokenizer-js';
import { vocabFromTiktoken } from '../src/engine/llama3-vocab';
import { readTokenizerData } from '../src/engine/tokenizer-data';
import { Tokenizer } from '../src/engine/tokenizer';
let t0 = performance.now();
const tok = Tokenizer.fromVocab(vocabFromTiktoken(readTokenizerData()));
console.log('build ms', performance.now() - t0);
const files = ['src/engine/tokenizer.ts', 'node_modules/llama3-tokenizer-js/src/llama3-tokenizer.js', 'node_modules/typescript/lib/lib.dom.d.ts'];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  t0 = performance.now();
  const a = tok.encode(text);
  const t1 = performance.now();
  const b = tok.encode(text);
  const t2 = performance.now();
  const r = ref.encode(text, { bos: false, eos: false, specialTokenRegex: /(?!)/g } as any);
  const t3 = performance.now();
  const same = a.length === r.length && a.every((x, i) => x === r[i]);
  console.log(f, text.length, 'cold', (t1 - t0).toFixed(1), 'warm', (t2 - t1).toFixed(1), 'ref', (t3 - t2).toFixed(1), same, tok.decode(a) === text);
}
const long = ' '.repeat(5000) + '='.repeat(3000) + 'x'.repeat(1000);
const a = tok.encode(long), r = ref.encode(long, { bos: false, eos: false });
console.log('long', a.length, a.join() === r.join());

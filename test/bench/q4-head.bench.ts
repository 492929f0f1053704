// How often the 4-bit LM head (lmHead 'q4') picks the exact F16 head's most
// likely token: both heads evaluate the same prompt with all logits, and
// each position's argmax is compared. With q4, the argmax equals F16's
// exactly when F16's top token is among the screen's 64 rescored rows, so
// this counts how often it falls outside them. Also prints each head's
// weights in memory. Figures only; it never fails.
//
//   npm run build && node --import tsx test/bench/q4-head.bench.ts [model.gguf] [positions] [threads]
//
// Without a path it uses /tmp/bitnet-2b4t.gguf (make it with
// `node dist/cli.js make-model --shape 2b4t --out /tmp/bitnet-2b4t.gguf`).
import * as path from 'node:path';
import type { LmHead } from '../../native';
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { readBitnetModel } from '../../src/model-file/bitnet-model';

const root = path.resolve(__dirname, '../..');
const file = process.argv[2] ?? '/tmp/bitnet-2b4t.gguf';
const positions = Number(process.argv[3] ?? 300);
const threads = Number(process.argv[4] ?? 0);
const addon = loadAddon(root);
const info = readBitnetModel(file);
const vocab = info.hparams.vocabSize;
const tokens = Int32Array.from({ length: positions }, (_, i) => (i === 0 ? 128000 : (i * 7919 + 13) % vocab));

/** Each position's most likely token, and the weights the head's model keeps. */
function argmaxes(lmHead: LmHead): { best: Int32Array; weightBytes: number; ms: number } {
  const model = addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads, lmHead });
  try {
    const ctx = model.createContext(positions);
    const start = performance.now();
    const logits = ctx.eval(tokens, { allLogits: true });
    const ms = performance.now() - start;
    const best = new Int32Array(positions);
    for (let p = 0; p < positions; p++) {
      const row = logits.subarray(p * vocab, (p + 1) * vocab);
      let b = 0;
      for (let i = 1; i < vocab; i++) if (row[i]! > row[b]!) b = i;
      best[p] = b;
    }
    return { best, weightBytes: model.stats.weightBytes, ms };
  } finally {
    model.free();
  }
}

const MiB = 1024 * 1024;
const exact = argmaxes('f16');
const q4 = argmaxes('q4');
let differ = 0;
for (let p = 0; p < positions; p++) differ += exact.best[p] !== q4.best[p] ? 1 : 0;
console.log(`${file}: ${positions} positions, vocabulary ${vocab}`);
console.log(`f16 head: weights ${(exact.weightBytes / MiB).toFixed(0)} MiB, prompt with all logits ${exact.ms.toFixed(0)} ms`);
console.log(`q4 head:  weights ${(q4.weightBytes / MiB).toFixed(0)} MiB, prompt with all logits ${q4.ms.toFixed(0)} ms`);
console.log(`the F16 head's top token is outside the q4 screen's rescored rows at ${differ} of ${positions} positions`);

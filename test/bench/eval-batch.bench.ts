// One decode step for several sequences at once (model.evalBatch with a
// token each, what `bitnet serve` runs for its generating slots) against
// the same number of single-sequence steps: aggregate tokens/s at 1, 4 and
// 16 sequences. Prints figures; never fails on speed.
//
//   npm run build:native && node --import tsx test/bench/eval-batch.bench.ts [model.gguf] [threads]
import * as fs from 'node:fs';
import { openModel } from '../../src/cli/open-model';
import { tinyModelPath } from '../helpers/model-files';

const REAL_SHAPE = '/tmp/bitnet-2b4t.gguf';
const modelPath = process.argv[2] ?? (fs.existsSync(REAL_SHAPE) ? REAL_SHAPE : tinyModelPath());
const threads = Number(process.argv[3] ?? 0);
/** Rounds of one batched step and one step per sequence, alternated so load from other processes hits both alike. */
const ROUNDS = 6;
/** Each sequence holds this many tokens already, like a user's file (short: the prefill is paid once per sequence). */
const CACHED = 64;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const { model } = openModel(modelPath, { threads });
console.log(`eval batch: ${modelPath}, ${model.stats.kernels} kernels, ${model.stats.threads} threads, ${CACHED} cached tokens a sequence, median of ${ROUNDS} alternated rounds`);
const prompt = Array.from({ length: CACHED }, (_, i) => 1000 + ((i * 37) % 5000));
for (const rows of [1, 4, 16]) {
  const batched = Array.from({ length: rows }, () => model.createContext(CACHED + ROUNDS + 2));
  const alone = Array.from({ length: rows }, () => model.createContext(CACHED + ROUNDS + 2));
  for (const c of [...batched, ...alone]) c.eval(prompt);
  const together: number[] = [];
  const oneByOne: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let start = performance.now();
    model.evalBatch(batched, batched.map(() => 100 + r));
    together.push(performance.now() - start);
    start = performance.now();
    for (const c of alone) c.eval([100 + r]);
    oneByOne.push(performance.now() - start);
  }
  const b = median(together);
  const o = median(oneByOne);
  const rate = (ms: number) => ((rows * 1000) / ms).toFixed(1);
  console.log(
    `${String(rows).padStart(2)} sequences: batched ${b.toFixed(0)} ms/step (${rate(b)} tok/s), ` +
      `one by one ${o.toFixed(0)} ms (${rate(o)} tok/s), ×${(o / b).toFixed(2)}`,
  );
  for (const c of [...batched, ...alone]) c.free();
}
model.free();

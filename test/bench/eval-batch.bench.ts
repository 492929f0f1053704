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
const STEPS = 4;
/** Each sequence holds this many tokens already, like a user's file. */
const CACHED = 64;

const { model, info } = openModel(modelPath, { threads });
console.log(`decode batch: ${modelPath}, ${model.stats.kernels} kernels, ${model.stats.threads} threads, ${CACHED} cached tokens a sequence`);
const prompt = Array.from({ length: CACHED }, (_, i) => 1000 + ((i * 37) % 5000));
for (const rows of [1, 4, 16]) {
  const contexts = Array.from({ length: rows }, () => model.createContext(CACHED + 2 * STEPS + 2));
  for (const c of contexts) c.eval(prompt);
  const token = (s: number) => 100 + s;
  let start = performance.now();
  for (let s = 0; s < STEPS; s++) model.evalBatch(contexts, contexts.map(() => token(s)));
  const batched = (performance.now() - start) / STEPS;
  start = performance.now();
  for (let s = 0; s < STEPS; s++) for (const c of contexts) c.eval([token(s)]);
  const oneByOne = (performance.now() - start) / STEPS;
  const rate = (ms: number) => ((rows * 1000) / ms).toFixed(1);
  console.log(
    `${String(rows).padStart(2)} sequences: batched ${batched.toFixed(0)} ms/step (${rate(batched)} tok/s), ` +
      `one by one ${oneByOne.toFixed(0)} ms (${rate(oneByOne)} tok/s), ×${(oneByOne / batched).toFixed(2)}`,
  );
  for (const c of contexts) c.free();
}
model.free();
void info;

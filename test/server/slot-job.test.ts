// How a request's prompt is cut into chunks for the server's steps: within
// the step's budget, and never a one-token call before the last token (it
// would round like a decode step and the cache would no longer be exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotCache } from '../../src/server/slot-cache';
import { SlotJob } from '../../src/server/slot-job';
import { MAX_PROMPT_CHUNK } from '../../src/server/server-config';
import { tinyEngine } from '../helpers/tiny-engine';

function jobWithPrompt(length: number): { job: SlotJob; cache: SlotCache } {
  const { model, tokenizer } = tinyEngine();
  const cache = new SlotCache(model.createContext(512));
  const sink = { text() {}, progress() {}, end() {}, fail() {} };
  const prompt = Array.from({ length }, (_, i) => 1000 + i);
  const job = new SlotJob({ prompt, maxTokens: 1, stop: [], sampling: { temperature: 0 }, cachePrompt: true }, sink, tokenizer);
  job.start(0, cache);
  return { job, cache };
}

test('prompt chunks stay within the budget and never leave a single token behind', () => {
  for (const length of [1, 2, 3, 64, 65, 66, 129, 300]) {
    for (const budget of [1, 2, 3, 63, 64, 200]) {
      const { job, cache } = jobWithPrompt(length);
      const chunk = job.nextChunk(budget);
      const left = length - chunk.length;
      assert.notEqual(left, 1, `prompt ${length}, budget ${budget}: one token left`);
      assert.ok(chunk.length <= MAX_PROMPT_CHUNK, `prompt ${length}, budget ${budget}: ${chunk.length} tokens`);
      assert.ok(chunk.length <= Math.max(budget, 2) || (left === 0 && length === 3), `prompt ${length}, budget ${budget}: ${chunk.length} tokens`);
      assert.ok(chunk.length >= Math.min(2, length), `prompt ${length}, budget ${budget}: a one-token call`);
      cache.free();
    }
  }
});

// Heap limits for the worker threads that hold a tokenizer (the engine's and
// the chat's token counter). V8's default young generation grows to about
// 48 MiB per thread and keeps it; capped at 8 MiB, each of these threads
// holds about 40 MiB less, with no change in tokenizer speed (measured in
// test/bench/memory.bench.ts).
import type { ResourceLimits } from 'node:worker_threads';

export const TOKENIZER_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

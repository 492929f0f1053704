import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStats } from '../../src/commands/stats-report';
import type { EngineStats } from '../../src/engine/protocol';

const cpu = { arch: 'x64', avx2: true, fma: true, f16c: true, avxvnni: true, avx512: true, avx512vnni: true, amx: true, neon: false, dotprod: false, logicalCores: 2, physicalCores: 2 } as const;

test('the stats page shows the model file, its size, load time, kernels, CPU features, threads and KV memory per sequence', () => {
  const stats: EngineStats = {
    addonVersion: '0.1.0',
    cpu,
    modelPath: '/models/m.gguf',
    model: {
      path: '/models/m.gguf',
      fileBytes: 1_187_287_840,
      loadMs: 812.4,
      weightBytes: 900 * 2 ** 20,
      kernels: 'avx512vnni',
      threads: 2,
      lmHead: 'int8',
      sequences: {
        completion: { capacity: 2048, tokens: 1500, kvBytes: 150 * 2 ** 20 },
        cold: { capacity: 1024, tokens: 0, kvBytes: 0 },
        chat: { capacity: 4096, tokens: 0, kvBytes: 300 * 2 ** 20 },
      },
      kvCache: 'f16',
    },
    last: {
      completion: { promptTokens: 1501, reusedTokens: 1497, generatedTokens: 12, prefillMs: 20.5, firstTokenMs: 96.2, tokensPerSecond: 41.3, stopReason: 'stop' },
    },
  };
  const page = formatStats(stats, { state: 'ready', path: '/models/m.gguf' });
  assert.match(page, /File: \/models\/m\.gguf \(1132\.3 MiB\)/);
  assert.match(page, /Loaded in 812 ms/);
  assert.match(page, /Kernels: avx512vnni, threads: 2/);
  assert.match(page, /features: avx2, avxvnni, avx512, avx512vnni, amx$/m);
  assert.match(page, /KV cache \(F16\), completion: 150\.0 MiB for 2048 tokens \(1500 in use\)/);
  assert.match(page, /KV cache \(F16\), chat: 300\.0 MiB for 4096 tokens/);
  assert.match(page, /Completion: first token in 96 ms, 41\.3 tok\/s.*1497 reused/);
  assert.match(page, /Chat: none yet/);
});

test('before the model is loaded the stats page says it loads on the next request', () => {
  const page = formatStats({ addonVersion: '0.1.0', cpu, modelPath: '/m.gguf', model: undefined, last: {} }, { state: 'ready', path: '/m.gguf' });
  assert.match(page, /Not in memory/);
  assert.match(formatStats({ addonVersion: '0.1.0', cpu, modelPath: undefined, model: undefined, last: {} }, { state: 'no-model' }), /No model file is set/);
});

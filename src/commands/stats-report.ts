// The text of "BitNet: Show stats", kept free of `vscode` so tests can read it.
import type { EngineStats, EngineStatus, GenerationStats } from '../engine/protocol';

export function formatStats(stats: EngineStats, status: EngineStatus): string {
  const cpu = stats.cpu;
  const features = (['avx2', 'avxvnni', 'avx512', 'avx512vnni', 'amx', 'neon', 'dotprod'] as const).filter((k) => cpu[k]);
  const lines = [
    '# BitNet stats',
    '',
    `- Status: ${describeStatus(status)}`,
    `- Engine: native addon ${stats.addonVersion}`,
    `- CPU: ${cpu.physicalCores} cores (${cpu.logicalCores} threads), features: ${features.join(', ') || 'baseline only'}`,
    '',
    '## Model',
    '',
  ];
  const m = stats.model;
  if (!stats.modelPath) lines.push('No model file is set.');
  else if (!m) lines.push(`- File: ${stats.modelPath}`, '- Not in memory (it loads on the next request).');
  else {
    const kv = m.kvCache === 'i8' ? '8-bit' : 'F16';
    lines.push(
      `- File: ${m.path} (${mib(m.fileBytes)})`,
      `- Loaded in ${m.loadMs.toFixed(0)} ms; weights in memory ${mib(m.weightBytes)}, LM head ${m.lmHead}`,
      `- Kernels: ${m.kernels}, threads: ${m.threads}`,
      `- KV cache (${kv}), completion: ${mib(m.sequences.completion.kvBytes)} for ${m.sequences.completion.capacity} tokens (${m.sequences.completion.tokens} in use)`,
      `- KV cache (${kv}), chat: ${mib(m.sequences.chat.kvBytes)} for ${m.sequences.chat.capacity} tokens (${m.sequences.chat.tokens} in use)`,
    );
  }
  lines.push('', '## Last requests', '');
  lines.push(describeLast('Completion', stats.last.completion), describeLast('Chat', stats.last.chat));
  return lines.join('\n') + '\n';
}

/** One line on the last request of a kind; `cache` names whose cache the reused tokens came from. */
export function describeLast(what: string, s: GenerationStats | undefined, cache = 'cache'): string {
  if (!s) return `- ${what}: none yet`;
  return (
    `- ${what}: first token in ${s.firstTokenMs.toFixed(0)} ms, ${s.tokensPerSecond.toFixed(1)} tok/s, ` +
    `${s.generatedTokens} tokens generated, prompt ${s.promptTokens} tokens (${s.reusedTokens} reused from ${cache}), ended by ${s.stopReason}`
  );
}

function describeStatus(status: EngineStatus): string {
  switch (status.state) {
    case 'no-model':
      return 'no model set';
    case 'loading':
      return `loading ${status.path}`;
    case 'ready':
      return 'ready';
    case 'unloaded':
      return 'not in memory (loads on the next request)';
    case 'reading':
      return `reading the prompt (${status.kind}): ${status.progress.done} of ${status.progress.total} tokens`;
    case 'generating':
      return `generating (${status.kind})`;
    case 'error':
      return `error: ${status.message}`;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

// The text of "BitNet: Show stats" when a server answers, kept free of
// `vscode` so tests can read it. `formatBackendStats` picks the local or the
// server report, so the stats command needs no other change.
import { describeLast, formatStats } from '../commands/stats-report';
import type { EngineStats, EngineStatus } from '../engine/protocol';
import type { ServerStats } from './server-stats';

export function isServerStats(stats: EngineStats | ServerStats): stats is ServerStats {
  return (stats as ServerStats).backend === 'server';
}

export function formatBackendStats(stats: EngineStats | ServerStats, status: EngineStatus): string {
  return isServerStats(stats) ? formatServerStats(stats, status) : formatStats(stats, status);
}

export function formatServerStats(stats: ServerStats, status: EngineStatus): string {
  const lines = [
    '# BitNet stats',
    '',
    `- Status: ${status.state === 'error' ? `error: ${status.message}` : status.state}`,
    `- Backend: server ${stats.url} (${stats.protocol === 'openai' ? 'OpenAI-compatible' : 'llama.cpp server'} protocol)`,
  ];
  if (stats.model) lines.push(`- Model: ${stats.model}`);
  if (stats.build) lines.push(`- Server: ${stats.build}`);
  if (stats.slots !== undefined) lines.push(`- Slots: ${stats.slots}${stats.contextSize ? ` of ${stats.contextSize} tokens each` : ''}`);
  const e = stats.engine;
  if (e) {
    const features = (['avx2', 'avxvnni', 'avx512', 'avx512vnni', 'amx', 'neon', 'dotprod'] as const).filter((k) => e.cpu[k]);
    lines.push(
      `- Server engine: native addon ${e.addonVersion}, ${e.kernels} kernels, ${e.threads} threads, LM head ${e.lmHead}`,
      `- Server CPU: ${e.cpu.physicalCores} cores (${e.cpu.logicalCores} threads), features: ${features.join(', ') || 'baseline only'}`,
    );
  }
  lines.push('', '## Last requests (timed from this editor)', '');
  const cache = "the server's cache";
  lines.push(describeLast('Completion', stats.last.completion, cache), describeLast('Chat', stats.last.chat, cache));
  return lines.join('\n') + '\n';
}

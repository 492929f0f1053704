// What "BitNet: Show stats" can say about a server backend.
import type { CpuFeatures } from '../../native';
import type { GenerationKind, GenerationStats } from '../engine/protocol';

export type ServerProtocol = 'llama.cpp' | 'openai';

/** What `bitnet serve` adds to /props about its own engine. */
export interface ServerEngineInfo {
  addonVersion: string;
  cpu: CpuFeatures;
  kernels: string;
  threads: number;
  lmHead: string;
  weightBytes: number;
  loadMs: number;
}

export interface ServerStats {
  backend: 'server';
  url: string;
  protocol: ServerProtocol;
  /** The model the server reports, or the configured name. */
  model: string | undefined;
  /** Build string (llama.cpp's build_info), slot count and context per slot, when the server says. */
  build: string | undefined;
  slots: number | undefined;
  contextSize: number | undefined;
  /** Only from `bitnet serve`. */
  engine: ServerEngineInfo | undefined;
  last: Partial<Record<GenerationKind, GenerationStats>>;
}

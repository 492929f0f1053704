// Who hears an engine status change: the local engine, a server client, the
// fallback and the backend switch each keep one of these.
import type { EngineStatus } from '../protocol';

export type StatusListener = (status: EngineStatus) => void;

export class StatusListeners {
  private readonly listeners = new Set<StatusListener>();

  add(listener: StatusListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  emit(status: EngineStatus): void {
    for (const listener of this.listeners) listener(status);
  }

  clear(): void {
    this.listeners.clear();
  }
}

// The one error type the engine's callers see. `code` is stable and meant for
// code to branch on; `message` is a sentence meant for people.

export type EngineErrorCode =
  | 'NO_MODEL' // no model file is set
  | 'ADDON_LOAD_FAILED' // the native addon does not load on this machine
  | 'MODEL_INVALID' // the model file is missing, truncated or not a BitNet GGUF
  | 'WORKER_FAILED' // the engine worker died; it is being restarted
  | 'ABORTED' // the request was cancelled
  | 'DISPOSED' // the client was shut down
  | 'ENGINE_ERROR'; // the native engine threw while generating

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
  }
}

export function noModelError(): EngineError {
  return new EngineError('NO_MODEL', 'No BitNet model is set. Run "BitNet: Download model" or "BitNet: Use a local model file…".');
}

/** The code of an error thrown by the addon or our own code, or `fallback`. */
export function errorCode(err: unknown, fallback: EngineErrorCode): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : fallback;
}

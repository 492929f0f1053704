// What the status-bar item says, as a pure function of the engine's state,
// the inline setting for the current editor and the last completion's speed.

export type EngineState = 'starting' | 'no-model' | 'loading' | 'ready' | 'generating' | 'error';

export interface StatusInput {
  engine: EngineState;
  errorMessage?: string;
  modelPath?: string;
  inlineEnabled: boolean;
  languageId?: string;
  lastLatencyMs?: number;
  tokensPerSecond?: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
  isError: boolean;
}

export function describeStatus(s: StatusInput): StatusView {
  const speed = speedLine(s);
  const lines = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('\n');
  switch (s.engine) {
    case 'error':
      return { text: '$(error) BitNet', tooltip: lines(`BitNet: ${s.errorMessage ?? 'the engine failed'}`, 'Click for options.'), isError: true };
    case 'no-model':
      return { text: '$(cloud-download) BitNet', tooltip: 'BitNet has no model yet. Click to download it or pick a local file.', isError: false };
    case 'starting':
    case 'loading':
      return { text: '$(loading~spin) BitNet', tooltip: lines('BitNet is loading the model…', s.modelPath), isError: false };
    case 'generating':
      return { text: '$(loading~spin) BitNet', tooltip: lines('BitNet is generating…', speed), isError: false };
    case 'ready':
      if (!s.inlineEnabled) {
        const where = s.languageId ? ` for ${s.languageId}` : '';
        return { text: '$(circle-slash) BitNet', tooltip: lines(`BitNet inline completion is off${where}.`, 'Click for options.'), isError: false };
      }
      return { text: '$(sparkle) BitNet', tooltip: lines('BitNet is ready.', speed, s.modelPath), isError: false };
  }
}

function speedLine(s: StatusInput): string | undefined {
  if (s.lastLatencyMs === undefined) return undefined;
  const rate = s.tokensPerSecond !== undefined ? `, ${s.tokensPerSecond.toFixed(1)} tokens/s` : '';
  return `Last completion: ${Math.round(s.lastLatencyMs)} ms${rate}`;
}

// What the server client needs from a protocol (llama.cpp's or OpenAI's):
// the request for a completion or a chat reply, how to read one streamed
// event, and how to count tokens.
import type { ChatMessage, GenerateOptions, StopReason } from '../engine/protocol';
import type { ServerProtocol } from './server-stats';

export interface StreamRequest {
  path: string;
  body: unknown;
}

/** What the last event says about the generation; fields the server did not send are undefined. */
export interface StreamEnd {
  stopReason: Exclude<StopReason, 'time' | 'aborted'> | undefined;
  promptTokens?: number;
  reusedTokens?: number;
  generatedTokens?: number;
  /** How long the server read the prompt, when it says. */
  prefillMs?: number;
  /** The server's own decode rate, when it reports one. */
  tokensPerSecond?: number;
}

export interface StreamEvent {
  text: string;
  /** Present on the event that ends the generation. */
  end?: StreamEnd;
  /** OpenAI's `[DONE]` line: nothing follows. */
  done?: boolean;
}

export interface ProtocolAdapter {
  readonly name: ServerProtocol;
  completion(prompt: string, options: GenerateOptions): StreamRequest;
  chat(messages: ChatMessage[], options: GenerateOptions): Promise<StreamRequest>;
  /** Reads one event's data; throws a malformed-answer error when it cannot. */
  parseEvent(data: string): StreamEvent;
  /** True once the stream has said all it will (the client then stops reading). */
  isComplete(event: StreamEvent): boolean;
  countTokens(text: string): Promise<number>;
}

/** Reads a field that must be a number when present. */
export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

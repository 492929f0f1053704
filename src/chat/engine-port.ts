// The slice of the generation service (EngineClient) the chat uses. Naming
// it lets the view-model's unit tests pass a small in-process generator.
import type { EngineClient } from '../engine/client';

export type { ChatMessage, EngineStatus, GenerateOptions } from '../engine/client';

export type ChatEngine = Pick<EngineClient, 'chat' | 'countTokens' | 'status' | 'onDidChangeStatus'>;

// Reading a request's JSON fields with clear 400 errors: the server takes
// bodies from the network, so every field is checked before it is used.
import type { SamplingOptions } from '../engine/decoding/sampler';

/** An error the client caused; `status` and `type` go into the error body. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : 'invalid_request_error',
  ) {
    super(message);
  }
}

export type JsonObject = Record<string, unknown>;

export function asObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError(400, 'the request body must be a JSON object');
  return body as JsonObject;
}

export function numberField(body: JsonObject, name: string, range: { min: number; max: number; integer?: boolean }, fallback: number): number {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (range.integer && !Number.isInteger(v)) || v < range.min || v > range.max) {
    throw new RequestError(400, `"${name}" must be ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`);
  }
  return v;
}

export function booleanField(body: JsonObject, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new RequestError(400, `"${name}" must be true or false`);
  return v;
}

/** `stop` as a string or an array of strings (both protocols accept either). */
export function stopField(body: JsonObject): string[] {
  const v = body.stop;
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > 64 || !list.every((s) => typeof s === 'string' && s.length <= 1024)) {
    throw new RequestError(400, '"stop" must be a string or an array of at most 64 strings');
  }
  return list.filter((s) => s.length > 0);
}

/** The sampling fields both protocols share, named as llama.cpp and OpenAI name them. */
export function samplingFields(body: JsonObject, defaultTemperature: number): SamplingOptions {
  const seed = numberField(body, 'seed', { min: -1, max: 0xffffffff, integer: true }, -1);
  return {
    temperature: numberField(body, 'temperature', { min: 0, max: 10 }, defaultTemperature),
    topK: numberField(body, 'top_k', { min: 0, max: 1_000_000, integer: true }, 40),
    topP: numberField(body, 'top_p', { min: 0, max: 1 }, 0.95),
    minP: numberField(body, 'min_p', { min: 0, max: 1 }, 0.05),
    repeatPenalty: numberField(body, 'repeat_penalty', { min: 0, max: 10 }, 1),
    presencePenalty: numberField(body, 'presence_penalty', { min: -2, max: 2 }, 0),
    seed: seed === -1 ? undefined : seed,
  };
}

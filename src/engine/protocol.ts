// The messages between EngineClient (extension host) and the engine worker,
// typed once and imported by both sides.
import type { CpuFeatures } from '../../native';

/** Data the worker is started with. */
export interface WorkerData {
  /** The extension's root folder, where prebuilds/ and build/ live. */
  extensionRoot: string;
}

export interface HelloResult {
  addonVersion: string;
  cpu: CpuFeatures;
  node: string;
  platform: string;
}

/** Each request kind with its parameters and its result. */
export interface RequestMap {
  hello: { params: Record<string, never>; result: HelloResult };
}

export type RequestKind = keyof RequestMap;

export interface RequestMessage<K extends RequestKind = RequestKind> {
  type: 'request';
  id: number;
  kind: K;
  params: RequestMap[K]['params'];
}

export interface ErrorInfo {
  /** A stable code such as 'ADDON_LOAD_FAILED'; the message is for people. */
  code: string;
  message: string;
}

export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ErrorInfo };

/** Sent once, before anything else, when the worker has loaded the addon or failed to. */
export type ReadyMessage = { type: 'ready'; ok: true } | { type: 'ready'; ok: false; error: ErrorInfo };

export type WorkerToClient = ResponseMessage | ReadyMessage;
export type ClientToWorker = RequestMessage;

// What can go wrong talking to a server, each as an EngineError with a
// stable code and a sentence that says what happened and what to do. Every
// one ends the request; none leaves it hanging.
import { EngineError } from '../engine/engine-errors';

export type ServerErrorCode =
  | 'SERVER_UNREACHABLE' // nothing answers at the URL (down, wrong port, DNS)
  | 'SERVER_AUTH' // 401 or 403: the API key is missing or wrong
  | 'SERVER_ERROR' // 5xx: the server failed or is still loading
  | 'SERVER_REJECTED' // another 4xx: the server refused the request
  | 'SERVER_STALLED' // the stream stopped sending for too long
  | 'SERVER_MALFORMED'; // an answer that is not what the protocol says

export class ServerError extends EngineError {
  constructor(
    override readonly code: ServerErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export function unreachable(url: string, why: string): ServerError {
  return new ServerError('SERVER_UNREACHABLE', `The BitNet server at ${url} is not reachable (${why}). Start it, or check "bitnet.server.url".`);
}

export function stalled(url: string, seconds: number): ServerError {
  return new ServerError('SERVER_STALLED', `The BitNet server at ${url} sent nothing for ${seconds} s; the request was cancelled.`);
}

export function malformed(url: string, what: string): ServerError {
  return new ServerError('SERVER_MALFORMED', `The BitNet server at ${url} sent an answer this extension cannot read: ${what}.`);
}

/** The error for an HTTP status that is not a success, with the server's own message when it sent one. */
export function statusError(url: string, status: number, serverMessage: string | undefined): ServerError {
  const said = serverMessage ? `: ${serverMessage}` : '';
  if (status === 401 || status === 403) {
    return new ServerError('SERVER_AUTH', `The BitNet server at ${url} refused the API key (HTTP ${status}${said}). Set it with "BitNet: Set server API key…".`);
  }
  if (status === 503) return new ServerError('SERVER_ERROR', `The BitNet server at ${url} is not ready (HTTP 503${said}). Try again shortly.`);
  if (status >= 500) return new ServerError('SERVER_ERROR', `The BitNet server at ${url} failed (HTTP ${status}${said}).`);
  return new ServerError('SERVER_REJECTED', `The BitNet server at ${url} refused the request (HTTP ${status}${said}).`);
}

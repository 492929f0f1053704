// HTTP to the server: JSON requests, and streamed responses read chunk by
// chunk. Every failure becomes a ServerError (server-errors.ts); a stream
// that goes quiet for too long is cancelled; aborting the caller's signal
// closes the request, which is how the server learns to stop generating.
import { malformed, stalled, statusError, unreachable, ServerError } from './server-errors';

export interface TransportOptions {
  /** The server's base URL, without a trailing slash. */
  baseUrl: string;
  apiKey: string | undefined;
  /** Longest wait for a small JSON answer. */
  requestTimeoutMs: number;
  /** Longest wait for a stream's first byte (a long prompt is read before anything is sent). */
  firstByteTimeoutMs: number;
  /** Longest silence once a stream has started. */
  stallTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS = {
  requestTimeoutMs: 10_000,
  firstByteTimeoutMs: 120_000,
  stallTimeoutMs: 30_000,
} as const;

/** Raised inside the transport when the timer fires, so it can be told from the caller's abort. */
class Timeout extends Error {
  constructor(readonly seconds: number) {
    super('timeout');
  }
}

export class HttpTransport {
  constructor(private readonly options: TransportOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async getJson(path: string): Promise<unknown> {
    return this.json(path, { method: 'GET' });
  }

  async postJson(path: string, body: unknown): Promise<unknown> {
    return this.json(path, { method: 'POST', body: JSON.stringify(body) });
  }

  /**
   * POSTs `body` and yields the response text as it arrives. Ends when the
   * server ends the response or `signal` aborts (then quietly: the caller
   * chose to stop).
   */
  async *stream(path: string, body: unknown, signal: AbortSignal | undefined): AsyncGenerator<string> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Timeout(ms / 1000)), ms);
    };
    arm(this.options.firstByteTimeoutMs);
    try {
      if (signal?.aborted) return;
      const res = await this.fetch(path, { method: 'POST', body: JSON.stringify(body), headers: { Accept: 'text/event-stream' } }, controller.signal);
      if (!res.ok) throw statusError(this.baseUrl, res.status, await errorMessage(res));
      const type = res.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) throw malformed(this.baseUrl, `a stream was asked for but the answer is ${type || 'untyped'}`);
      if (!res.body) throw malformed(this.baseUrl, 'the answer has no body');
      const decoder = new TextDecoder();
      let started = false;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (!started) started = true;
        arm(this.options.stallTimeoutMs);
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield text;
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } catch (err) {
      if (signal?.aborted) return;
      throw this.translate(err, controller.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Closing the request is how the server hears that nobody is reading.
      controller.abort();
    }
  }

  private async json(path: string, init: RequestInit): Promise<unknown> {
    const controller = new AbortController();
    const ms = this.options.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(new Timeout(ms / 1000)), ms);
    try {
      const res = await this.fetch(path, init, controller.signal);
      if (!res.ok) throw statusError(this.baseUrl, res.status, await errorMessage(res));
      const text = await res.text();
      try {
        return JSON.parse(text);
      } catch {
        throw malformed(this.baseUrl, `${path} did not answer with JSON`);
      }
    } catch (err) {
      throw this.translate(err, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetch(path: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) };
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    return fetch(this.baseUrl + path, { ...init, headers, signal });
  }

  private translate(err: unknown, signal: AbortSignal): Error {
    if (err instanceof ServerError) return err;
    if (signal.reason instanceof Timeout) return stalled(this.baseUrl, signal.reason.seconds);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return unreachable(this.baseUrl, describeNetworkError(cause.code));
    if (err instanceof TypeError) return unreachable(this.baseUrl, cause?.message ?? err.message);
    return err instanceof Error ? err : new Error(String(err));
  }
}

function describeNetworkError(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return code;
  }
}

/** The server's own error message, from `{"error": {"message"}}` or a plain text body. */
async function errorMessage(res: Response): Promise<string | undefined> {
  const text = (await res.text().catch(() => '')).trim();
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300);
}

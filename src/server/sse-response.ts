// Writing a response as server-sent events, or as one JSON body. Writing
// SSE is a line format (`data: …` and a blank line); reading it is what
// needs a parser, and the client uses one.
import type { ServerResponse } from 'node:http';

/** After this long without a write (a request waiting for a slot), a comment line shows the server is alive. */
export const HEARTBEAT_MS = 5_000;

export class SseResponse {
  private started = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastWrite = 0;

  constructor(private readonly res: ServerResponse) {}

  /** Sends the headers now, so the client knows the request was accepted. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
    this.started = true;
    this.lastWrite = Date.now();
    this.heartbeat = setInterval(() => Date.now() - this.lastWrite >= HEARTBEAT_MS && this.comment('waiting'), HEARTBEAT_MS / 5);
    this.heartbeat.unref();
  }

  data(value: unknown): void {
    this.write(`data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`);
  }

  /** A comment line: ignored by SSE readers, but proof the server is working. */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  end(): void {
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }

  /** An error after the stream began can only be an event; before, it is a status. */
  error(status: number, body: unknown): void {
    if (this.started) {
      this.data(body);
      this.end();
    } else {
      sendJson(this.res, status, body);
    }
  }

  private write(text: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.lastWrite = Date.now();
    this.res.write(text);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The error body llama.cpp and OpenAI servers both send. */
export function errorBody(status: number, message: string, type: string): { error: { code: number; message: string; type: string } } {
  return { error: { code: status, message, type } };
}
